import { describe, expect, it } from 'vitest';
import { createKitLibrary } from '../../src/lib/server/kit/registry';
import { escapeHtml, highlightQuotes } from '../../src/lib/study/highlight';

const TERM =
	'<span class="term"><a href="#g-pmda" class="term-link" aria-describedby="gt-pmda">Plutonium Agreement</a>' +
	'<span role="tooltip" id="gt-pmda" class="term-tip">A deal &quot;signed&quot; in 2000.</span></span>';

describe('highlightQuotes', () => {
	const table: { name: string; html: string; quotes: string[]; out: string; found: number }[] = [
		{
			name: 'plain text',
			html: 'Russia has made an unexpected maneuver.',
			quotes: ['an unexpected maneuver'],
			out: 'Russia has made <mark>an unexpected maneuver</mark>.',
			found: 1
		},
		{
			name: 'straight quotes in the kit match curly ones in the reading',
			html: 'coveting an international “diplomatic victory” that restored',
			quotes: ['international "diplomatic victory"'],
			out: 'coveting an <mark>international “diplomatic victory”</mark> that restored',
			found: 1
		},
		{
			name: 'dashes and runs of whitespace are tolerated',
			html: 'the U.S.\u2013Russia  plutonium\nagreement',
			quotes: ['U.S.-Russia plutonium agreement'],
			out: 'the <mark>U.S.\u2013Russia  plutonium\nagreement</mark>',
			found: 1
		},
		{
			name: 'a quote running into a glossary link is split per text node; the tooltip is skipped',
			html: `pulling out of the ${TERM}, signed in 2000.`,
			quotes: ['out of the Plutonium Agreement, signed'],
			out:
				'pulling <mark>out of the </mark><span class="term"><a href="#g-pmda" class="term-link" aria-describedby="gt-pmda"><mark>Plutonium Agreement</mark></a>' +
				'<span role="tooltip" id="gt-pmda" class="term-tip">A deal &quot;signed&quot; in 2000.</span></span><mark>, signed</mark> in 2000.',
			found: 1
		},
		{
			name: 'text inside a tooltip is never matched',
			html: `the ${TERM} today`,
			quotes: ['A deal "signed" in 2000'],
			out: `the ${TERM} today`,
			found: 0
		},
		{
			name: 'entities are decoded for matching and kept whole',
			html: 'Tom &amp; Jerry &#8220;fight&#8221; &lt;again&gt;',
			quotes: ['Tom & Jerry "fight" <again>'],
			out: '<mark>Tom &amp; Jerry &#8220;fight&#8221; &lt;again&gt;</mark>',
			found: 1
		},
		{
			name: 'footnote markers are not part of the text',
			html: 'against IS<sup class="fnref"><a href="#fn-1" id="fnref-1" aria-label="footnote 1">*</a></sup> with the liberation',
			quotes: ['against IS with the liberation'],
			out: '<mark>against IS</mark><sup class="fnref"><a href="#fn-1" id="fnref-1" aria-label="footnote 1">*</a></sup><mark> with the liberation</mark>',
			found: 1
		},
		{
			name: 'two quotes in one block; overlapping ones merge',
			html: 'one two three four five',
			quotes: ['one two', 'two three', 'five'],
			out: '<mark>one two three</mark> four <mark>five</mark>',
			found: 3
		},
		{
			name: 'a missing quote changes nothing',
			html: 'one <em>two</em> three',
			quotes: ['four'],
			out: 'one <em>two</em> three',
			found: 0
		},
		{
			name: 'inline formatting inside the quote',
			html: 'one <em>two</em> three',
			quotes: ['one two three'],
			out: '<mark>one </mark><em><mark>two</mark></em><mark> three</mark>',
			found: 1
		},
		{
			name: 'matching is case-sensitive, as the loader is',
			html: 'Rock bottom',
			quotes: ['rock bottom'],
			out: 'Rock bottom',
			found: 0
		},
		{
			name: 'an empty quote finds nothing',
			html: 'text',
			quotes: ['  '],
			out: 'text',
			found: 0
		}
	];
	for (const { name, html, quotes, out, found } of table) {
		it(name, () => {
			const r = highlightQuotes(html, quotes);
			expect(r.html).toBe(out);
			expect(r.found).toBe(found);
		});
	}

	it('escapes plain text before marking it', () => {
		const html = escapeHtml(`A <b>"bold"</b> & 'brave' note`);
		expect(html).toBe('A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; &#39;brave&#39; note');
		expect(highlightQuotes(html, ['"bold"</b> &']).html).toBe(
			'A &lt;b&gt;<mark>&quot;bold&quot;&lt;/b&gt; &amp;</mark> &#39;brave&#39; note'
		);
	});
});

describe('every evidence quote of the seed kit is marked in place', () => {
	const kit = createKitLibrary('quizzes').get('hitting-rock-bottom');
	it.skipIf(!kit)('finds each quote in the block it was resolved to', () => {
		if (!kit) return;
		const html = new Map<string, string>([
			...kit.blocks.map((b) => [b.anchor, b.html] as const),
			...kit.footnotes.map((f) => [f.anchor, f.html] as const),
			['caption', kit.captionHtml ?? ''],
			['credit', escapeHtml(kit.meta.credit)],
			['notes', kit.meta.notes.map(escapeHtml).join(' ')]
		]);
		const refs = [...kit.questions, ...kit.polls, ...kit.keyPoints].flatMap((x) => x.evidenceRefs);
		expect(refs.length).toBeGreaterThan(0);
		const missing = refs.filter(
			(r) => highlightQuotes(html.get(r.anchor) ?? '', [r.quote]).found !== 1
		);
		expect(missing).toEqual([]);
	});
});
