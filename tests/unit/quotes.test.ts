import { describe, expect, it } from 'vitest';
import { explainMiss, findQuote, type QuoteTarget } from '../../src/lib/kit/quotes';

const targets: QuoteTarget[] = [
	{ anchor: 'p-1', label: 'paragraph 1', text: 'Russia can not simply wait — it must act first.' },
	{
		anchor: 'p-2',
		label: 'paragraph 2',
		text: 'Then the Americans ceased cooperation with Moscow just weeks after they publicly announced it.'
	},
	{
		anchor: 'p-3',
		label: 'paragraph 3',
		text: 'The reasons can easily be listed. Moscow blamed Washington.'
	}
];

describe('quotes that match, with the tolerated differences', () => {
	const cases: [string, string, string][] = [
		['verbatim', 'ceased cooperation with Moscow', 'p-2'],
		['an unspaced dash for a spaced one', 'simply wait—it must', 'p-1'],
		['a spaced hyphen for an em dash', 'simply wait - it must', 'p-1'],
		['wrapping quote marks', '"ceased cooperation with Moscow"', 'p-2'],
		['curly wrapping quote marks', '“Moscow blamed Washington.”', 'p-3'],
		['... skipping words', 'Then the Americans ... publicly announced it', 'p-2'],
		['… skipping words', 'The reasons…Moscow blamed', 'p-3']
	];
	it.each(cases)('%s', (_, quote, anchor) =>
		expect(findQuote(quote, targets)?.anchor).toBe(anchor)
	);

	it('skipped words must keep their order and their block', () => {
		expect(findQuote('publicly announced it ... Then the Americans', targets)).toBeNull();
		expect(findQuote('must act first ... Then the Americans', targets)).toBeNull();
	});
});

describe('a quote not found says where it differs', () => {
	const cases: [string, string, RegExp][] = [
		[
			'can not / cannot',
			'Russia cannot simply wait',
			/closest passage is in paragraph 1: .*the reading has “can not”, you wrote “cannot”/
		],
		[
			'a changed word',
			'the Americans stopped cooperation with Moscow',
			/paragraph 2.*the reading has “ceased”, you wrote “stopped”/
		],
		['a word left out', 'ceased cooperation Moscow just weeks', /you left out “with”/],
		[
			'across two paragraphs',
			'publicly announced it. The reasons can easily',
			/runs from paragraph 2 into paragraph 3: a quote must stay within one/
		],
		['capital letters', 'the reasons can easily be listed', /only in capital letters/],
		['nothing close', 'an entirely different sentence about cats', /No passage comes close/]
	];
	it.each(cases)('%s', (_, quote, message) => {
		expect(findQuote(quote, targets)).toBeNull();
		expect(explainMiss(quote, targets)).toMatch(message);
	});
});
