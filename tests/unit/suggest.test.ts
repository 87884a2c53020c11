import { describe, expect, it } from 'vitest';
import { sentences, suggestQuotes } from '../../src/lib/kit/import/suggest';

const passages = [
	{
		anchor: 'p-1',
		label: 'paragraph 1',
		text: 'Moscow pulled out of the agreement. It was signed in 2000. Relations fell.'
	},
	{
		anchor: 'p-2',
		label: 'paragraph 2',
		text: 'The liberation of Palmyra forced the West to engage. “Rock bottom” was reached.'
	}
];

describe('evidence suggested by word overlap', () => {
	it('splits paragraphs into verbatim sentences', () => {
		expect(sentences(passages[1]!.text)).toEqual([
			'The liberation of Palmyra forced the West to engage.',
			'“Rock bottom” was reached.'
		]);
	});

	it('ranks the sentence sharing the rarest words first, with its paragraph', () => {
		const [best, ...rest] = suggestQuotes('Which city was liberated? Palmyra', passages);
		expect(best).toMatchObject({
			quote: 'The liberation of Palmyra forced the West to engage.',
			anchor: 'p-2'
		});
		expect(rest.every((r) => r.score < best!.score)).toBe(true);
		expect(suggestQuotes('In which year was it signed?', passages)[0]!.quote).toBe(
			'It was signed in 2000.'
		);
	});

	it('suggests nothing when no word is shared', () => {
		expect(suggestQuotes('the of and', passages)).toEqual([]);
		expect(suggestQuotes('Bananas?', passages)).toEqual([]);
	});
});
