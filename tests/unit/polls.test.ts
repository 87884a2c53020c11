/**
 * Poll tallies, word-cloud normalisation, before/after movement, and the upvote rules of open
 * polls. Polls come from the seed kit; answers are written out as the machine stores them.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LoadedPoll } from '../../src/lib/kit/types';
import { createRoom, step } from '../../src/lib/room/machine';
import { movement, normalizeWord, tallyPoll, type TallyOptions } from '../../src/lib/room/polls';
import type { Answer, Command, PollResponse, RoomError, RoomState } from '../../src/lib/room/types';
import { createKitLibrary } from '../../src/lib/server/kit/registry';

const kit = createKitLibrary(fileURLToPath(new URL('../../quizzes', import.meta.url))).get(
	'hitting-rock-bottom'
)!;
const poll = (id: string): LoadedPoll => {
	const p = kit.polls.find((x) => x.id === id);
	if (!p) throw new Error(`no poll ${id}`);
	return p;
};

const SCALE = poll('outside-of-politics');
const PAIR = poll('bold-or-self-defeating');
const CHOICE = poll('main-trigger'); // single, 5 options
const MULTI = poll('missing-voices'); // multiple, 5 options
const OPEN = poll('outside-of-politics-why');
const CLOUD = poll('relations-in-one-word');

function a(participantId: string, response: PollResponse, extra: Partial<Answer> = {}): Answer {
	return { participantId, item: 0, response, at: 0, credit: null, points: 0, ...extra };
}
const scale = (id: string, value: 1 | 2 | 3 | 4 | 5) => a(id, { type: 'scale', value });
const word = (id: string, text: string) => a(id, { type: 'wordcloud', text });

const OPTS: TallyOptions = {
	includePending: false,
	showNames: false,
	nicknames: (id) => `Nick ${id}`,
	totalsOnly: false
};

describe('normalizeWord', () => {
	it.each([
		['Cold Wars!', 'cold war'],
		['cold war', 'cold war'],
		['  COLD   WAR  ', 'cold war'],
		['cold\twar', 'cold war'],
		['Enemies', 'enemy'],
		['enemy', 'enemy'],
		['Rivals', 'rival'],
		['Frozen.', 'frozen'],
		['Tense?!', 'tense'],
		['“Hostile”', 'hostile'],
		['"Hostile"', 'hostile'],
		["'Hostile'", 'hostile'],
		['-tense-', 'tense'],
		['(broken)', 'broken'],
		['Crisis', 'crisis'],
		['Hopeless', 'hopeless'],
		['Status', 'status'],
		['Ties', 'tie'],
		['Bus', 'bus'],
		['Russia’s', 'russia'],
		["Russia's", 'russia'],
		['don’t care', "don't care"],
		['ＣＯＬＤ', 'cold'],
		['!!!', ''],
		['', '']
	])('%j → %j', (input, expected) => {
		expect(normalizeWord(input)).toBe(expected);
	});

	it('is idempotent', () => {
		for (const w of ['Cold Wars!', 'Enemies', "Russia's", '“Hostile”', 'don’t care', 'Crisis'])
			expect(normalizeWord(normalizeWord(w))).toBe(normalizeWord(w));
	});
});

describe('tallyPoll', () => {
	it('scale and pair: counts for 1…5', () => {
		const answers = [scale('a', 1), scale('b', 5), scale('c', 5), scale('d', 3)];
		for (const p of [SCALE, PAIR])
			expect(tallyPoll(p, answers, {}, OPTS)).toEqual({ responses: 4, counts: [1, 0, 1, 0, 2] });
		expect(tallyPoll(SCALE, [], {}, OPTS)).toEqual({ responses: 0, counts: [0, 0, 0, 0, 0] });
	});

	it('choice: counts per option, single and multiple', () => {
		expect(
			tallyPoll(
				CHOICE,
				[a('a', { type: 'choice', choices: [4] }), a('b', { type: 'choice', choices: [0] })],
				{},
				OPTS
			)
		).toEqual({ responses: 2, counts: [1, 0, 0, 0, 1] });
		expect(
			tallyPoll(
				MULTI,
				[
					a('a', { type: 'choice', choices: [0, 2, 4] }),
					a('b', { type: 'choice', choices: [2] }),
					a('c', { type: 'choice', choices: [2, 3] })
				],
				{},
				OPTS
			)
		).toEqual({ responses: 3, counts: [1, 0, 3, 1, 1] });
	});

	it('word cloud: normalised words merged, most frequent first, ties alphabetical', () => {
		const answers = [
			word('a', 'Cold Wars!'),
			word('b', 'cold war'),
			word('c', 'COLD WAR'),
			word('d', 'Enemies'),
			word('e', 'enemy'),
			word('f', 'Frozen'),
			word('g', 'Broken'),
			word('h', '???')
		];
		expect(tallyPoll(CLOUD, answers, {}, OPTS)).toEqual({
			responses: 8,
			words: [
				{ word: 'cold war', count: 3 },
				{ word: 'enemy', count: 2 },
				{ word: 'broken', count: 1 },
				{ word: 'frozen', count: 1 }
			]
		});
	});

	it('word cloud: at most 60 words', () => {
		const answers = Array.from({ length: 80 }, (_, i) => word(`p${i}`, `word${i}x`));
		const r = tallyPoll(CLOUD, answers, {}, OPTS);
		expect(r.responses).toBe(80);
		expect(r.words).toHaveLength(60);
	});

	it('totals only: the number of responses and nothing else', () => {
		const totals = { ...OPTS, totalsOnly: true };
		expect(tallyPoll(SCALE, [scale('a', 2)], {}, totals)).toEqual({ responses: 1 });
		expect(tallyPoll(CLOUD, [word('a', 'x')], {}, totals)).toEqual({ responses: 1 });
		expect(tallyPoll(MULTI, [a('a', { type: 'choice', choices: [1] })], {}, totals)).toEqual({
			responses: 1
		});
	});

	it('carries counts only, never who voted what', () => {
		const r = tallyPoll(SCALE, [scale('pid-secret-1', 2), scale('pid-secret-2', 4)], {}, OPTS);
		expect(JSON.stringify(r)).not.toContain('pid-secret');
	});

	describe('open responses', () => {
		const open = (
			pid: string,
			id: string,
			status: NonNullable<Answer['status']>,
			side: 'for' | 'against' = 'for'
		) => a(pid, { type: 'open', text: `Text ${id}`, side }, { responseId: id, status });
		const answers = [
			open('p1', 'r-a', 'approved'),
			open('p2', 'r-b', 'pending'),
			open('p3', 'r-c', 'hidden', 'against'),
			open('p4', 'r-d', 'highlighted', 'against'),
			open('p5', 'r-e', 'approved', 'against')
		];
		const upvotes = { 'r-e': ['p1', 'p2'], 'r-a': ['p3'], 'r-b': ['p1', 'p3', 'p4'] };

		it('without pending: approved and highlighted only; highlighted first, then by upvotes', () => {
			const r = tallyPoll(OPEN, answers, upvotes, OPTS);
			expect(r.responses).toBe(5);
			expect(r.open).toEqual([
				{ id: 'r-d', text: 'Text r-d', side: 'against', upvotes: 0, status: 'highlighted' },
				{ id: 'r-e', text: 'Text r-e', side: 'against', upvotes: 2, status: 'approved' },
				{ id: 'r-a', text: 'Text r-a', side: 'for', upvotes: 1, status: 'approved' }
			]);
			expect(JSON.stringify(r)).not.toMatch(/"p\d"/);
		});

		it('open responses are listed even when only totals are allowed (students upvote them)', () => {
			const r = tallyPoll(OPEN, answers, upvotes, { ...OPTS, totalsOnly: true });
			expect(r.open!.map((o) => o.id)).toEqual(['r-d', 'r-e', 'r-a']);
		});

		it('with pending (the host): every response, and names when allowed', () => {
			const r = tallyPoll(OPEN, answers, upvotes, {
				...OPTS,
				includePending: true,
				showNames: true
			});
			expect(r.open!.map((o) => [o.id, o.author])).toEqual([
				['r-d', 'Nick p4'],
				['r-b', 'Nick p2'],
				['r-e', 'Nick p5'],
				['r-a', 'Nick p1'],
				['r-c', 'Nick p3']
			]);
		});

		it('ties on upvotes are ordered by response id', () => {
			const r = tallyPoll(
				OPEN,
				[open('p1', 'zz', 'approved'), open('p2', 'aa', 'approved'), open('p3', 'mm', 'approved')],
				{},
				OPTS
			);
			expect(r.open!.map((o) => o.id)).toEqual(['aa', 'mm', 'zz']);
		});

		it('answers without a response id or status are skipped', () => {
			const bare = a('p9', { type: 'open', text: 'No id', side: 'for' });
			expect(tallyPoll(OPEN, [bare], {}, { ...OPTS, includePending: true }).open).toEqual([]);
		});
	});
});

describe('movement', () => {
	it.each<[string, [string, number][], [string, number][], object]>([
		[
			'up, down and stayed',
			[
				['a', 2],
				['b', 4],
				['c', 3]
			],
			[
				['a', 5],
				['b', 1],
				['c', 3]
			],
			{ towardAgree: 1, towardDisagree: 1, stayed: 1, before: [0, 1, 1, 1, 0] }
		],
		[
			'only students in both rounds move',
			[
				['a', 1],
				['b', 5],
				['gone', 3]
			],
			[
				['a', 2],
				['b', 5],
				['new', 1]
			],
			{ towardAgree: 1, towardDisagree: 0, stayed: 1, before: [1, 0, 1, 0, 1] }
		],
		[
			'nobody voted twice',
			[['a', 1]],
			[['b', 5]],
			{ towardAgree: 0, towardDisagree: 0, stayed: 0, before: [1, 0, 0, 0, 0] }
		],
		['empty', [], [], { towardAgree: 0, towardDisagree: 0, stayed: 0, before: [0, 0, 0, 0, 0] }]
	])('%s', (_, before, after, expected) => {
		const toAnswers = (list: [string, number][]) =>
			list.map(([id, v]) => scale(id, v as 1 | 2 | 3 | 4 | 5));
		expect(movement(toAnswers(before), toAnswers(after))).toEqual(expected);
	});

	it('ignores answers that are not on the scale', () => {
		expect(movement([scale('a', 3), word('b', 'x')], [scale('a', 4), word('b', 'y')])).toEqual({
			towardAgree: 1,
			towardDisagree: 0,
			stayed: 0,
			before: [0, 0, 1, 0, 0]
		});
	});
});

describe('upvote rules (machine)', () => {
	const T0 = 1_700_000_000_000;
	function run(state: RoomState, cmd: Command): RoomState {
		const r = step(state, cmd, T0);
		if (!r.ok) throw new Error(`${cmd.type} refused: ${r.error}`);
		return r.state;
	}
	function refuse(state: RoomState, cmd: Command): RoomError {
		const r = step(state, cmd, T0);
		if (r.ok) throw new Error(`${cmd.type} was accepted`);
		return r.error;
	}
	const up = (participantId: string, responseId: string): Command => ({
		type: 'upvote',
		participantId,
		responseId
	});

	function session(): RoomState {
		let s = createRoom({
			seed: 'test-seed',
			code: 'PLL234',
			kitSlug: kit.slug,
			kitTitle: kit.meta.title,
			settings: { timeLimit: null, speedScoring: false, leaderboard: false, showNames: false },
			items: [
				{ kind: 'poll', poll: OPEN, round: null },
				{ kind: 'poll', poll: CLOUD, round: null }
			],
			now: T0
		});
		for (const id of ['a', 'b', 'c', 'd'])
			s = run(s, { type: 'join', participantId: id, nickname: id.toUpperCase() });
		s = run(s, { type: 'start' });
		s = run(s, {
			type: 'answer',
			participantId: 'a',
			item: 0,
			response: { type: 'open', text: 'For.', side: 'for' },
			responseId: 'ra'
		});
		s = run(s, {
			type: 'answer',
			participantId: 'b',
			item: 0,
			response: { type: 'open', text: 'Against.', side: 'against' },
			responseId: 'rb'
		});
		return s;
	}

	it('a pending response cannot be upvoted (not_found)', () => {
		expect(refuse(session(), up('c', 'ra'))).toBe('not_found');
	});

	it('an approved or highlighted response can be upvoted once per student', () => {
		let s = run(session(), { type: 'moderate', responseId: 'ra', status: 'approved' });
		const r = step(s, up('c', 'ra'), T0);
		expect(r.ok && r.effects).toEqual([{ type: 'upvoted', responseId: 'ra', voterId: 'c' }]);
		s = run(s, up('c', 'ra'));
		s = run(s, up('b', 'ra'));
		expect(s.upvotes.ra).toEqual(['c', 'b']);
		expect(refuse(s, up('c', 'ra'))).toBe('already_upvoted');
		s = run(s, { type: 'moderate', responseId: 'ra', status: 'highlighted' });
		expect(refuse(s, up('b', 'ra'))).toBe('already_upvoted');
		s = run(s, up('d', 'ra'));
		expect(s.upvotes.ra).toEqual(['c', 'b', 'd']);
	});

	it('nobody upvotes their own response (own_response)', () => {
		const s = run(session(), { type: 'moderate', responseId: 'ra', status: 'approved' });
		expect(refuse(s, up('a', 'ra'))).toBe('own_response');
	});

	it('hidden and unknown responses are not_found', () => {
		const s = run(session(), { type: 'moderate', responseId: 'ra', status: 'hidden' });
		expect(refuse(s, up('c', 'ra'))).toBe('not_found');
		expect(refuse(s, up('c', 'nope'))).toBe('not_found');
	});

	it('only participants who are still in the room may upvote', () => {
		let s = run(session(), { type: 'moderate', responseId: 'ra', status: 'approved' });
		expect(refuse(s, up('stranger', 'ra'))).toBe('not_participant');
		s = run(s, { type: 'remove', participantId: 'c' });
		expect(refuse(s, up('c', 'ra'))).toBe('not_participant');
	});

	it('after the end, no more upvotes (room_ended)', () => {
		let s = run(session(), { type: 'moderate', responseId: 'ra', status: 'approved' });
		s = run(s, { type: 'end' });
		expect(refuse(s, up('c', 'ra'))).toBe('room_ended');
	});
});
