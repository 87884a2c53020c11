/**
 * Highlights evidence quotes in place in a block of the reading's sanitized HTML. Pure.
 *
 * A quote is found the way the kit loader finds it (verbatim, tolerant only of whitespace, quote
 * marks and dashes), in the block's visible text: tags are skipped, entities decoded, and the
 * text of glossary tooltips and footnote markers ignored, as the loader's `text` does. Each text
 * node the quote touches gets its own `<mark>`, so the result stays well nested even when a quote
 * runs across a link. Input HTML is trusted (sanitized by the loader); nothing here adds
 * attributes from the quote.
 */
import { escapeHtml } from '../html';

const VOID = new Set(['br', 'hr', 'img', 'wbr', 'input']);
/** Elements whose text is not part of the reading's text (see the loader's `htmlToText`). */
const HIDDEN = /\brole="tooltip"|\bclass="fnref"/;

const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: '\u00a0'
};

/** The loader's quote normalisation, one character at a time (whitespace is folded later). */
function canonChar(c: string): string {
	if (/[\u2018\u2019\u201A\u201B\u2032`]/.test(c)) return "'";
	if (/[\u201C\u201D\u201E\u201F\u2033]/.test(c)) return '"';
	if (/[\u2012\u2013\u2014\u2015]/.test(c)) return '-';
	if (/\s|\u00a0/.test(c)) return ' ';
	return c;
}

export function canonText(s: string): string {
	return [...s].map(canonChar).join('').replace(/ +/g, ' ').trim();
}

interface Piece {
	/** Offsets in the HTML string. */
	start: number;
	end: number;
	isTag: boolean;
	hidden: boolean;
}

function pieces(html: string): Piece[] {
	const out: Piece[] = [];
	const stack: { name: string; hidden: boolean }[] = [];
	const re = /<[^>]*>/g;
	let last = 0;
	const hiddenNow = () => stack.at(-1)?.hidden ?? false;
	for (let m = re.exec(html); m; m = re.exec(html)) {
		if (m.index > last) out.push({ start: last, end: m.index, isTag: false, hidden: hiddenNow() });
		const tag = m[0];
		out.push({ start: m.index, end: m.index + tag.length, isTag: true, hidden: false });
		const name = /^<\/?([a-zA-Z][a-zA-Z0-9]*)/.exec(tag)?.[1]?.toLowerCase();
		if (name && tag.startsWith('</')) {
			const at = stack.map((s) => s.name).lastIndexOf(name);
			if (at >= 0) stack.length = at;
		} else if (name && !VOID.has(name) && !tag.endsWith('/>')) {
			stack.push({ name, hidden: hiddenNow() || HIDDEN.test(tag) });
		}
		last = m.index + tag.length;
	}
	if (last < html.length)
		out.push({ start: last, end: html.length, isTag: false, hidden: hiddenNow() });
	return out;
}

/** The visible text as canonical characters, each with the HTML range it came from. */
function visibleText(html: string, parts: Piece[]) {
	let text = '';
	const from: number[] = [];
	const to: number[] = [];
	for (const p of parts) {
		if (p.isTag || p.hidden) continue;
		let i = p.start;
		while (i < p.end) {
			let raw: string;
			let len: number;
			const ent = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(html.slice(i, Math.min(p.end, i + 12)));
			if (ent) {
				const name = ent[1] as string;
				const code = name.startsWith('#x')
					? parseInt(name.slice(2), 16)
					: name.startsWith('#')
						? parseInt(name.slice(1), 10)
						: NaN;
				raw = Number.isNaN(code)
					? (ENTITIES[name.toLowerCase()] ?? ent[0])
					: String.fromCodePoint(code);
				len = ent[0].length;
			} else {
				raw = String.fromCodePoint(html.codePointAt(i) as number);
				len = raw.length;
			}
			const c = canonChar(raw);
			// Fold runs of whitespace into one space, as the loader does.
			if (c === ' ' && (text === '' || text.endsWith(' '))) {
				i += len;
				continue;
			}
			for (let k = 0; k < c.length; k++) {
				text += c[k];
				from.push(i);
				to.push(i + len);
			}
			i += len;
		}
	}
	return { text, from, to };
}

/** Merges overlapping [start, end) ranges. */
function merge(ranges: [number, number][]): [number, number][] {
	const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
	const out: [number, number][] = [];
	for (const r of sorted) {
		const prev = out.at(-1);
		if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
		else out.push([r[0], r[1]]);
	}
	return out;
}

/**
 * Wraps the first occurrence of each quote in `<mark>`. Returns the new HTML and how many of the
 * quotes were found; quotes that are not in this block are ignored.
 */
export function highlightQuotes(
	html: string,
	quotes: readonly string[]
): { html: string; found: number } {
	const parts = pieces(html);
	const { text, from, to } = visibleText(html, parts);
	const ranges: [number, number][] = [];
	let found = 0;
	for (const quote of quotes) {
		const needle = canonText(quote);
		const at = needle ? text.indexOf(needle) : -1;
		if (at < 0) continue;
		found += 1;
		ranges.push([from[at] as number, to[at + needle.length - 1] as number]);
	}
	if (ranges.length === 0) return { html, found: 0 };
	const marks = merge(ranges);
	let out = '';
	for (const p of parts) {
		const chunk = html.slice(p.start, p.end);
		if (p.isTag || p.hidden) {
			out += chunk;
			continue;
		}
		let pos = p.start;
		for (const [s, e] of marks) {
			const a = Math.max(s, p.start);
			const b = Math.min(e, p.end);
			if (a >= b) continue;
			out += html.slice(pos, a) + '<mark>' + html.slice(a, b) + '</mark>';
			pos = b;
		}
		out += html.slice(pos, p.end);
	}
	return { html: out, found };
}

/** Plain text (the credit line, a publisher's note) as HTML, ready for `highlightQuotes`. */

export { escapeHtml };
