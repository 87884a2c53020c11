import { describe, expect, it } from 'vitest';
import {
	BOX_INTERVAL_DAYS,
	DAY_MS,
	addMissed,
	dueIds,
	emptyQueue,
	keepOnly,
	nextDueAt,
	parseQueue,
	recordReview,
	serializeQueue,
	type Box,
	type ReviewQueue
} from '../../src/lib/study/review-schedule';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const days = (n: number) => n * DAY_MS;

function queueWith(cards: ReviewQueue['cards']): ReviewQueue {
	return { v: 1, cards };
}

describe('the schedule itself', () => {
	it('is boxes 1..5 with 0, 1, 3, 7 and 16 days', () => {
		expect(BOX_INTERVAL_DAYS).toEqual([0, 1, 3, 7, 16]);
	});
});

describe('addMissed', () => {
	const table: {
		name: string;
		before: ReviewQueue;
		ids: string[];
		expected: ReviewQueue['cards'];
	}[] = [
		{
			name: 'a new miss lands in box 1, due now',
			before: emptyQueue(),
			ids: ['q1'],
			expected: { q1: { box: 1, due: T0, misses: 1 } }
		},
		{
			name: 'several at once',
			before: emptyQueue(),
			ids: ['q1', 'q2'],
			expected: { q1: { box: 1, due: T0, misses: 1 }, q2: { box: 1, due: T0, misses: 1 } }
		},
		{
			name: 'a card in box 4 goes back to box 1 and counts the miss',
			before: queueWith({ q1: { box: 4, due: T0 + days(7), misses: 2 } }),
			ids: ['q1'],
			expected: { q1: { box: 1, due: T0, misses: 3 } }
		},
		{
			name: 'other cards are untouched',
			before: queueWith({ q2: { box: 3, due: T0 + days(3), misses: 1 } }),
			ids: ['q1'],
			expected: {
				q1: { box: 1, due: T0, misses: 1 },
				q2: { box: 3, due: T0 + days(3), misses: 1 }
			}
		},
		{
			name: 'no ids, no change',
			before: queueWith({ q2: { box: 2, due: T0, misses: 1 } }),
			ids: [],
			expected: { q2: { box: 2, due: T0, misses: 1 } }
		}
	];
	for (const { name, before, ids, expected } of table) {
		it(name, () => {
			const snapshot = JSON.stringify(before);
			expect(addMissed(before, ids, T0).cards).toEqual(expected);
			expect(JSON.stringify(before)).toBe(snapshot);
		});
	}
});

describe('recordReview moves cards between boxes', () => {
	const table: {
		from: Box | null;
		correct: boolean;
		box: Box | null;
		dueIn: number | null;
		kind: 'moved' | 'reset' | 'retired';
	}[] = [
		{ from: 1, correct: true, box: 2, dueIn: days(1), kind: 'moved' },
		{ from: 2, correct: true, box: 3, dueIn: days(3), kind: 'moved' },
		{ from: 3, correct: true, box: 4, dueIn: days(7), kind: 'moved' },
		{ from: 4, correct: true, box: 5, dueIn: days(16), kind: 'moved' },
		{ from: 5, correct: true, box: null, dueIn: null, kind: 'retired' },
		{ from: 1, correct: false, box: 1, dueIn: 0, kind: 'reset' },
		{ from: 3, correct: false, box: 1, dueIn: 0, kind: 'reset' },
		{ from: 5, correct: false, box: 1, dueIn: 0, kind: 'reset' },
		{ from: null, correct: false, box: 1, dueIn: 0, kind: 'reset' },
		{ from: null, correct: true, box: null, dueIn: null, kind: 'retired' }
	];
	for (const { from, correct, box, dueIn, kind } of table) {
		it(`box ${from ?? 'none'} ${correct ? 'right' : 'missed'} → ${box ?? 'out'}`, () => {
			const before =
				from === null ? emptyQueue() : queueWith({ q: { box: from, due: T0 - 5, misses: 1 } });
			const { queue, outcome } = recordReview(before, 'q', correct, T0);
			expect(outcome.kind).toBe(kind);
			if (box === null) {
				expect(queue.cards.q).toBeUndefined();
			} else {
				expect(queue.cards.q?.box).toBe(box);
				expect(queue.cards.q?.due).toBe(T0 + (dueIn ?? 0));
			}
			if (from !== null) expect(before.cards.q?.box).toBe(from);
		});
	}

	it('a miss counts, a success does not', () => {
		const q = queueWith({ q: { box: 2, due: T0, misses: 1 } });
		expect(recordReview(q, 'q', false, T0).queue.cards.q?.misses).toBe(2);
		expect(recordReview(q, 'q', true, T0).queue.cards.q?.misses).toBe(1);
	});

	it('a card climbs all the way out in five successes over 27 days', () => {
		let queue = addMissed(emptyQueue(), ['q'], T0);
		let now = T0;
		const boxes: (number | undefined)[] = [];
		for (let i = 0; i < 5; i++) {
			expect(dueIds(queue, now)).toEqual(['q']);
			queue = recordReview(queue, 'q', true, now).queue;
			boxes.push(queue.cards.q?.box);
			now = queue.cards.q?.due ?? now;
		}
		expect(boxes).toEqual([2, 3, 4, 5, undefined]);
		expect(now).toBe(T0 + days(1 + 3 + 7 + 16));
	});
});

describe('due dates', () => {
	const queue = queueWith({
		a: { box: 1, due: T0, misses: 1 },
		b: { box: 2, due: T0 + days(1), misses: 1 },
		c: { box: 3, due: T0 - days(2), misses: 1 },
		d: { box: 5, due: T0 + days(16), misses: 1 }
	});
	const table: { at: number; due: string[]; next: number | null }[] = [
		{ at: T0 - days(3), due: [], next: T0 - days(2) },
		{ at: T0 - 1, due: ['c'], next: T0 },
		{ at: T0, due: ['c', 'a'], next: T0 + days(1) },
		{ at: T0 + days(1) - 1, due: ['c', 'a'], next: T0 + days(1) },
		{ at: T0 + days(1), due: ['c', 'a', 'b'], next: T0 + days(16) },
		{ at: T0 + days(20), due: ['c', 'a', 'b', 'd'], next: null }
	];
	for (const { at, due, next } of table) {
		it(`at T0${at >= T0 ? '+' : ''}${(at - T0) / DAY_MS} days`, () => {
			expect(dueIds(queue, at)).toEqual(due);
			expect(nextDueAt(queue, at)).toBe(next);
		});
	}

	it('ties are broken by id, so the order is stable', () => {
		const q = addMissed(emptyQueue(), ['zeta', 'alpha', 'mid'], T0);
		expect(dueIds(q, T0)).toEqual(['alpha', 'mid', 'zeta']);
	});

	it('keepOnly drops cards of questions the kit no longer has', () => {
		expect(Object.keys(keepOnly(queue, ['a', 'd', 'x']).cards)).toEqual(['a', 'd']);
		expect(keepOnly(queue, ['a', 'b', 'c', 'd'])).toBe(queue);
	});
});

describe('resuming from stored JSON', () => {
	const good = serializeQueue(
		queueWith({ q1: { box: 3, due: T0 + days(3), misses: 2 }, q2: { box: 1, due: T0, misses: 1 } })
	);
	const table: { name: string; json: string | null | undefined; cards: ReviewQueue['cards'] }[] = [
		{
			name: 'a saved queue comes back whole',
			json: good,
			cards: {
				q1: { box: 3, due: T0 + days(3), misses: 2 },
				q2: { box: 1, due: T0, misses: 1 }
			}
		},
		{ name: 'nothing stored', json: null, cards: {} },
		{ name: 'undefined', json: undefined, cards: {} },
		{ name: 'empty string', json: '', cards: {} },
		{ name: 'not JSON', json: '{"v":1,"cards":{', cards: {} },
		{ name: 'truncated saved queue', json: good.slice(0, 30), cards: {} },
		{ name: 'JSON null', json: 'null', cards: {} },
		{ name: 'a number', json: '42', cards: {} },
		{ name: 'an array', json: '[1,2]', cards: {} },
		{ name: 'another version', json: '{"v":2,"cards":{}}', cards: {} },
		{ name: 'no version', json: '{"cards":{"q1":{"box":1,"due":1,"misses":1}}}', cards: {} },
		{ name: 'cards is an array', json: '{"v":1,"cards":[]}', cards: {} },
		{ name: 'cards is a string', json: '{"v":1,"cards":"x"}', cards: {} },
		{
			name: 'broken cards are dropped, good ones kept',
			json: JSON.stringify({
				v: 1,
				cards: {
					ok: { box: 2, due: T0, misses: 0 },
					box0: { box: 0, due: T0, misses: 0 },
					box6: { box: 6, due: T0, misses: 0 },
					halfbox: { box: 1.5, due: T0, misses: 0 },
					nodue: { box: 1, misses: 0 },
					textdue: { box: 1, due: 'soon', misses: 0 },
					negmiss: { box: 1, due: T0, misses: -1 },
					nul: null,
					str: 'box 1'
				}
			}),
			cards: { ok: { box: 2, due: T0, misses: 0 } }
		},
		{
			name: 'ids that are not question ids are dropped',
			json: `{"v":1,"cards":{"__proto__":{"box":1,"due":${T0},"misses":1},"Bad Id":{"box":1,"due":${T0},"misses":1}}}`,
			cards: {}
		},
		{
			name: 'extra fields are not kept',
			json: `{"v":1,"cards":{"q":{"box":1,"due":${T0},"misses":1,"evil":"<script>"}},"x":1}`,
			cards: { q: { box: 1, due: T0, misses: 1 } }
		}
	];
	for (const { name, json, cards } of table) {
		it(name, () => {
			const q = parseQueue(json);
			expect(q.v).toBe(1);
			expect(q.cards).toEqual(cards);
			expect(Object.getPrototypeOf(q.cards)).toBe(Object.prototype);
		});
	}

	it('round-trips through serializeQueue', () => {
		const q = addMissed(emptyQueue(), ['a', 'b'], T0);
		expect(parseQueue(serializeQueue(q))).toEqual(q);
	});

	it('a corrupted store still works as a fresh queue', () => {
		const q = addMissed(parseQueue('garbage'), ['a'], T0);
		expect(dueIds(q, T0)).toEqual(['a']);
	});
});
