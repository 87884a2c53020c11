/**
 * Grading and points: every question type right, wrong and partly right; text normalisation;
 * numeric tolerance; the speed curve and its bounds. Questions come from the real seed kit where
 * it has a fitting one, and are written out literally where a test needs exact control.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Question } from '../../src/lib/kit/schema';
import type { LoadedQuestion } from '../../src/lib/kit/types';
import { createKitLibrary } from '../../src/lib/server/kit/registry';
import {
	correctResponse,
	grade,
	normalizeText,
	points,
	type Response
} from '../../src/lib/scoring';

const kit = createKitLibrary(fileURLToPath(new URL('../../quizzes', import.meta.url))).get(
	'hitting-rock-bottom'
)!;

function kitQuestion<T extends Question['type']>(
	id: string,
	type: T
): Extract<LoadedQuestion, { type: T }> {
	const q = kit.questions.find((x) => x.id === id);
	if (!q || q.type !== type) throw new Error(`kit question ${id} (${type}) not found`);
	return q as Extract<LoadedQuestion, { type: T }>;
}

const base = { prompt: 'Prompt', explanation: 'Why.', evidence: ['A quote.'] };

describe('the seed kit', () => {
	it('loads, with at least one question of every type', () => {
		expect(kit).toBeTruthy();
		const types = new Set(kit.questions.map((q) => q.type));
		expect([...types].sort()).toEqual(
			['multiple', 'numeric', 'ordering', 'short', 'single', 'truefalse'].sort()
		);
	});
});

describe('grade: single choice', () => {
	const q = kitQuestion('local-to-global', 'single'); // answer D
	it.each([
		[3, 1],
		[0, 0],
		[1, 0],
		[2, 0],
		[7, 0],
		[-1, 0]
	])('choice %i → credit %d', (choice, credit) => {
		expect(grade(q, { type: 'single', choice })).toEqual({ credit, correct: credit === 1 });
	});
});

describe('grade: multiple select (partial credit, floored at 0)', () => {
	// Five choices, A C E right: (right picks − wrong picks) / 3.
	const q = kitQuestion('cooperation-collapse-reasons', 'multiple');
	it('has the key the table assumes', () => expect(q.answer).toEqual(['A', 'C', 'E']));
	it.each<[number[], number]>([
		[[0, 2, 4], 1],
		[[4, 0, 2], 1],
		[[0, 2], 2 / 3],
		[[0], 1 / 3],
		[[0, 1], 0],
		[[0, 1, 2], 1 / 3],
		[[0, 1, 2, 3, 4], 1 / 3],
		[[0, 2, 4, 1], 2 / 3],
		[[1, 3], 0],
		[[1], 0],
		[[], 0],
		[[0, 0, 0], 1 / 3],
		[[0, 7], 0]
	])('%j → %f', (choices, credit) => {
		const g = grade(q, { type: 'multiple', choices });
		expect(g.credit).toBeCloseTo(credit, 10);
		expect(g.credit).toBeGreaterThanOrEqual(0);
		expect(g.correct).toBe(credit === 1);
	});
});

describe('grade: true / false', () => {
	it.each([
		['decree-duma-echo', true, 1],
		['decree-duma-echo', false, 0],
		['extreme-is-opinion', false, 1],
		['extreme-is-opinion', true, 0]
	] as const)('%s: %s → %d', (id, value, credit) => {
		expect(grade(kitQuestion(id, 'truefalse'), { type: 'truefalse', value }).credit).toBe(credit);
	});
});

describe('grade: ordering (share of neighbouring pairs kept)', () => {
	const q = kitQuestion('sequence-of-events', 'ordering');
	it('has five items', () => expect(q.items).toHaveLength(5));
	it.each<[number[], number]>([
		[[0, 1, 2, 3, 4], 1],
		[[4, 3, 2, 1, 0], 0],
		[[1, 0, 2, 3, 4], 2 / 4],
		[[0, 1, 2, 4, 3], 2 / 4],
		[[2, 3, 4, 0, 1], 3 / 4],
		[[1, 2, 3, 4, 0], 3 / 4],
		[[0, 2, 1, 3, 4], 1 / 4],
		[[0, 1, 2, 3], 0],
		[[0, 1, 2, 3, 4, 5], 0],
		[[0, 0, 1, 2, 3], 0]
	])('%j → %f', (order, credit) => {
		const g = grade(q, { type: 'ordering', order });
		expect(g.credit).toBeCloseTo(credit, 10);
		expect(g.correct).toBe(credit === 1);
	});
});

describe('normalizeText', () => {
	it.each([
		['Palmyra', 'palmyra'],
		['  PALMYRA  ', 'palmyra'],
		['Palmyra.', 'palmyra'],
		['Palmyra!?', 'palmyra'],
		['“Palmyra”', 'palmyra'],
		['‘Palmyra’', 'palmyra'],
		['"Palmyra"', 'palmyra'],
		["'Palmyra'", 'palmyra'],
		['Pálmyrà', 'palmyra'],
		['The Dutch Safety Board', 'dutch safety board'],
		['the   dutch\tsafety  board', 'dutch safety board'],
		['A Dutch Safety Board', 'dutch safety board'],
		['An Onderzoeksraad', 'onderzoeksraad'],
		['Dutch-Safety—Board', 'dutch safety board'],
		['U.S.', 'us'],
		['Theatre', 'theatre'],
		['Another', 'another'],
		['the', 'the'],
		['!!!', '']
	])('%j → %j', (input, expected) => {
		expect(normalizeText(input)).toBe(expected);
	});
});

describe('grade: short text', () => {
	const city = kitQuestion('city-liberated', 'short'); // Palmyra, Tadmur, Tadmor
	const body = kitQuestion('report-named', 'short'); // Dutch Safety Board, the Dutch …, DSB, …
	it.each<[LoadedQuestion, string, number]>([
		[city, 'Palmyra', 1],
		[city, 'palmyra', 1],
		[city, '  PALMYRA. ', 1],
		[city, '“Palmyra”', 1],
		[city, 'the Palmyra', 1],
		[city, 'Tadmur', 1],
		[city, 'tadmor!', 1],
		[city, 'Aleppo', 0],
		[city, 'Palmyra city', 0],
		[city, 'Palmyr', 0],
		[city, '', 0],
		[city, '   ', 0],
		[city, '...', 0],
		[body, 'Dutch Safety Board', 1],
		[body, 'The Dutch Safety Board', 1],
		[body, 'the dutch safety board.', 1],
		[body, 'dutch-safety board', 1],
		[body, 'DSB', 1],
		[body, 'Dutch board', 0],
		[body, 'Joint Investigation Team', 0]
	])('%#: %j → %d', (q, text, credit) => {
		expect(grade(q, { type: 'short', text }).credit).toBe(credit);
	});

	it('an accepted answer that is empty after normalising never matches an empty reply', () => {
		const q: Question = {
			...base,
			id: 'punct',
			type: 'short',
			accept: ['?!'],
			maxLength: 80
		};
		expect(grade(q, { type: 'short', text: '...' }).credit).toBe(0);
	});
});

describe('grade: numeric (tolerance inclusive)', () => {
	const year = kitQuestion('days-before-publication', 'numeric'); // 9, tolerance 0
	const approx: Question = { ...base, id: 'approx', type: 'numeric', answer: 3.5, tolerance: 0.5 };
	const decimal: Question = { ...base, id: 'dec', type: 'numeric', answer: 0.3, tolerance: 0.1 };
	it.each<[Question, number, number]>([
		[year, 9, 1],
		[year, 9.0000000001, 1],
		[year, 10, 0],
		[year, 8, 0],
		[year, 3, 0],
		[approx, 3.5, 1],
		[approx, 3, 1],
		[approx, 4, 1],
		[approx, 2.99, 0],
		[approx, 4.01, 0],
		[decimal, 0.2, 1],
		[decimal, 0.4, 1],
		[decimal, 0.41, 0],
		[year, Number.NaN, 0],
		[year, Number.POSITIVE_INFINITY, 0]
	])('%#: %f → %d', (q, value, credit) => {
		expect(grade(q, { type: 'numeric', value }).credit).toBe(credit);
	});
});

describe('grade: type mismatches earn nothing', () => {
	const cases: [string, Response][] = [
		['local-to-global', { type: 'multiple', choices: [3] }],
		['cooperation-collapse-reasons', { type: 'single', choice: 0 }],
		['decree-duma-echo', { type: 'short', text: 'true' }],
		['city-liberated', { type: 'numeric', value: 1 }],
		['days-before-publication', { type: 'short', text: '9' }],
		['sequence-of-events', { type: 'multiple', choices: [0, 1, 2, 3, 4] }]
	];
	it.each(cases)('%s', (id, r) => {
		const q = kit.questions.find((x) => x.id === id)!;
		expect(grade(q, r)).toEqual({ credit: 0, correct: false });
	});
});

describe('correctResponse', () => {
	it.each(kit.questions.map((q) => [q.id, q] as const))(
		'%s: full credit for its own key',
		(_, q) => {
			const r = correctResponse(q);
			expect(r.type).toBe(q.type);
			expect(grade(q, r)).toEqual({ credit: 1, correct: true });
		}
	);

	it('uses indices for letters, sorted, and the kit order for ordering', () => {
		expect(correctResponse(kitQuestion('local-to-global', 'single'))).toEqual({
			type: 'single',
			choice: 3
		});
		expect(correctResponse(kitQuestion('conditions-for-rejoining', 'multiple'))).toEqual({
			type: 'multiple',
			choices: [0, 2, 3, 5]
		});
		expect(correctResponse(kitQuestion('sequence-of-events', 'ordering'))).toEqual({
			type: 'ordering',
			order: [0, 1, 2, 3, 4]
		});
		expect(correctResponse(kitQuestion('city-liberated', 'short'))).toEqual({
			type: 'short',
			text: 'Palmyra'
		});
		expect(correctResponse(kitQuestion('days-before-publication', 'numeric'))).toEqual({
			type: 'numeric',
			value: 9
		});
	});
});

describe('points', () => {
	const T = 20_000;
	it.each<[string, Parameters<typeof points>[0], number]>([
		['no credit, fast', { credit: 0, elapsedMs: 0, allowedMs: T, speedScoring: true }, 0],
		[
			'no credit, speed off',
			{ credit: 0, elapsedMs: null, allowedMs: null, speedScoring: false },
			0
		],
		[
			'full, speed off, untimed',
			{ credit: 1, elapsedMs: null, allowedMs: null, speedScoring: false },
			1000
		],
		[
			'full, speed off, timed, slow',
			{ credit: 1, elapsedMs: T, allowedMs: T, speedScoring: false },
			1000
		],
		['half, speed off', { credit: 0.5, elapsedMs: 1, allowedMs: T, speedScoring: false }, 500],
		[
			'third, speed off',
			{ credit: 1 / 3, elapsedMs: null, allowedMs: null, speedScoring: false },
			333
		],
		[
			'two thirds, speed off',
			{ credit: 2 / 3, elapsedMs: null, allowedMs: null, speedScoring: false },
			667
		],
		[
			'full, speed on, untimed',
			{ credit: 1, elapsedMs: null, allowedMs: null, speedScoring: true },
			1000
		],
		[
			'full, speed on, elapsed unknown',
			{ credit: 1, elapsedMs: null, allowedMs: T, speedScoring: true },
			1000
		],
		[
			'full, speed on, instant',
			{ credit: 1, elapsedMs: 0, allowedMs: T, speedScoring: true },
			1000
		],
		[
			'full, speed on, quarter',
			{ credit: 1, elapsedMs: T / 4, allowedMs: T, speedScoring: true },
			875
		],
		[
			'full, speed on, half',
			{ credit: 1, elapsedMs: T / 2, allowedMs: T, speedScoring: true },
			750
		],
		[
			'full, speed on, last moment',
			{ credit: 1, elapsedMs: T, allowedMs: T, speedScoring: true },
			500
		],
		[
			'full, speed on, late',
			{ credit: 1, elapsedMs: 3 * T, allowedMs: T, speedScoring: true },
			500
		],
		[
			'full, speed on, clock skew',
			{ credit: 1, elapsedMs: -500, allowedMs: T, speedScoring: true },
			1000
		],
		[
			'half, speed on, half time',
			{ credit: 0.5, elapsedMs: T / 2, allowedMs: T, speedScoring: true },
			375
		],
		[
			'full, speed on, zero allowance',
			{ credit: 1, elapsedMs: 10, allowedMs: 0, speedScoring: true },
			1000
		],
		[
			'extra time ×2, half of own time',
			{ credit: 1, elapsedMs: T, allowedMs: 2 * T, speedScoring: true },
			750
		]
	])('%s → %d', (_, input, expected) => {
		expect(points(input)).toBe(expected);
	});

	it('stays an integer in 0…1000 for any credit in [0, 1] and any elapsed time', () => {
		for (const credit of [0, 0.1, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 0.99, 1])
			for (const elapsedMs of [null, -1e6, 0, 1, 5_000, 19_999, 20_000, 1e9])
				for (const allowedMs of [null, 0, 20_000, 30_000])
					for (const speedScoring of [true, false]) {
						const p = points({ credit, elapsedMs, allowedMs, speedScoring });
						expect(Number.isInteger(p)).toBe(true);
						expect(p).toBeGreaterThanOrEqual(0);
						expect(p).toBeLessThanOrEqual(1000);
						if (credit === 1 && speedScoring && elapsedMs !== null && allowedMs)
							expect(p).toBeGreaterThanOrEqual(500);
					}
	});

	it('is never more for a slower answer', () => {
		let prev = Infinity;
		for (let t = 0; t <= T; t += 250) {
			const p = points({ credit: 1, elapsedMs: t, allowedMs: T, speedScoring: true });
			expect(p).toBeLessThanOrEqual(prev);
			prev = p;
		}
	});
});
