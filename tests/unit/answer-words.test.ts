/** A student's own answer and the right one, in words, for every question type. */
import { describe, expect, it } from 'vitest';
import { responseWords, rightWords } from '../../src/lib/client/answer-words';
import type { PublicItem, QuestionReveal } from '../../src/lib/room/view';
import type { AnyResponse } from '../../src/lib/room/types';

type Q = Extract<PublicItem, { kind: 'question' }>;
const base = { kind: 'question' as const, id: 'q', prompt: 'P' };
const single: Q = { ...base, type: 'single', choices: ['Red', 'Blue', 'Green'] };
const multiple: Q = { ...base, type: 'multiple', choices: ['Red', 'Blue', 'Green'] };
const tf: Q = { ...base, type: 'truefalse' };
const ordering: Q = { ...base, type: 'ordering', items: ['Third', 'First', 'Second'] };
const short: Q = { ...base, type: 'short' };
const numeric: Q = { ...base, type: 'numeric', unit: 'years' };

describe('responseWords', () => {
	it.each<[string, Q, AnyResponse | null, string]>([
		['single', single, { type: 'single', choice: 1 }, 'B. Blue'],
		[
			'multiple, in letter order',
			multiple,
			{ type: 'multiple', choices: [2, 0] },
			'A. Red; C. Green'
		],
		['multiple, nothing', multiple, { type: 'multiple', choices: [] }, 'Nothing chosen'],
		['true/false', tf, { type: 'truefalse', value: false }, 'False'],
		[
			'ordering, display items',
			ordering,
			{ type: 'ordering', order: [1, 2, 0] },
			'First → Second → Third'
		],
		['short', short, { type: 'short', text: 'rock bottom' }, 'rock bottom'],
		['numeric with unit', numeric, { type: 'numeric', value: 16 }, '16 years'],
		['no answer', single, null, 'No answer'],
		['a response of another type', single, { type: 'truefalse', value: true }, 'No answer']
	])('%s', (_, item, r, words) => expect(responseWords(item, r)).toBe(words));
});

describe('rightWords', () => {
	const reveal = (correct: AnyResponse, extra: Partial<QuestionReveal> = {}): QuestionReveal => ({
		correct,
		explanation: '',
		evidence: [],
		distribution: null,
		answered: 0,
		correctCount: 0,
		...extra
	});
	it.each<[string, Q, QuestionReveal, string]>([
		['single', single, reveal({ type: 'single', choice: 0 }), 'A. Red'],
		[
			'short: every accepted form',
			short,
			reveal({ type: 'short', text: 'a' }, { accepted: ['a', 'b'] }),
			'a / b'
		],
		[
			'numeric with tolerance',
			numeric,
			reveal({ type: 'numeric', value: 16 }, { tolerance: 1 }),
			'16 years (± 1)'
		],
		['ordering', ordering, reveal({ type: 'ordering', order: [1, 2, 0] }), 'First → Second → Third']
	])('%s', (_, item, r, words) => expect(rightWords(item, r)).toBe(words));
});
