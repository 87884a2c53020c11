/**
 * The one quote matcher: the kit loader resolves evidence with it, and the kit editor in the
 * browser will import the same module (so it must stay free of Node imports).
 *
 * Invariants:
 * - A quote matches when it appears, verbatim, inside ONE block of the reading (a paragraph, the
 *   caption, a footnote, the credit line or the publisher's note).
 * - Tolerated differences, and only these: runs of whitespace; curly and straight quote marks;
 *   dash forms (-, –, —) and spaces around a dash; quote marks wrapped around the whole quote
 *   that the reading does not have; `...` or `…` standing for skipped words (the parts must then
 *   appear in order within the same block).
 * - A quote that does not match gets one plain explanation: the closest passage and the first
 *   place it differs, or that it spans two blocks.
 */
export interface QuoteTarget {
	anchor: string;
	label: string;
	text: string;
}

export function normalizeQuote(s: string): string {
	return s
		.replace(/[\u2018\u2019\u201A\u201B\u2032`]/g, "'")
		.replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
		.replace(/[\u2012\u2013\u2014\u2015\u2212]/g, '-')
		.replace(/\u00A0/g, ' ')
		.replace(/\s+/g, ' ')
		.replace(/ ?- ?/g, '-')
		.trim();
}

const ELLIPSIS = /\s*(?:\.\.\.|\u2026)\s*/;

/** Quote marks around the whole quote, which authors add out of habit. */
function unwrap(needle: string): string {
	const m = /^(["'])([\s\S]+)\1$/.exec(needle);
	return m?.[2]?.trim() ?? needle;
}

function containsInOrder(hay: string, parts: string[]): boolean {
	let from = 0;
	for (const part of parts) {
		const at = hay.indexOf(part, from);
		if (at < 0) return false;
		from = at + part.length;
	}
	return true;
}

function matches(needle: string, hay: string): boolean {
	if (hay.includes(needle)) return true;
	const parts = needle.split(ELLIPSIS).filter(Boolean);
	return parts.length > 1 && containsInOrder(hay, parts);
}

/** The first block whose text contains the quote, or null. */
export function findQuote(quote: string, targets: QuoteTarget[]): QuoteTarget | null {
	const needle = normalizeQuote(quote);
	if (!needle) return null;
	const hays = targets.map((t) => normalizeQuote(t.text));
	for (const n of new Set([needle, unwrap(needle)])) {
		const i = hays.findIndex((h) => matches(n, h));
		if (i >= 0) return targets[i] ?? null;
	}
	return null;
}

const words = (s: string) => s.split(' ').filter(Boolean);
const key = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** Word-level longest common subsequence of a and b, as pairs of matched indices. */
function lcsPairs(a: string[], b: string[]): [number, number][] {
	const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
	for (let i = a.length - 1; i >= 0; i--)
		for (let j = b.length - 1; j >= 0; j--)
			dp[i]![j] =
				key(a[i]!) === key(b[j]!)
					? dp[i + 1]![j + 1]! + 1
					: Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
	const pairs: [number, number][] = [];
	let i = 0;
	let j = 0;
	while (i < a.length && j < b.length) {
		if (key(a[i]!) === key(b[j]!)) pairs.push([i++, j++]);
		else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
		else j++;
	}
	return pairs;
}

const clip = (s: string, max = 140) => (s.length > max ? s.slice(0, max - 1) + '…' : s);

/**
 * Why a quote was not found, in words a kit author can act on: the passage closest to it and
 * where they part, or that it runs across two blocks. Call only after `findQuote` returned null.
 */
export function explainMiss(quote: string, targets: QuoteTarget[]): string {
	const needle = unwrap(normalizeQuote(quote));
	const found = `quote not found in the reading: “${clip(quote.trim(), 80)}”`;
	if (!needle) return 'quote is empty';
	const hays = targets.map((t) => normalizeQuote(t.text));

	for (let i = 0; i + 1 < targets.length; i++) {
		const joined = `${hays[i]} ${hays[i + 1]}`;
		if (matches(needle, joined))
			return `${found}. It runs from ${targets[i]!.label} into ${targets[i + 1]!.label}: a quote must stay within one; split it into two quotes`;
	}
	if (hays.some((h) => h.toLowerCase().includes(needle.toLowerCase())))
		return `${found}. It differs from the reading only in capital letters; copy it exactly`;

	const q = words(needle);
	let best: { t: number; start: number; pairs: [number, number][] } | null = null;
	hays.forEach((h, t) => {
		const w = words(h);
		for (let start = 0; start < Math.max(1, w.length - 1); start++) {
			const window = w.slice(start, start + q.length + 3);
			const pairs = lcsPairs(window, q);
			if (pairs[0]?.[0] !== 0) continue;
			if (!best || pairs.length > best.pairs.length) best = { t, start, pairs };
		}
	});
	const b = best as { t: number; start: number; pairs: [number, number][] } | null;
	if (!b || b.pairs.length < Math.max(2, Math.ceil(q.length / 2)))
		return `${found}. No passage comes close; copy the words from reading.md`;

	const w = words(hays[b.t] ?? '').slice(b.start);
	const target = targets[b.t]!;
	// The first place the quote and the passage part: the gap after the last matched run.
	let ri = 0;
	let qi = 0;
	for (const [r, k] of b.pairs) {
		if (r !== ri || k !== qi) break;
		ri += 1;
		qi += 1;
	}
	const next = b.pairs.find(([r, k]) => r >= ri && k >= qi);
	const readingPart = w.slice(ri, next ? next[0] : Math.min(w.length, ri + 3)).join(' ');
	const quotePart = q.slice(qi, next ? next[1] : q.length).join(' ');
	const last = b.pairs[b.pairs.length - 1]?.[0] ?? 0;
	const passage = clip(w.slice(0, Math.max(last + 1, ri + 1)).join(' '));
	const where = `The closest passage is in ${target.label}: “${passage}”`;
	if (qi >= q.length) return `${found}. ${where}`;
	if (!readingPart) return `${found}. ${where}; the reading has no “${quotePart}” there`;
	if (!quotePart) return `${found}. ${where}; you left out “${readingPart}”`;
	return `${found}. ${where}; the reading has “${readingPart}”, you wrote “${quotePart}”`;
}
