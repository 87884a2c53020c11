/**
 * Evidence quotes are matched verbatim, tolerant only of whitespace, quote marks and dashes,
 * so that reading and questions cannot drift apart silently.
 */
export function normalizeQuote(s: string): string {
	return s
		.replace(/[\u2018\u2019\u201A\u201B\u2032`]/g, "'")
		.replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
		.replace(/[\u2012\u2013\u2014\u2015]/g, '-')
		.replace(/\u00A0/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

export interface QuoteTarget {
	anchor: string;
	label: string;
	text: string;
}

/** The first block whose text contains the quote, or null. */
export function findQuote(quote: string, targets: QuoteTarget[]): QuoteTarget | null {
	const needle = normalizeQuote(quote);
	if (!needle) return null;
	return targets.find((t) => normalizeQuote(t.text).includes(needle)) ?? null;
}
