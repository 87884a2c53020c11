import { describe, expect, it } from 'vitest';
import { countSentences, easeLabel, readability } from '../../src/lib/kit/readability';

describe('readability against hand-counted text', () => {
	it('counts words, sentences and syllables, and the two Flesch figures', () => {
		// Hand count: "The cat sat on the mat." 6 words, 6 syllables; "It was happy!" 3 words,
		// 1+1+2 syllables; "Relations were better, and the envoy was calm." 8 words,
		// 3+1+2+1+1+2+1+1 = 12 syllables. 17 words, 3 sentences, 22 syllables.
		const r = readability([
			'The cat sat on the mat. It was happy!',
			'Relations were better, and the envoy was calm.'
		]);
		expect(r).toMatchObject({ words: 17, sentences: 3, syllables: 22 });
		// 0.39 × 17/3 + 11.8 × 22/17 − 15.59 = 1.891; 206.835 − 1.015 × 17/3 − 84.6 × 22/17 = 91.60
		expect(r.grade).toBe(1.9);
		expect(r.ease).toBe(91.6);
	});

	it('an empty text has no figures rather than NaN', () => {
		expect(readability(['', '  '])).toEqual({
			words: 0,
			sentences: 0,
			syllables: 0,
			grade: 0,
			ease: 0
		});
	});
});

describe('sentences', () => {
	const cases: [string, number][] = [
		['The cat sat on the mat. It was happy!', 2],
		['Yet on Oct. 3, Moscow said it was pulling out.', 1],
		['It blamed U.S. actions. Then it left.', 2],
		['U.S. Secretary of State John Kerry met Sergei Lavrov.', 1],
		['Dr. Smith agreed with J. Jones.', 1],
		['He asked, "Why?" Then he left.', 2],
		['No full stop at the end', 1],
		['What caused this breakdown? Of course, Syria.', 2],
		['A list: one, two, three... and more.', 1]
	];
	it.each(cases)('%s → %i', (text, n) => expect(countSentences(text)).toBe(n));
});

describe('ease labels', () => {
	it.each([
		[95, 'very easy'],
		[65, 'plain English'],
		[45, 'difficult'],
		[10, 'very difficult']
	] as const)('%i is %s', (ease, label) => expect(easeLabel(ease)).toBe(label));
});
