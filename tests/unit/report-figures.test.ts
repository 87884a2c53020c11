/**
 * Report figures from fixed answers (`report-fixture.ts`), every expected value worked out by
 * hand in the comments: partial credit, a removed student, unanswered items, a question never
 * asked, homework in progress and ended.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, median } from '../../src/lib/report/figures';
import { homeworkRoom, liveRoom } from './report-fixture';

describe('median', () => {
	it.each([
		[[], null],
		[[4], 4],
		[[4, 10, 6], 6],
		[[2, 5], 3.5],
		[[3, 1, 2, 10], 2.5]
	])('%j → %s', (xs, m) => expect(median(xs)).toBe(m));
});

describe('a live session, ended before its last question', () => {
	const r = buildReport(liveRoom(), 0.5);
	const q = (id: string) => r.questions.find((x) => x.id === id)!;

	it('lists questions hardest first, the one never asked last', () => {
		// Mean credit: sq (1+0+0)/3, shq (1+0+0)/3, mq (1+0.5+0)/3 = 0.5, tq never asked.
		expect(r.questions.map((x) => x.id)).toEqual(['sq', 'shq', 'mq', 'tq']);
		expect(r.removed).toBe(1);
		expect(r.ended).toBe(true);
	});

	it.each([
		// id, answered, unanswered (Eve), correct, partial, share, mean, median seconds
		['sq', 3, 1, 1, 0, 1 / 3, 1 / 3, 6], // 4 s, 10 s, 6 s (Dan's 0.5 s ignored)
		['mq', 3, 1, 1, 1, 1 / 3, 0.5, 3], // 2 s, 3 s, 7 s
		['shq', 3, 1, 1, 0, 1 / 3, 1 / 3, 2], // 1 s, 2 s, 5 s
		['tq', 0, 0, 0, 0, null, null, null]
	])('%s: counts, shares and median time', (id, answered, un, correct, partial, share, mean, t) => {
		const x = q(id);
		expect(x.answered).toBe(answered);
		expect(x.unanswered).toBe(un);
		expect(x.correct).toBe(correct);
		expect(x.partial).toBe(partial);
		expect(x.shareCorrect).toBe(share);
		expect(x.meanCredit).toBe(mean);
		expect(x.medianSeconds).toBe(t);
	});

	it('draws each distribution with the right answers marked', () => {
		expect(q('sq').distribution).toEqual([
			{ label: 'A. A0', count: 0, marked: false },
			{ label: 'B. B0', count: 1, marked: true },
			{ label: 'C. C0', count: 2, marked: false },
			{ label: 'D. D0', count: 0, marked: false }
		]);
		// Picks: A by all three, B by Cat, C by Ann.
		expect(q('mq').distribution.map((d) => [d.count, d.marked])).toEqual([
			[3, true],
			[1, false],
			[1, true],
			[0, false]
		]);
		// "Alepo" and "ALEPO!" fold together as grading folds them.
		expect(q('shq').distribution).toEqual([
			{ label: 'Alepo', count: 2, marked: false },
			{ label: 'aleppo', count: 1, marked: true }
		]);
		expect(q('tq').distribution.map((d) => d.count)).toEqual([0, 0]);
	});

	it('names the most common wrong answer beside its evidence', () => {
		expect(q('sq').misconception).toEqual({ label: 'C. C0', count: 2 });
		expect(q('shq').misconception).toEqual({ label: 'Alepo', count: 2 });
		// A tie (Bob's "A" and Cat's "A; B", one each) goes to the first label.
		expect(q('mq').misconception).toEqual({ label: 'A. A1', count: 1 });
		expect(q('tq').misconception).toBeNull();
		expect(q('sq').evidence[0]).toMatchObject({ anchor: 'p-1' });
	});

	it.each([
		// nickname, asked, answered, unanswered, correct, accuracy, needs help, missed
		['Ann', 3, 3, 0, 3, 1, false, []],
		['Bob', 3, 3, 0, 0, 0.5 / 3, true, [0, 1, 2]],
		['Cat', 3, 3, 0, 0, 0, true, [0, 1, 2]],
		['Eve', 3, 0, 3, 0, 0, true, [0, 1, 2]]
	])('%s: correct count and accuracy apart from points', (name, ...want) => {
		const s = r.students.find((x) => x.nickname === name)!;
		expect([
			s.asked,
			s.answered,
			s.unanswered,
			s.correct,
			s.accuracy,
			s.needsHelp,
			s.missed
		]).toEqual(want);
	});

	it('leaves removed students out and keeps the game’s points apart', () => {
		expect(r.students.map((s) => s.nickname)).toEqual(['Ann', 'Bob', 'Cat', 'Eve']);
		expect(r.students.map((s) => s.points)).toEqual([3000, 500, 0, 0]);
	});

	it('flags under the threshold the teacher sets', () => {
		const flagged = (t: number) =>
			buildReport(liveRoom(), t)
				.students.filter((s) => s.needsHelp)
				.map((s) => s.nickname);
		expect(flagged(0)).toEqual([]);
		expect(flagged(0.1)).toEqual(['Cat', 'Eve']);
		expect(flagged(0.5)).toEqual(['Bob', 'Cat', 'Eve']);
		expect(flagged(1.01)).toEqual(['Ann', 'Bob', 'Cat', 'Eve']);
	});

	it('tallies polls without the removed student, with movement for the pair', () => {
		expect(r.polls.map((p) => [p.id, p.round])).toEqual([
			['pp', 'before'],
			['op', null],
			['pp', 'after']
		]);
		expect(r.polls[0]!.results).toEqual({ responses: 3, counts: [0, 1, 1, 1, 0] });
		// Ann 2 → 4 toward agree, Bob 4 → 1 toward disagree, Cat 3 → 3 stayed.
		expect(r.polls[2]!.results).toEqual({
			responses: 3,
			counts: [1, 0, 1, 1, 0],
			shift: { towardAgree: 1, towardDisagree: 1, stayed: 1, before: [0, 1, 1, 1, 0] }
		});
		// Approved and highlighted only; Dan's response and upvote gone; highlighted first.
		expect(r.polls[1]!.results.open).toEqual([
			{
				id: 'r3',
				text: 'It backfired',
				side: 'against',
				upvotes: 1,
				status: 'highlighted',
				author: 'Cat'
			},
			{
				id: 'r1',
				text: 'It was planned',
				side: 'for',
				upvotes: 2,
				status: 'approved',
				author: 'Ann'
			}
		]);
	});
});

describe('a homework session', () => {
	it('while open: only what each student reached counts; who finished, who has not started', () => {
		const r = buildReport(homeworkRoom('open'), 0.5);
		const s = (n: string) => r.students.find((x) => x.nickname === n)!;
		expect([s('Gus').asked, s('Gus').accuracy, s('Gus').finished]).toEqual([3, 1, true]);
		expect([s('Hal').asked, s('Hal').correct, s('Hal').needsHelp, s('Hal').finished]).toEqual([
			1,
			0,
			true,
			false
		]);
		expect([s('Ivy').asked, s('Ivy').accuracy, s('Ivy').needsHelp, s('Ivy').notStarted]).toEqual([
			0,
			null,
			false,
			true
		]);
		const sq = r.questions.find((q) => q.id === 'sq')!;
		// Gus 2 s after the start (1000 → 3000); Hal 5 s after he joined (2000 → 7000).
		expect([sq.status, sq.answered, sq.unanswered, sq.medianSeconds]).toEqual(['open', 2, 1, 3.5]);
		// Gus 3 s after his previous answer.
		expect(r.questions.find((q) => q.id === 'mq')!.medianSeconds).toBe(3);
	});

	it('once ended: every question counts for everyone', () => {
		const r = buildReport(homeworkRoom('ended'), 0.5);
		const s = (n: string) => r.students.find((x) => x.nickname === n)!;
		expect([s('Hal').asked, s('Hal').unanswered, s('Hal').missed]).toEqual([3, 2, [0, 1, 2]]);
		expect([s('Ivy').asked, s('Ivy').accuracy, s('Ivy').needsHelp]).toEqual([3, 0, true]);
	});
});
