/**
 * What the reading page may show of a kit. The kit also holds the answer key and teacher notes;
 * page data is serialised into the HTML for hydration, so the reading route sends only this view.
 */
import type { Block, Evidence, Kit } from '../kit/types';
import type { FrontMatter } from '../kit/schema';

export interface ReadingView {
	slug: string;
	meta: FrontMatter;
	summary: string;
	level: string | null;
	blocks: Pick<Block, 'anchor' | 'n' | 'kind' | 'html'>[];
	captionHtml: string | null;
	footnotes: { anchor: string; html: string }[];
	notes: string[];
	glossary: { slug: string; term: string; definition: string; anchor: string | null }[];
	keyPoints: { text: string; refs: Pick<Evidence, 'anchor' | 'label'>[] }[];
	wordCount: number;
	readingMinutes: number;
}

/** The distinct anchors of a list of evidence, in order: two quotes from one paragraph link once. */
function distinctRefs(refs: Evidence[]): Pick<Evidence, 'anchor' | 'label'>[] {
	const seen = new Set<string>();
	return refs.flatMap(({ anchor, label }) =>
		seen.has(anchor) ? [] : (seen.add(anchor), [{ anchor, label }])
	);
}

export function readingView(kit: Kit): ReadingView {
	return {
		slug: kit.slug,
		meta: kit.meta,
		summary: kit.summary,
		level: kit.level,
		blocks: kit.blocks.map(({ anchor, n, kind, html }) => ({ anchor, n, kind, html })),
		captionHtml: kit.captionHtml,
		footnotes: kit.footnotes.map(({ anchor, html }) => ({ anchor, html })),
		notes: kit.notes,
		glossary: [...kit.glossary].sort((a, b) =>
			a.term.localeCompare(b.term, 'en', { sensitivity: 'base' })
		),
		keyPoints: kit.keyPoints.map((k) => ({ text: k.text, refs: distinctRefs(k.evidenceRefs) })),
		wordCount: kit.wordCount,
		readingMinutes: kit.readingMinutes
	};
}

/** A human name for an anchor in the reading page: `p-7` → `paragraph 7`. */
export function anchorLabel(anchor: string): string {
	const p = /^p-(\d+)$/.exec(anchor);
	if (p) return `paragraph ${p[1]}`;
	const fn = /^fn-(\d+)$/.exec(anchor);
	if (fn) return `footnote ${fn[1]}`;
	if (anchor === 'caption') return 'the photo caption';
	if (anchor === 'credit') return 'the credit line';
	return 'the reading';
}
