/**
 * Which sentences of the reading best match an imported question, by simple word overlap, so a
 * teacher picks evidence from a short list instead of searching the text. Pure; the sentences
 * returned are verbatim from the reading, so a picked one always validates.
 */
const STOP = new Set(
	'a an and are as at be but by did do does for from had has have he her his how in is it its of on or she so that the their them then there these they this to was were what when where which who why will with would you your'.split(
		' '
	)
);

export interface Passage {
	anchor: string;
	label: string;
	text: string;
}

export interface Suggestion {
	quote: string;
	anchor: string;
	label: string;
	/** Shared content words, weighted toward rare ones. */
	score: number;
}

const words = (s: string) =>
	s
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.split(/[^a-z0-9]+/)
		.filter((w) => w.length > 2 && !STOP.has(w));

/** Sentences of a paragraph, verbatim (split after . ! ? followed by a space and a capital). */
export function sentences(text: string): string[] {
	return text
		.split(/(?<=[.!?]["”’)]?)\s+(?=["“‘(]?[A-Z0-9])/)
		.map((s) => s.trim())
		.filter(Boolean);
}

/** The `n` sentences sharing most words with `query` (question text and its answers). */
export function suggestQuotes(query: string, passages: Passage[], n = 3): Suggestion[] {
	const wanted = new Set(words(query));
	if (wanted.size === 0) return [];
	const all = passages.flatMap((p) =>
		sentences(p.text).map((s) => ({ p, s, w: new Set(words(s)) }))
	);
	// Rare words say more: weight each by how few sentences hold it.
	const df = new Map<string, number>();
	for (const { w } of all) for (const x of w) df.set(x, (df.get(x) ?? 0) + 1);
	return all
		.map(({ p, s, w }) => {
			let score = 0;
			for (const x of wanted) if (w.has(x)) score += 1 / (df.get(x) ?? 1);
			return { quote: s, anchor: p.anchor, label: p.label, score };
		})
		.filter((x) => x.score > 0)
		.sort((a, b) => b.score - a.score)
		.slice(0, n);
}
