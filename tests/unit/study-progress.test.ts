import { describe, expect, it } from 'vitest';
import type { Question } from '../../src/lib/kit/schema';
import type { LoadedPoll, LoadedQuestion } from '../../src/lib/kit/types';
import { answerLines, responseLines } from '../../src/lib/study/answer-text';
import {
	emptyProgress,
	isResponseTo,
	moveTo,
	parseProgress,
	recordAnswer,
	serializeProgress,
	tally
} from '../../src/lib/study/progress';
import {
	isStarted,
	parseReflections,
	serializeReflections,
	setReflection
} from '../../src/lib/study/reflections';
import { buildSteps } from '../../src/lib/study/steps';
import { dueInWords } from '../../src/lib/study/when';

const base = { prompt: 'P?', explanation: 'E.', evidence: ['x'], evidenceRefs: [] };
const Q: LoadedQuestion[] = [
	{ ...base, id: 'one', type: 'single', choices: ['a', 'b', 'c'], answer: 'B' },
	{ ...base, id: 'many', type: 'multiple', choices: ['a', 'b', 'c'], answer: ['A', 'C'] },
	{ ...base, id: 'tf', type: 'truefalse', answer: false },
	{ ...base, id: 'order', type: 'ordering', items: ['x', 'y', 'z'] },
	{ ...base, id: 'word', type: 'short', accept: ['Palmyra', 'Tadmur'], maxLength: 80 },
	{ ...base, id: 'num', type: 'numeric', answer: 2000, tolerance: 0, unit: 'AD' }
];
const T = 1_700_000_000_000;

describe('isResponseTo', () => {
	const q = (id: string) => Q.find((x) => x.id === id) as Question;
	const table: [string, unknown, boolean][] = [
		['one', { type: 'single', choice: 1 }, true],
		['one', { type: 'single', choice: 3 }, false],
		['one', { type: 'single', choice: -1 }, false],
		['one', { type: 'multiple', choices: [1] }, false],
		['many', { type: 'multiple', choices: [0, 2] }, true],
		['many', { type: 'multiple', choices: [0, 0] }, false],
		['many', { type: 'multiple', choices: [] }, true],
		['tf', { type: 'truefalse', value: 'false' }, false],
		['tf', { type: 'truefalse', value: false }, true],
		['order', { type: 'ordering', order: [2, 0, 1] }, true],
		['order', { type: 'ordering', order: [2, 0] }, false],
		['order', { type: 'ordering', order: [2, 2, 1] }, false],
		['word', { type: 'short', text: 'zzz' }, true],
		['word', { type: 'short', text: 5 }, false],
		['num', { type: 'numeric', value: -99999 }, true],
		['num', { type: 'numeric', value: null }, false],
		['num', null, false],
		['num', 'numeric', false]
	];
	for (const [id, r, ok] of table) {
		it(`${id} ${JSON.stringify(r)} → ${ok}`, () => expect(isResponseTo(q(id), r)).toBe(ok));
	}
});

describe('progress', () => {
	it('records answers, tallies them with the shared grader, and survives a round trip', () => {
		let p = emptyProgress();
		p = recordAnswer(p, 'one', { type: 'single', choice: 1 }, T);
		p = recordAnswer(p, 'word', { type: 'short', text: 'zzz' }, T);
		p = recordAnswer(p, 'many', { type: 'multiple', choices: [0] }, T);
		p = moveTo(p, 4, 10);
		expect(tally(p, Q)).toEqual({ answered: 3, correct: 1, missed: ['many', 'word'], total: 6 });
		expect(parseProgress(serializeProgress(p), Q, 10)).toEqual(p);
	});

	it('clamps the current step to 0..stepCount', () => {
		expect(moveTo(emptyProgress(), 99, 10).current).toBe(10);
		expect(moveTo(emptyProgress(), -3, 10).current).toBe(0);
		const same = emptyProgress();
		expect(moveTo(same, 0, 10)).toBe(same);
	});

	const table: [string, string | null, ReturnType<typeof emptyProgress>][] = [
		['nothing stored', null, emptyProgress()],
		['corrupted JSON', '{"v":1,"current":3,"answ', emptyProgress()],
		['another version', '{"v":9,"current":3,"answers":{}}', emptyProgress()],
		[
			'a current past the end is clamped',
			'{"v":1,"current":99,"answers":{}}',
			{ v: 1, current: 10, answers: {} }
		],
		['a current that is not a number', '{"v":1,"current":"3","answers":{}}', emptyProgress()],
		[
			'answers to removed questions and malformed answers are dropped',
			JSON.stringify({
				v: 1,
				current: 2,
				answers: {
					gone: { response: { type: 'single', choice: 0 }, at: T },
					one: { response: { type: 'single', choice: 9 }, at: T },
					tf: { response: { type: 'truefalse', value: true } },
					num: { response: { type: 'numeric', value: 2000 }, at: T }
				}
			}),
			{ v: 1, current: 2, answers: { num: { response: { type: 'numeric', value: 2000 }, at: T } } }
		]
	];
	for (const [name, json, expected] of table) {
		it(`parse: ${name}`, () => expect(parseProgress(json, Q, 10)).toEqual(expected));
	}
});

describe('reflections', () => {
	it('keep stance, picks, tag and text; survive a round trip', () => {
		let r = parseReflections(null);
		expect(isStarted(r.items.p)).toBe(false);
		r = setReflection(r, 'p', { stance: 4 });
		r = setReflection(r, 'p', { text: 'Because.' });
		r = setReflection(r, 'c', { picks: [0, 2, 2] });
		expect(r.items.p).toEqual({ stance: 4, after: null, picks: [], tag: null, text: 'Because.' });
		expect(r.items.c?.picks).toEqual([0, 2]);
		expect(isStarted(r.items.p)).toBe(true);
		expect(parseReflections(serializeReflections(r))).toEqual(r);
	});

	it('corrupted or hostile storage gives safe defaults', () => {
		expect(parseReflections('{oops')).toEqual({ v: 1, items: {} });
		const r = parseReflections(
			JSON.stringify({
				v: 1,
				items: { p: { stance: 9, after: 2, picks: ['x', 1], tag: 'maybe', text: 7 }, 'Bad Id': {} }
			})
		);
		expect(r.items).toEqual({ p: { stance: null, after: 2, picks: [1], tag: null, text: '' } });
	});
});

describe('steps', () => {
	const poll = (p: object) => ({ evidenceRefs: [], prompt: 'P', ...p }) as unknown as LoadedPoll;
	it('puts questions first, then polls; a "why?" joins the scale it follows', () => {
		const steps = buildSteps(Q.slice(0, 2), [
			poll({ id: 'a', type: 'pair', claim: 'C1' }),
			poll({ id: 'a-why', type: 'open', claim: 'C1', maxLength: 200 }),
			poll({ id: 'b', type: 'scale', claim: 'C2' }),
			poll({ id: 'other-why', type: 'open', claim: 'C3', maxLength: 200 }),
			poll({ id: 'w', type: 'wordcloud', maxLength: 30 })
		]);
		expect(steps.map((s) => [s.kind, s.id, s.n])).toEqual([
			['question', 'one', 1],
			['question', 'many', 2],
			['reflection', 'a', 1],
			['reflection', 'b', 2],
			['reflection', 'other-why', 3],
			['reflection', 'w', 4]
		]);
		const a = steps[2];
		expect(a?.kind === 'reflection' && a.reason?.id).toBe('a-why');
		const b = steps[3];
		expect(b?.kind === 'reflection' && b.reason).toBe(null);
	});
});

describe('answers in words', () => {
	const q = (id: string) => Q.find((x) => x.id === id) as Question;
	it('describes responses and keys', () => {
		expect(responseLines(q('one'), { type: 'single', choice: 2 })).toEqual(['C. c']);
		expect(answerLines(q('one'))).toEqual(['B. b']);
		expect(answerLines(q('many'))).toEqual(['A. a', 'C. c']);
		expect(responseLines(q('many'), { type: 'multiple', choices: [] })).toEqual([
			'Nothing selected'
		]);
		expect(answerLines(q('order'))).toEqual(['x', 'y', 'z']);
		expect(responseLines(q('order'), { type: 'ordering', order: [2, 0, 1] })).toEqual([
			'z',
			'x',
			'y'
		]);
		expect(answerLines(q('word'))).toEqual(['Palmyra (also accepted: Tadmur)']);
		expect(responseLines(q('num'), { type: 'numeric', value: -99999 })).toEqual(['-99999 AD']);
		expect(answerLines(q('tf'))).toEqual(['False']);
	});

	it('says when the next review is', () => {
		const H = 3_600_000;
		expect(dueInWords(T, T)).toBe('now');
		expect(dueInWords(T + H / 2, T)).toBe('within the hour');
		expect(dueInWords(T + 5 * H, T)).toBe('in about 5 hours');
		expect(dueInWords(T + 24 * H, T)).toBe('in 1 day');
		expect(dueInWords(T + 16 * 24 * H, T)).toBe('in 16 days');
	});
});
