/**
 * Markdown to sanitized HTML. A module-local Marked instance (never the global one, whose options
 * any import could change), then sanitize-html with an allow-list. Trusted markup of our own
 * (paragraph ids, glossary terms) is added only after sanitizing.
 */
import { Marked, type Token } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { Block } from '../../kit/types';
import { escapeHtml } from '../../html';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED: sanitizeHtml.IOptions = {
	allowedTags: [
		'p',
		'a',
		'em',
		'strong',
		'sup',
		'sub',
		'code',
		'blockquote',
		'ul',
		'ol',
		'li',
		'h2',
		'h3',
		'h4',
		'br',
		'hr',
		'table',
		'thead',
		'tbody',
		'tr',
		'th',
		'td'
	],
	allowedAttributes: { a: ['href', 'title'] },
	allowedSchemes: ['http', 'https', 'mailto'],
	transformTags: {
		// Headings inside a reading sit under the page's own h1.
		h1: 'h2'
	}
};

export function sanitize(html: string): string {
	return sanitizeHtml(html, ALLOWED);
}

/** Inline Markdown (a caption, a footnote, a one-line note) to sanitized HTML. */
export function renderInline(md: string): string {
	return sanitize(marked.parseInline(md) as string);
}

/** Block Markdown (teacher notes) to sanitized HTML. */
export function renderBlocks(md: string): string {
	return sanitize(marked.parse(md) as string);
}

const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	'#39': "'",
	nbsp: ' '
};

export function htmlToText(html: string): string {
	return html
		.replace(/<[^>]*>/g, '')
		.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ENTITIES[e] ?? '')
		.replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
		.replace(/\s+/g, ' ')
		.trim();
}

/**
 * Footnote references `[^1]` become links to the footnote with id `fn-1`. A reading with one
 * footnote marks it `*`, as the publisher printed it; with several, each shows its number, as the
 * footnote list does.
 */
function linkFootnotes(html: string, footnotes: number): string {
	return html.replace(
		/\[\^(\d+)\]/g,
		(_, n: string) =>
			`<sup class="fnref"><a href="#fn-${n}" id="fnref-${n}" aria-label="footnote ${n}">${footnotes > 1 ? n : '*'}</a></sup>`
	);
}

/** The footnote numbers a reading's body refers to, each once, in order of first use. */
export function footnoteRefs(body: string): { n: number; line: number }[] {
	const seen = new Map<number, number>();
	body.split('\n').forEach((text, i) => {
		for (const m of text.matchAll(/\[\^(\d+)\]/g)) {
			const n = Number(m[1]);
			if (!seen.has(n)) seen.set(n, i + 1);
		}
	});
	return [...seen].map(([n, line]) => ({ n, line }));
}

/** The reading's body as blocks; paragraphs are numbered 1…N with ids `p-N`. */
export function renderReading(body: string, footnotes = 1): Block[] {
	const tokens: Token[] = marked.lexer(body);
	const blocks: Block[] = [];
	let n = 0;
	let other = 0;
	for (const token of tokens) {
		if (token.type === 'space') continue;
		if (token.type === 'paragraph') {
			n += 1;
			const inner = sanitize(marked.parseInline(token.text) as string);
			blocks.push({
				anchor: `p-${n}`,
				n,
				kind: 'paragraph',
				html: linkFootnotes(inner, footnotes),
				text: htmlToText(inner.replace(/\[\^\d+\]/g, ''))
			});
		} else {
			other += 1;
			const html = sanitize(marked.parser([token]) as string);
			blocks.push({ anchor: `b-${other}`, n: null, kind: 'other', html, text: htmlToText(html) });
		}
	}
	return blocks;
}

export function slugify(s: string): string {
	return s
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 48);
}

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Marks the first occurrence of `form` in the text (never inside a tag or an existing mark) as a
 * glossary term: a focusable link to the glossary entry, described by a tooltip that CSS shows on
 * hover and focus (so it works with JavaScript off, and a tap focuses it on phones).
 */
export function markTerm(
	html: string,
	form: string,
	slug: string,
	definition: string
): string | null {
	const parts = html.split(/(<[^>]+>)/);
	const re = new RegExp(`(^|[^\\p{L}\\p{N}])(${escapeRegExp(form)})(?=$|[^\\p{L}\\p{N}])`, 'u');
	let depth = 0;
	for (let i = 0; i < parts.length; i++) {
		const part = parts[i] ?? '';
		if (part.startsWith('<')) {
			if (/^<(a|span|button)\b/.test(part)) depth += 1;
			else if (/^<\/(a|span|button)>/.test(part)) depth -= 1;
			continue;
		}
		if (depth > 0) continue;
		const m = re.exec(part);
		if (!m) continue;
		const start = m.index + (m[1]?.length ?? 0);
		const found = m[2] ?? form;
		const tip = `gt-${slug}`;
		const marked =
			`<span class="term"><a href="#g-${slug}" class="term-link" aria-describedby="${tip}">${found}</a>` +
			`<span role="tooltip" id="${tip}" class="term-tip">${escapeHtml(definition)}</span></span>`;
		parts[i] = part.slice(0, start) + marked + part.slice(start + found.length);
		return parts.join('');
	}
	return null;
}

export { escapeHtml };
