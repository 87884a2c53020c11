/**
 * The pure room machine: every transition, every refusal, timing with per-student extra time,
 * pause / resume / extend, the reveal, and the effects the transport relies on. Time is passed in
 * as `now`; nothing is mocked.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LoadedPoll, LoadedQuestion } from '../../src/lib/kit/types';
import {
	activeCount,
	connectedCount,
	createRoom,
	deadlineFor,
	isTimed,
	participantCount,
	shuffledPerm,
	step
} from '../../src/lib/room/machine';
import { hostView, myView, publicView, rosterRows, standings } from '../../src/lib/room/view';
import type {
	AnyResponse,
	Command,
	Effect,
	ExtraTime,
	RoomError,
	RoomItem,
	RoomState,
	Settings
} from '../../src/lib/room/types';
import { grade } from '../../src/lib/scoring';
import { createKitLibrary } from '../../src/lib/server/kit/registry';

const kit = createKitLibrary(fileURLToPath(new URL('../../quizzes', import.meta.url))).get(
	'hitting-rock-bottom'
)!;

const question = (id: string): LoadedQuestion => {
	const q = kit.questions.find((x) => x.id === id);
	if (!q) throw new Error(`no question ${id}`);
	return q;
};
const poll = (id: string): LoadedPoll => {
	const p = kit.polls.find((x) => x.id === id);
	if (!p) throw new Error(`no poll ${id}`);
	return p;
};
const q = (id: string): RoomItem => ({ kind: 'question', question: question(id) });
const p = (id: string, round: 'before' | 'after' | null = null): RoomItem => ({
	kind: 'poll',
	poll: poll(id),
	round
});

/** One question of each type, with a right and a wrong response (ordering: kit indices). */
const SINGLE = 'local-to-global'; // D
const MULTIPLE = 'cooperation-collapse-reasons'; // A C E of 5
const TRUEFALSE = 'decree-duma-echo'; // true
const ORDERING = 'sequence-of-events'; // 5 items
const SHORT = 'city-liberated'; // Palmyra
const NUMERIC = 'days-before-publication'; // 9

const T0 = 1_700_000_000_000;
const LIMIT = 20; // seconds
const SETTINGS: Settings = {
	timeLimit: LIMIT,
	speedScoring: true,
	leaderboard: true,
	showNames: false
};

function room(items: RoomItem[], settings: Partial<Settings> = {}): RoomState {
	return createRoom({
		seed: 'test-seed',
		code: 'ABC234',
		kitSlug: kit.slug,
		kitTitle: kit.meta.title,
		settings: { ...SETTINGS, ...settings },
		items,
		now: T0
	});
}

type Ok = { state: RoomState; effects: Effect[] };

function run(state: RoomState, cmd: Command, now = T0): Ok {
	const r = step(state, cmd, now);
	if (!r.ok) throw new Error(`${cmd.type} refused: ${r.error}`);
	return r;
}

function refuse(state: RoomState, cmd: Command, now = T0): RoomError {
	const r = step(state, cmd, now);
	if (r.ok) throw new Error(`${cmd.type} was accepted`);
	return r.error;
}

function join(state: RoomState, ids: string[], now = T0): RoomState {
	for (const id of ids)
		state = run(state, { type: 'join', participantId: id, nickname: `Nick ${id}` }, now).state;
	return state;
}

/** A room with students s1…sN joined, started at T0 (item 0 open). */
function started(items: RoomItem[], n = 3, settings: Partial<Settings> = {}): RoomState {
	const ids = Array.from({ length: n }, (_, i) => `s${i + 1}`);
	return run(join(room(items, settings), ids), { type: 'start' }, T0).state;
}

const answer = (
	participantId: string,
	item: number,
	response: AnyResponse,
	responseId?: string
): Command => ({ type: 'answer', participantId, item, response, responseId });

/** A response to the question with full credit, in displayed terms (ordering via its perm). */
function right(state: RoomState, index: number): AnyResponse {
	const item = state.core.items[index];
	if (item?.kind !== 'question') throw new Error('not a question');
	const qq = item.question;
	switch (qq.type) {
		case 'single':
			return { type: 'single', choice: 'ABCDEFGH'.indexOf(qq.answer) };
		case 'multiple':
			return { type: 'multiple', choices: qq.answer.map((l) => 'ABCDEFGH'.indexOf(l)) };
		case 'truefalse':
			return { type: 'truefalse', value: qq.answer };
		case 'ordering':
			return { type: 'ordering', order: qq.items.map((_, k) => item.perm!.indexOf(k)) };
		case 'short':
			return { type: 'short', text: qq.accept[0]! };
		case 'numeric':
			return { type: 'numeric', value: qq.answer };
	}
}

function wrong(state: RoomState, index: number): AnyResponse {
	const item = state.core.items[index];
	if (item?.kind !== 'question') throw new Error('not a question');
	const qq = item.question;
	switch (qq.type) {
		case 'single':
			return { type: 'single', choice: ('ABCDEFGH'.indexOf(qq.answer) + 1) % qq.choices.length };
		case 'multiple':
			return {
				type: 'multiple',
				choices: qq.choices.map((_, i) => i).filter((i) => !qq.answer.includes('ABCDEFGH'[i]!))
			};
		case 'truefalse':
			return { type: 'truefalse', value: !qq.answer };
		case 'ordering':
			// Kit order reversed, in displayed indices: no neighbouring pair kept.
			return {
				type: 'ordering',
				order: qq.items.map((_, k) => item.perm!.indexOf(qq.items.length - 1 - k))
			};
		case 'short':
			return { type: 'short', text: 'Aleppo' };
		case 'numeric':
			return { type: 'numeric', value: qq.answer + 1000 };
	}
}

const types = (effects: Effect[]) => effects.map((e) => e.type);
const scheduled = (effects: Effect[]) =>
	effects.filter((e): e is Extract<Effect, { type: 'schedule' }> => e.type === 'schedule');
const lastSchedule = (effects: Effect[]) => scheduled(effects).at(-1)?.at;

/** Drive a room to a phase with item 0 current. */
function inPhase(phase: string, items: RoomItem[] = [q(SINGLE), q(TRUEFALSE)]): RoomState {
	let s = join(room(items), ['s1', 's2']);
	if (phase === 'lobby') return s;
	s = run(s, { type: 'start' }).state;
	if (phase === 'open') return s;
	if (phase === 'paused') return run(s, { type: 'pause' }, T0 + 1000).state;
	s = run(s, { type: 'close' }, T0 + 1000).state;
	if (phase === 'closed') return s;
	s = run(s, { type: 'reveal' }, T0 + 2000).state;
	if (phase === 'revealed') return s;
	s = run(s, { type: 'leaderboard' }, T0 + 3000).state;
	if (phase === 'leaderboard') return s;
	return run(s, { type: 'end' }, T0 + 4000).state;
}

describe('createRoom and shuffledPerm', () => {
	it('starts in the lobby with no item, unlocked, untimed', () => {
		const s = room([q(SINGLE), q(ORDERING), p('relations-in-one-word')]);
		expect(s.core).toMatchObject({
			phase: 'lobby',
			current: -1,
			locked: false,
			openedAt: null,
			deadline: null,
			pausedAt: null,
			pollRevealed: false,
			createdAt: T0
		});
		expect(s.participants).toEqual({});
		expect(s.answers).toEqual({});
		expect(isTimed(s)).toBe(false);
	});

	it('gives ordering items (only) a shuffled, non-identity permutation', () => {
		const s = room([q(SINGLE), q(ORDERING), q('argument-structure'), p('relations-in-one-word')]);
		for (const item of s.core.items) {
			if (item.kind === 'question' && item.question.type === 'ordering') {
				const n = item.question.items.length;
				expect([...item.perm!].sort()).toEqual(Array.from({ length: n }, (_, i) => i));
				expect(item.perm).not.toEqual(Array.from({ length: n }, (_, i) => i));
			} else if (item.kind === 'question') {
				expect(item.perm).toBeUndefined();
			}
		}
	});

	it('shuffledPerm is a deterministic permutation that is never the identity', () => {
		for (let n = 2; n <= 8; n++) {
			for (let seed = 0; seed < 300; seed++) {
				const perm = shuffledPerm(n, `ROOM${seed}:question-${n}`);
				expect(perm).toHaveLength(n);
				expect(new Set(perm).size).toBe(n);
				expect(perm.every((x) => x >= 0 && x < n)).toBe(true);
				expect(perm.some((x, i) => x !== i)).toBe(true);
			}
			expect(shuffledPerm(n, 'same')).toEqual(shuffledPerm(n, 'same'));
		}
		expect(shuffledPerm(1, 'x')).toEqual([0]);
		expect(shuffledPerm(0, 'x')).toEqual([]);
	});
});

describe('phase transitions', () => {
	it('lobby → open on start: item 0, deadline from the time limit, schedule at the deadline', () => {
		const s0 = join(room([q(SINGLE), q(TRUEFALSE)]), ['s1']);
		const { state, effects } = run(s0, { type: 'start' }, T0 + 50);
		expect(state.core).toMatchObject({
			phase: 'open',
			current: 0,
			openedAt: T0 + 50,
			deadline: T0 + 50 + LIMIT * 1000,
			pausedAt: null
		});
		expect(isTimed(state)).toBe(true);
		expect(effects).toEqual([
			{ type: 'coreChanged' },
			{ type: 'schedule', at: T0 + 50 + LIMIT * 1000 }
		]);
	});

	it('an untimed room opens with no deadline and schedules nothing', () => {
		const { state, effects } = run(join(room([q(SINGLE)], { timeLimit: null }), ['s1']), {
			type: 'start'
		});
		expect(state.core.deadline).toBeNull();
		expect(isTimed(state)).toBe(false);
		expect(effects).toEqual([{ type: 'coreChanged' }, { type: 'schedule', at: null }]);
	});

	it('polls are never timed, even in a timed room', () => {
		const { state } = run(join(room([p('outside-of-politics')]), ['s1']), { type: 'start' });
		expect(state.core.phase).toBe('open');
		expect(state.core.deadline).toBeNull();
	});

	it('open → closed → revealed → leaderboard → open (next) → … → ended', () => {
		let s = inPhase('open');
		let r = run(s, { type: 'close' }, T0 + 1000);
		expect(r.state.core.phase).toBe('closed');
		expect(r.effects).toEqual([{ type: 'coreChanged' }, { type: 'schedule', at: null }]);
		r = run(r.state, { type: 'reveal' }, T0 + 2000);
		expect(r.state.core.phase).toBe('revealed');
		r = run(r.state, { type: 'leaderboard' }, T0 + 3000);
		expect(r.state.core.phase).toBe('leaderboard');
		expect(r.effects).toEqual([{ type: 'coreChanged' }]);
		r = run(r.state, { type: 'next' }, T0 + 4000);
		expect(r.state.core).toMatchObject({ phase: 'open', current: 1, openedAt: T0 + 4000 });
		expect(r.state.core.deadline).toBe(T0 + 4000 + LIMIT * 1000);
		s = run(r.state, { type: 'close' }, T0 + 5000).state;
		s = run(s, { type: 'reveal' }, T0 + 6000).state;
		// revealed → next after the last item ends the room.
		r = run(s, { type: 'next' }, T0 + 7000);
		expect(r.state.core.phase).toBe('ended');
		expect(r.state.core.current).toBe(1);
		expect(r.effects).toEqual([{ type: 'coreChanged' }, { type: 'schedule', at: null }]);
	});

	it('revealed → next without the leaderboard', () => {
		const r = run(inPhase('revealed'), { type: 'next' }, T0 + 5000);
		expect(r.state.core).toMatchObject({ phase: 'open', current: 1 });
	});

	it('a closed poll may go straight to next; a closed question may not', () => {
		let s = started([p('outside-of-politics'), q(SINGLE)], 1);
		s = run(s, { type: 'close' }, T0 + 1000).state;
		const r = run(s, { type: 'next' }, T0 + 2000);
		expect(r.state.core).toMatchObject({ phase: 'open', current: 1 });
		const closedQuestion = run(r.state, { type: 'close' }, T0 + 3000).state;
		expect(refuse(closedQuestion, { type: 'next' })).toBe('bad_phase');
	});

	it('a poll reveal shows the class result without touching scores', () => {
		let s = started([p('outside-of-politics')], 2);
		s = run(s, answer('s1', 0, { type: 'scale', value: 4 }), T0 + 10).state;
		s = run(s, { type: 'close' }, T0 + 20).state;
		expect(s.core.pollRevealed).toBe(false);
		const r = run(s, { type: 'reveal' }, T0 + 30);
		expect(r.state.core).toMatchObject({ phase: 'revealed', pollRevealed: true });
		expect(r.effects).toEqual([{ type: 'coreChanged' }]);
		expect(r.state.participants).toBe(s.participants);
		expect(r.state.answers[0]!.s1).toMatchObject({ credit: null, points: 0 });
	});

	it('pollRevealed resets when the next item opens', () => {
		let s = started([p('outside-of-politics'), p('relations-in-one-word')], 1);
		s = run(s, { type: 'close' }, T0 + 1).state;
		s = run(s, { type: 'reveal' }, T0 + 2).state;
		expect(s.core.pollRevealed).toBe(true);
		s = run(s, { type: 'next' }, T0 + 3).state;
		expect(s.core.pollRevealed).toBe(false);
	});

	it.each(['lobby', 'open', 'paused', 'closed', 'revealed', 'leaderboard'])(
		'end from %s → ended, timer cleared',
		(phase) => {
			const r = run(inPhase(phase), { type: 'end' }, T0 + 9000);
			expect(r.state.core.phase).toBe('ended');
			expect(r.state.core.pausedAt).toBeNull();
			expect(r.effects).toEqual([{ type: 'coreChanged' }, { type: 'schedule', at: null }]);
		}
	);

	const badPhase: [string, Command][] = [
		['open', { type: 'start' }],
		['closed', { type: 'start' }],
		['revealed', { type: 'start' }],
		['lobby', { type: 'close' }],
		['closed', { type: 'close' }],
		['revealed', { type: 'close' }],
		['lobby', { type: 'reveal' }],
		['open', { type: 'reveal' }],
		['paused', { type: 'reveal' }],
		['revealed', { type: 'reveal' }],
		['leaderboard', { type: 'reveal' }],
		['lobby', { type: 'leaderboard' }],
		['open', { type: 'leaderboard' }],
		['closed', { type: 'leaderboard' }],
		['leaderboard', { type: 'leaderboard' }],
		['lobby', { type: 'next' }],
		['open', { type: 'next' }],
		['paused', { type: 'next' }],
		['closed', { type: 'next' }],
		['lobby', { type: 'pause' }],
		['closed', { type: 'pause' }],
		['lobby', { type: 'resume' }],
		['closed', { type: 'resume' }],
		['lobby', { type: 'extend', seconds: 10 }],
		['closed', { type: 'extend', seconds: 10 }],
		['revealed', { type: 'extend', seconds: 10 }]
	];
	it.each(badPhase)('in %s, %j → bad_phase', (phase, cmd) => {
		expect(refuse(inPhase(phase), cmd, T0 + 5000)).toBe('bad_phase');
	});

	// A command that only repeats the current state is accepted and changes (writes) nothing.
	const repeats: [string, Command][] = [
		['paused', { type: 'pause' }],
		['open', { type: 'resume' }],
		['lobby', { type: 'lock', locked: false }],
		['open', { type: 'extraTime', participantId: 's1', extraTime: 1 }]
	];
	it.each(repeats)('in %s, %j repeats the state: ok, no effects', (phase, cmd) => {
		const s = inPhase(phase);
		const r = run(s, cmd, T0 + 5000);
		expect(r.effects).toEqual([]);
		expect(r.state).toBe(s);
	});

	it('lock twice: the second writes nothing', () => {
		const locked = run(inPhase('lobby'), { type: 'lock', locked: true }, T0 + 5000).state;
		const again = run(locked, { type: 'lock', locked: true }, T0 + 6000);
		expect(again.effects).toEqual([]);
		expect(again.state).toBe(locked);
	});

	it('extend is refused for an untimed question', () => {
		const s = started([q(SINGLE)], 1, { timeLimit: null });
		expect(refuse(s, { type: 'extend', seconds: 30 })).toBe('bad_phase');
	});

	const afterEnd: Command[] = [
		{ type: 'join', participantId: 'new', nickname: 'New' },
		answer('s1', 0, { type: 'single', choice: 3 }),
		{ type: 'upvote', participantId: 's1', responseId: 'x' },
		{ type: 'start' },
		{ type: 'lock', locked: true },
		{ type: 'remove', participantId: 's1' },
		{ type: 'extraTime', participantId: 's1', extraTime: 2 },
		{ type: 'close' },
		{ type: 'extend', seconds: 10 },
		{ type: 'pause' },
		{ type: 'resume' },
		{ type: 'reveal' },
		{ type: 'leaderboard' },
		{ type: 'next' },
		{ type: 'end' },
		{ type: 'moderate', responseId: 'x', status: 'approved' },
		{ type: 'tick' }
	];
	it.each(afterEnd)('after the end, %j → room_ended', (cmd) => {
		expect(refuse(inPhase('ended'), cmd, T0 + 10_000)).toBe('room_ended');
	});

	it('after the end, students may still connect and disconnect (no effects but the roster)', () => {
		const s = inPhase('ended');
		const r = run(s, { type: 'disconnect', participantId: 's1' }, T0 + 10_000);
		expect(r.state.participants.s1!.connected).toBe(false);
		expect(r.effects).toEqual([{ type: 'participantsChanged', ids: ['s1'], presence: true }]);
		expect(r.state.core).toBe(s.core);
	});

	// V8 keeps one hidden class per field order: states, cores and students built with their fields
	// in one order keep the room's optimised code valid from round to round (see `roomState`).
	it('every state, core and student has the same fields in the same order, whatever made it', () => {
		const shapes = {
			state: new Set<string>(),
			core: new Set<string>(),
			student: new Set<string>()
		};
		const note = (s: RoomState) => {
			shapes.state.add(Object.keys(s).join());
			shapes.core.add(Object.keys(s.core).join());
			for (const p of Object.values(s.participants)) shapes.student.add(Object.keys(p).join());
		};
		let s = join(room([q(SINGLE), q(TRUEFALSE)]), ['s1', 's2']);
		note(s);
		const steps: Command[] = [
			{ type: 'start' },
			{ type: 'extraTime', participantId: 's2', extraTime: 2 },
			{ type: 'pause' },
			{ type: 'resume' },
			answer('s1', 0, right(s, 0)),
			{ type: 'disconnect', participantId: 's2' },
			{ type: 'close' },
			{ type: 'reveal' },
			{ type: 'leaderboard' },
			{ type: 'connect', participantId: 's2' },
			{ type: 'next' },
			{ type: 'lock', locked: true },
			{ type: 'remove', participantId: 's2' },
			{ type: 'end' }
		];
		let now = T0;
		for (const cmd of steps) {
			s = run(s, cmd, (now += 500)).state;
			note(s);
		}
		expect([...shapes.state]).toEqual(['core,participants,answers,upvotes']);
		expect(shapes.core.size).toBe(1);
		expect(shapes.student.size).toBe(1);
	});
});

describe('join, lock, connect', () => {
	it('a new participant starts connected with zeroes and no extra time', () => {
		const r = run(room([q(SINGLE)]), { type: 'join', participantId: 'a', nickname: 'Ana' }, T0 + 7);
		expect(r.state.participants.a).toEqual({
			id: 'a',
			nickname: 'Ana',
			joinedAt: T0 + 7,
			extraTime: 1,
			removed: false,
			connected: true,
			score: 0,
			correct: 0,
			streak: 0,
			bestStreak: 0,
			progress: 0
		});
		expect(types(r.effects)).toEqual(['participantJoined', 'schedule']);
	});

	it.each(['Ana', 'ana', 'ANA', 'aNa'])(
		'nickname_taken: %s after Ana (case-insensitive)',
		(nick) => {
			const s = run(room([q(SINGLE)]), { type: 'join', participantId: 'a', nickname: 'Ana' }).state;
			expect(refuse(s, { type: 'join', participantId: 'b', nickname: nick })).toBe(
				'nickname_taken'
			);
		}
	);

	it("a removed participant's nickname is free again", () => {
		let s = run(room([q(SINGLE)]), { type: 'join', participantId: 'a', nickname: 'Ana' }).state;
		s = run(s, { type: 'remove', participantId: 'a' }).state;
		const r = run(s, { type: 'join', participantId: 'b', nickname: 'ANA' });
		expect(r.state.participants.b!.nickname).toBe('ANA');
		expect(r.state.participants.a!.removed).toBe(true);
	});

	it.each(['lobby', 'open', 'closed', 'revealed'])(
		'room_locked in %s; unlocking lets students in again',
		(phase) => {
			const locked = run(inPhase(phase), { type: 'lock', locked: true }, T0 + 5000);
			expect(locked.state.core.locked).toBe(true);
			expect(locked.effects).toEqual([{ type: 'coreChanged' }]);
			const cmd: Command = { type: 'join', participantId: 'late', nickname: 'Late' };
			expect(refuse(locked.state, cmd, T0 + 5000)).toBe('room_locked');
			const open = run(locked.state, { type: 'lock', locked: false }, T0 + 5000).state;
			expect(run(open, cmd, T0 + 5000).state.participants.late).toBeTruthy();
		}
	);

	it.each(['live', 'homework'] as const)(
		'a %s room locked in the lobby reopens after the start, and locks again',
		(mode) => {
			let s = room([q(SINGLE), q(TRUEFALSE)], mode === 'homework' ? { mode: 'homework' } : {});
			s = run(s, { type: 'join', participantId: 'a', nickname: 'Ada' }, T0).state;
			s = run(s, { type: 'lock', locked: true }, T0 + 1).state;
			s = run(s, { type: 'start' }, T0 + 2).state;
			const late: Command = { type: 'join', participantId: 'late', nickname: 'Late' };
			expect(refuse(s, late, T0 + 3)).toBe('room_locked');
			s = run(s, { type: 'lock', locked: false }, T0 + 4).state;
			s = run(s, late, T0 + 5).state;
			expect(s.participants.late?.removed).toBe(false);
			s = run(s, { type: 'lock', locked: true }, T0 + 6).state;
			expect(refuse(s, { ...late, participantId: 'later', nickname: 'Later' }, T0 + 7)).toBe(
				'room_locked'
			);
		}
	);

	it('joining mid-question re-schedules the close timer', () => {
		const s = started([q(SINGLE)], 1);
		const r = run(s, { type: 'join', participantId: 'late', nickname: 'Late' }, T0 + 100);
		expect(r.effects.at(-1)).toEqual({ type: 'schedule', at: T0 + LIMIT * 1000 });
	});

	it('connect / disconnect: not_participant, removed, and no-op when unchanged', () => {
		let s = join(room([q(SINGLE)]), ['s1', 's2']);
		expect(refuse(s, { type: 'connect', participantId: 'nobody' })).toBe('not_participant');
		expect(refuse(s, { type: 'disconnect', participantId: 'nobody' })).toBe('not_participant');
		const same = run(s, { type: 'connect', participantId: 's1' });
		expect(same.state).toBe(s);
		expect(same.effects).toEqual([]);
		const off = run(s, { type: 'disconnect', participantId: 's1' });
		expect(off.state.participants.s1!.connected).toBe(false);
		expect(off.effects[0]).toEqual({ type: 'participantsChanged', ids: ['s1'], presence: true });
		s = run(off.state, { type: 'remove', participantId: 's2' }).state;
		expect(refuse(s, { type: 'connect', participantId: 's2' })).toBe('removed');
		expect(refuse(s, { type: 'disconnect', participantId: 's2' })).toBe('removed');
	});
});

describe('answer: refusals', () => {
	it('not_participant and removed', () => {
		let s = started([q(SINGLE)], 2);
		expect(refuse(s, answer('ghost', 0, { type: 'single', choice: 3 }))).toBe('not_participant');
		s = run(s, { type: 'remove', participantId: 's2' }).state;
		expect(refuse(s, answer('s2', 0, { type: 'single', choice: 3 }))).toBe('removed');
	});

	it('wrong_item: in the lobby, for a past item and for a future item', () => {
		const lobby = join(room([q(SINGLE), q(TRUEFALSE)]), ['s1']);
		expect(refuse(lobby, answer('s1', 0, { type: 'single', choice: 3 }))).toBe('wrong_item');
		let s = run(lobby, { type: 'start' }).state;
		expect(refuse(s, answer('s1', 1, { type: 'truefalse', value: true }))).toBe('wrong_item');
		s = run(s, { type: 'close' }).state;
		s = run(s, { type: 'reveal' }).state;
		s = run(s, { type: 'next' }, T0 + 100).state;
		expect(refuse(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 200)).toBe('wrong_item');
	});

	it.each(['closed', 'revealed', 'leaderboard'])('question_closed in %s', (phase) => {
		expect(refuse(inPhase(phase), answer('s1', 0, { type: 'single', choice: 3 }))).toBe(
			'question_closed'
		);
	});

	it('paused', () => {
		expect(refuse(inPhase('paused'), answer('s1', 0, { type: 'single', choice: 3 }))).toBe(
			'paused'
		);
	});

	it('already_answered: a second answer is refused and nothing is counted twice', () => {
		const s0 = started([q(SINGLE)], 3);
		const first = run(s0, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 1000).state;
		for (const r of [
			{ type: 'single', choice: 3 } as const,
			{ type: 'single', choice: 0 } as const
		])
			expect(refuse(first, answer('s1', 0, r), T0 + 2000)).toBe('already_answered');
		expect(Object.keys(first.answers[0]!)).toEqual(['s1']);
		// Even once the question has closed, the repeat is named for what it is.
		const closed = run(first, { type: 'close' }, T0 + 3000).state;
		expect(refuse(closed, answer('s1', 0, { type: 'single', choice: 3 }))).toBe('already_answered');
		const revealed = run(closed, { type: 'reveal' }, T0 + 4000).state;
		expect(revealed.participants.s1!.correct).toBe(1);
		expect(revealed.participants.s1!.score).toBe(first.answers[0]!.s1!.points);
	});

	const wrongTypes: [string, AnyResponse][] = [
		[SINGLE, { type: 'multiple', choices: [3] }],
		[SINGLE, { type: 'truefalse', value: true }],
		[MULTIPLE, { type: 'single', choice: 0 }],
		[TRUEFALSE, { type: 'single', choice: 0 }],
		[ORDERING, { type: 'multiple', choices: [0, 1, 2, 3, 4] }],
		[SHORT, { type: 'numeric', value: 1 }],
		[NUMERIC, { type: 'short', text: '2000' }],
		[SINGLE, { type: 'scale', value: 3 }],
		[SHORT, { type: 'wordcloud', text: 'Palmyra' }]
	];
	it.each(wrongTypes)('wrong_type: %s given %j', (id, response) => {
		expect(refuse(started([q(id)], 1), answer('s1', 0, response))).toBe('wrong_type');
	});

	const invalid: [RoomItem, AnyResponse][] = [
		[q(SINGLE), { type: 'single', choice: 4 }],
		[q(SINGLE), { type: 'single', choice: -1 }],
		[q(MULTIPLE), { type: 'multiple', choices: [0, 5] }],
		[q(MULTIPLE), { type: 'multiple', choices: [-1] }],
		[q(MULTIPLE), { type: 'multiple', choices: [0, 0, 0, 2] }],
		[q(ORDERING), { type: 'ordering', order: [0, 1, 2, 3] }],
		[q(ORDERING), { type: 'ordering', order: [0, 1, 2, 3, 4, 5] }],
		[q(ORDERING), { type: 'ordering', order: [0, 1, 2, 3, 3] }],
		[q(ORDERING), { type: 'ordering', order: [1, 2, 3, 4, 5] }],
		[q(SHORT), { type: 'short', text: '' }],
		[q(SHORT), { type: 'short', text: '   ' }],
		[q(SHORT), { type: 'short', text: 'x'.repeat(81) }],
		[p('outside-of-politics'), { type: 'choice', choices: [1] }],
		[p('outside-of-politics'), { type: 'open', text: 'Because.', side: 'for' }],
		[p('bold-or-self-defeating', 'before'), { type: 'wordcloud', text: 'bold' }],
		[p('main-trigger'), { type: 'choice', choices: [] }],
		[p('main-trigger'), { type: 'choice', choices: [0, 1] }],
		[p('main-trigger'), { type: 'choice', choices: [5] }],
		[p('missing-voices'), { type: 'choice', choices: [0, 5] }],
		[p('missing-voices'), { type: 'choice', choices: [1, 1, 1, 1, 1, 1, 1, 1] }],
		[p('missing-voices'), { type: 'scale', value: 3 }],
		[p('outside-of-politics-why'), { type: 'open', text: ' ', side: 'for' }],
		[p('outside-of-politics-why'), { type: 'open', text: 'x'.repeat(201), side: 'against' }],
		[p('relations-in-one-word'), { type: 'wordcloud', text: '' }],
		[p('relations-in-one-word'), { type: 'wordcloud', text: 'x'.repeat(31) }]
	];
	it('an empty multiple-select answer is not an answer', () => {
		const s = started([q(MULTIPLE)], 1);
		expect(refuse(s, answer('s1', 0, { type: 'multiple', choices: [] }))).toBe('invalid_response');
	});

	it.each(invalid)('invalid_response: %#', (item, response) => {
		const s = started([item], 1);
		expect(refuse(s, answer('s1', 0, response))).toBe('invalid_response');
		expect(s.answers[0]).toBeUndefined();
	});

	const valid: [RoomItem, AnyResponse][] = [
		[q(MULTIPLE), { type: 'multiple', choices: [0] }],
		[q(SHORT), { type: 'short', text: 'x'.repeat(80) }],
		[p('bold-or-self-defeating', 'after'), { type: 'scale', value: 5 }],
		[p('main-trigger'), { type: 'choice', choices: [4] }],
		[p('missing-voices'), { type: 'choice', choices: [0, 2, 4] }],
		[p('outside-of-politics-why'), { type: 'open', text: 'x'.repeat(200), side: 'for' }],
		[p('relations-in-one-word'), { type: 'wordcloud', text: 'x'.repeat(30) }]
	];
	it.each(valid)('accepted at the limits: %#', (item, response) => {
		const r = run(started([item], 2), answer('s1', 0, response), T0 + 10);
		expect(r.state.answers[0]!.s1!.response).toEqual(response);
	});
});

describe('answer: time limits and extra time', () => {
	const cases: [ExtraTime, number][] = [
		[1, LIMIT * 1000],
		[1.5, LIMIT * 1500],
		[2, LIMIT * 2000]
	];
	it.each(cases)('extra time ×%s: accepted at its deadline, time_up 1 ms later', (x, allowed) => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'extraTime', participantId: 's1', extraTime: x }, T0 + 1).state;
		expect(deadlineFor(s.core, s.participants.s1!)).toBe(T0 + allowed);
		expect(refuse(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + allowed + 1)).toBe(
			'time_up'
		);
		const r = run(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + allowed);
		expect(r.state.answers[0]!.s1!.at).toBe(T0 + allowed);
	});

	it('untimed students have no deadline and may answer any time while it is open', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'extraTime', participantId: 's1', extraTime: 'untimed' }, T0 + 1).state;
		expect(deadlineFor(s.core, s.participants.s1!)).toBeNull();
		const late = T0 + 3_600_000;
		const r = run(s, answer('s1', 0, { type: 'single', choice: 3 }), late);
		expect(r.state.answers[0]!.s1!.points).toBe(1000);
	});

	it('in an untimed room no one runs out of time', () => {
		const s = started([q(SINGLE)], 2, { timeLimit: null });
		expect(deadlineFor(s.core, s.participants.s1!)).toBeNull();
		run(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 10 * 3_600_000);
	});

	it('speed points follow each student’s own allowance', () => {
		let s = started([q(SINGLE)], 5);
		s = run(s, { type: 'extraTime', participantId: 's2', extraTime: 1.5 }).state;
		s = run(s, { type: 'extraTime', participantId: 's3', extraTime: 2 }).state;
		s = run(s, { type: 'extraTime', participantId: 's4', extraTime: 'untimed' }).state;
		const r = (id: string, at: number) =>
			(s = run(s, answer(id, 0, { type: 'single', choice: 3 }), T0 + at).state).answers[0]![id]!;
		expect(r('s5', 1_000).credit).toBe(1);
		expect(r('s1', 5_000).points).toBe(875); // a quarter of 20 s
		expect(r('s2', 15_000).points).toBe(750); // half of 30 s
		expect(r('s3', 40_000).points).toBe(500); // all of 40 s
		expect(r('s4', 50_000).points).toBe(1000); // no limit, no speed curve
		expect(s.core.phase).toBe('closed');
	});

	it('speed scoring off: full points whenever the answer comes', () => {
		let s = started([q(SINGLE), q(MULTIPLE)], 2, { speedScoring: false });
		s = run(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 19_000).state;
		expect(s.answers[0]!.s1!.points).toBe(1000);
		s = run(s, answer('s2', 0, { type: 'single', choice: 0 }), T0 + 1).state;
		expect(s.answers[0]!.s2!.points).toBe(0);
		s = run(run(s, { type: 'reveal' }, T0 + 20_000).state, { type: 'next' }, T0 + 30_000).state;
		s = run(s, answer('s1', 1, { type: 'multiple', choices: [0, 2] }), T0 + 30_001).state;
		expect(s.answers[1]!.s1!).toMatchObject({ points: 667 });
		expect(s.answers[1]!.s1!.credit).toBeCloseTo(2 / 3);
	});
});

describe('closing', () => {
	it('closes as soon as every connected student has answered', () => {
		let s = started([q(SINGLE)], 3);
		let r = run(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 1000);
		expect(r.state.core.phase).toBe('open');
		expect(r.effects).toEqual([
			{ type: 'answerRecorded', answer: r.state.answers[0]!.s1 },
			{ type: 'schedule', at: T0 + LIMIT * 1000 }
		]);
		s = run(r.state, answer('s2', 0, { type: 'single', choice: 0 }), T0 + 2000).state;
		r = run(s, answer('s3', 0, { type: 'single', choice: 1 }), T0 + 3000);
		expect(r.state.core.phase).toBe('closed');
		expect(r.effects).toEqual([
			{ type: 'answerRecorded', answer: r.state.answers[0]!.s3 },
			{ type: 'coreChanged' },
			{ type: 'schedule', at: null }
		]);
	});

	it('does not wait for disconnected or removed students', () => {
		let s = started([q(SINGLE)], 4);
		s = run(s, { type: 'disconnect', participantId: 's3' }, T0 + 10).state;
		s = run(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 20).state;
		s = run(s, answer('s2', 0, { type: 'single', choice: 3 }), T0 + 30).state;
		expect(s.core.phase).toBe('open'); // s4 is still to answer
		const r = run(s, { type: 'remove', participantId: 's4' }, T0 + 40);
		expect(r.state.core.phase).toBe('closed');
		expect(types(r.effects)).toEqual(['participantsChanged', 'coreChanged', 'schedule']);
	});

	it('a reconnection or disconnection never closes the question early', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 20).state;
		const off = run(s, { type: 'disconnect', participantId: 's2' }, T0 + 30);
		expect(off.state.core.phase).toBe('open');
		expect(lastSchedule(off.effects)).toBe(T0 + LIMIT * 1000);
		const on = run(off.state, { type: 'connect', participantId: 's2' }, T0 + 40);
		expect(on.state.core.phase).toBe('open');
	});

	it('closes on the tick at the deadline, not before', () => {
		const s = started([q(SINGLE)], 2);
		const deadline = T0 + LIMIT * 1000;
		const early = run(s, { type: 'tick' }, deadline - 1);
		expect(early.state.core.phase).toBe('open');
		expect(early.effects).toEqual([{ type: 'schedule', at: deadline }]);
		const onTime = run(s, { type: 'tick' }, deadline);
		expect(onTime.state.core.phase).toBe('closed');
		expect(onTime.effects).toEqual([{ type: 'coreChanged' }, { type: 'schedule', at: null }]);
	});

	it('a tick outside the open phase changes nothing', () => {
		for (const phase of ['lobby', 'closed', 'revealed', 'leaderboard']) {
			const s = inPhase(phase);
			const r = run(s, { type: 'tick' }, T0 + 1e9);
			expect(r.state).toBe(s);
			expect(r.effects).toEqual([]);
		}
	});

	it('waits for a pending student with extra time, then closes at their deadline', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'extraTime', participantId: 's2', extraTime: 2 }, T0 + 1).state;
		const base = T0 + LIMIT * 1000;
		const at1 = run(s, { type: 'tick' }, base);
		expect(at1.state.core.phase).toBe('open');
		expect(at1.effects).toEqual([{ type: 'schedule', at: T0 + 2 * LIMIT * 1000 }]);
		// s1's own time is up even though the question is still open.
		expect(refuse(at1.state, answer('s1', 0, { type: 'single', choice: 3 }), base + 1)).toBe(
			'time_up'
		);
		expect(run(s, { type: 'tick' }, T0 + 2 * LIMIT * 1000).state.core.phase).toBe('closed');
	});

	it('once the extra-time student answers after the base deadline, it closes', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'extraTime', participantId: 's2', extraTime: 1.5 }, T0 + 1).state;
		s = run(s, { type: 'tick' }, T0 + LIMIT * 1000).state;
		const r = run(s, answer('s2', 0, { type: 'single', choice: 3 }), T0 + LIMIT * 1000 + 5000);
		expect(r.state.core.phase).toBe('closed');
	});

	it('a pending untimed student keeps it open until the host closes', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 10).state;
		const r = run(s, { type: 'extraTime', participantId: 's2', extraTime: 'untimed' }, T0 + 20);
		expect(lastSchedule(r.effects)).toBeNull();
		s = run(r.state, { type: 'tick' }, T0 + 10 * LIMIT * 1000).state;
		expect(s.core.phase).toBe('open');
		const closed = run(s, { type: 'close' }, T0 + 10 * LIMIT * 1000);
		expect(closed.state.core.phase).toBe('closed');
	});

	it('a student who drops keeps their extra time: a blink does not cost them the question', () => {
		let s = started([q(SINGLE)], 2);
		s = run(
			s,
			{ type: 'answer', participantId: 's1', item: 0, response: { type: 'single', choice: 0 } },
			T0 + 5
		).state;
		s = run(s, { type: 'extraTime', participantId: 's2', extraTime: 2 }, T0 + 1).state;
		s = run(s, { type: 'disconnect', participantId: 's2' }, T0 + LIMIT * 1000 + 100).state;
		expect(s.core.phase).toBe('open');
		expect(run(s, { type: 'tick' }, T0 + LIMIT * 1000 + 200).state.core.phase).toBe('open');
		s = run(s, { type: 'connect', participantId: 's2' }, T0 + LIMIT * 1000 + 300).state;
		const r = run(
			s,
			{ type: 'answer', participantId: 's2', item: 0, response: { type: 'single', choice: 1 } },
			T0 + LIMIT * 1500
		);
		expect(r.state.answers[0]!.s2).toBeTruthy();
	});

	it('a disconnected untimed student holds a timed question open until the teacher closes it', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'extraTime', participantId: 's2', extraTime: 'untimed' }, T0 + 1).state;
		s = run(s, { type: 'disconnect', participantId: 's2' }, T0 + 2).state;
		expect(run(s, { type: 'tick' }, T0 + LIMIT * 1000).state.core.phase).toBe('open');
		expect(run(s, { type: 'close' }, T0 + LIMIT * 1000).state.core.phase).toBe('closed');
	});

	it('taking extra time away after the base deadline closes at once', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'extraTime', participantId: 's2', extraTime: 2 }, T0 + 1).state;
		const r = run(s, { type: 'extraTime', participantId: 's2', extraTime: 1 }, T0 + 25_000);
		expect(r.state.core.phase).toBe('closed');
		expect(types(r.effects)).toEqual(['participantsChanged', 'coreChanged', 'schedule']);
	});

	it('an untimed room never closes on a tick', () => {
		const s = started([q(SINGLE)], 2, { timeLimit: null });
		const r = run(s, { type: 'tick' }, T0 + 1e9);
		expect(r.state.core.phase).toBe('open');
		expect(r.effects).toEqual([{ type: 'schedule', at: null }]);
	});
});

describe('pause, resume, extend', () => {
	it('pause clears the timer; resume shifts the deadline and the opening time by the pause', () => {
		const s = started([q(SINGLE)], 2);
		const paused = run(s, { type: 'pause' }, T0 + 5_000);
		expect(paused.state.core.pausedAt).toBe(T0 + 5_000);
		expect(paused.effects).toEqual([{ type: 'coreChanged' }, { type: 'schedule', at: null }]);
		// A tick long after the old deadline does nothing while paused.
		const tick = run(paused.state, { type: 'tick' }, T0 + 60_000);
		expect(tick.state.core.phase).toBe('open');
		expect(tick.effects).toEqual([{ type: 'schedule', at: null }]);
		const resumed = run(paused.state, { type: 'resume' }, T0 + 65_000);
		const shift = 60_000;
		expect(resumed.state.core).toMatchObject({
			pausedAt: null,
			openedAt: T0 + shift,
			deadline: T0 + LIMIT * 1000 + shift
		});
		expect(resumed.effects).toEqual([
			{ type: 'coreChanged' },
			{ type: 'schedule', at: T0 + LIMIT * 1000 + shift }
		]);
		// The 5 s used before the pause count; the pause does not.
		const a = run(resumed.state, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 70_000);
		expect(a.state.answers[0]!.s1!.points).toBe(750);
		expect(refuse(resumed.state, answer('s2', 0, { type: 'single', choice: 3 }), T0 + 80_001)).toBe(
			'time_up'
		);
		expect(run(resumed.state, { type: 'tick' }, T0 + 80_000).state.core.phase).toBe('closed');
	});

	it('extra-time deadlines move with the pause too', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'extraTime', participantId: 's2', extraTime: 1.5 }).state;
		s = run(s, { type: 'pause' }, T0 + 1_000).state;
		s = run(s, { type: 'resume' }, T0 + 11_000).state;
		expect(deadlineFor(s.core, s.participants.s2!)).toBe(T0 + 30_000 + 10_000);
	});

	it('a host close while paused clears the pause', () => {
		const r = run(inPhase('paused'), { type: 'close' }, T0 + 2_000);
		expect(r.state.core).toMatchObject({ phase: 'closed', pausedAt: null });
	});

	it('extend pushes every deadline back and re-schedules', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'extraTime', participantId: 's2', extraTime: 2 }).state;
		const r = run(s, { type: 'extend', seconds: 15 }, T0 + 19_000);
		expect(r.state.core.deadline).toBe(T0 + 35_000);
		expect(deadlineFor(r.state.core, r.state.participants.s1!)).toBe(T0 + 35_000);
		expect(deadlineFor(r.state.core, r.state.participants.s2!)).toBe(T0 + 55_000);
		expect(r.effects).toEqual([{ type: 'coreChanged' }, { type: 'schedule', at: T0 + 55_000 }]);
		run(r.state, answer('s1', 0, { type: 'single', choice: 3 }), T0 + 30_000);
		expect(run(r.state, { type: 'tick' }, T0 + 35_000).state.core.phase).toBe('open');
	});

	it('extend while paused leaves the timer off until resume', () => {
		const r = run(inPhase('paused'), { type: 'extend', seconds: 10 }, T0 + 2_000);
		expect(r.state.core.deadline).toBe(T0 + LIMIT * 1000 + 10_000);
		expect(r.effects).toEqual([{ type: 'coreChanged' }, { type: 'schedule', at: null }]);
	});
});

describe('reveal', () => {
	it('rewrites only the students whose points or streak moved, and tells everyone', () => {
		let s = started([q(SINGLE), q(TRUEFALSE)], 3, { speedScoring: false });
		s = run(s, answer('s1', 0, right(s, 0)), T0 + 1).state;
		s = run(s, { type: 'close' }, T0 + 2).state;
		s = run(s, { type: 'reveal' }, T0 + 3).state;
		s = run(s, { type: 'next' }, T0 + 4).state;
		// s1 now breaks a streak of 1; s2 gets it right; s3 stays silent at 0.
		s = run(s, answer('s1', 1, wrong(s, 1)), T0 + 5).state;
		s = run(s, answer('s2', 1, right(s, 1)), T0 + 6).state;
		s = run(s, { type: 'close' }, T0 + 7).state;
		const r = run(s, { type: 'reveal' }, T0 + 8);
		expect(r.effects).toEqual([
			{ type: 'coreChanged' },
			{ type: 'participantsChanged', ids: ['s1', 's2'] },
			{ type: 'resultsRevealed' }
		]);
		expect(r.state.participants.s1).toMatchObject({ streak: 0, bestStreak: 1 });
		expect(r.state.participants.s3).toBe(s.participants.s3);
	});

	it('applies points, correct counts and streaks exactly once, only at the reveal', () => {
		let s = started([q(SINGLE), q(TRUEFALSE), q(MULTIPLE)], 3, { speedScoring: false });
		// Item 0: s1 right, s2 wrong, s3 silent.
		s = run(s, answer('s1', 0, right(s, 0)), T0 + 1).state;
		s = run(s, answer('s2', 0, wrong(s, 0)), T0 + 2).state;
		expect(s.participants.s1!.score).toBe(0);
		s = run(s, { type: 'close' }, T0 + 3).state;
		expect(s.participants.s1!.score).toBe(0);
		const r = run(s, { type: 'reveal' }, T0 + 4);
		// Only s1's points moved: s2 and s3 (wrong, and silent) keep a streak of 0.
		expect(r.effects).toEqual([
			{ type: 'coreChanged' },
			{ type: 'participantsChanged', ids: ['s1'] },
			{ type: 'resultsRevealed' }
		]);
		s = r.state;
		expect(s.participants.s1).toMatchObject({ score: 1000, correct: 1, streak: 1, bestStreak: 1 });
		expect(s.participants.s2).toMatchObject({ score: 0, correct: 0, streak: 0, bestStreak: 0 });
		expect(s.participants.s3).toMatchObject({ score: 0, correct: 0, streak: 0 });
		// Neither a second reveal nor the leaderboard adds anything.
		expect(refuse(s, { type: 'reveal' })).toBe('bad_phase');
		s = run(s, { type: 'leaderboard' }, T0 + 5).state;
		expect(refuse(s, { type: 'reveal' })).toBe('bad_phase');
		expect(s.participants.s1!.score).toBe(1000);
		// Item 1: s1 right again (streak 2), s2 right (streak 1).
		s = run(s, { type: 'next' }, T0 + 10).state;
		s = run(s, answer('s1', 1, right(s, 1)), T0 + 11).state;
		s = run(s, answer('s2', 1, right(s, 1)), T0 + 12).state;
		s = run(s, answer('s3', 1, wrong(s, 1)), T0 + 13).state; // all answered: closes
		expect(s.core.phase).toBe('closed');
		s = run(s, { type: 'reveal' }, T0 + 14).state;
		expect(s.participants.s1).toMatchObject({ score: 2000, correct: 2, streak: 2, bestStreak: 2 });
		expect(s.participants.s2).toMatchObject({ score: 1000, correct: 1, streak: 1, bestStreak: 1 });
		// Item 2: s1 partly right: points but no correct, streak broken, best kept.
		s = run(s, { type: 'next' }, T0 + 20).state;
		s = run(s, answer('s1', 2, { type: 'multiple', choices: [0, 2] }), T0 + 21).state;
		s = run(s, { type: 'close' }, T0 + 22).state;
		s = run(s, { type: 'reveal' }, T0 + 23).state;
		expect(s.participants.s1).toMatchObject({ score: 2667, correct: 2, streak: 0, bestStreak: 2 });
	});

	it("a removed participant's answers are not counted", () => {
		let s = started([q(SINGLE)], 3, { speedScoring: false });
		s = run(s, answer('s1', 0, right(s, 0)), T0 + 1).state;
		s = run(s, answer('s2', 0, right(s, 0)), T0 + 2).state;
		s = run(s, { type: 'remove', participantId: 's2' }, T0 + 3).state;
		expect(s.participants.s2).toMatchObject({ removed: true, connected: false });
		s = run(s, { type: 'close' }, T0 + 4).state;
		const r = run(s, { type: 'reveal' }, T0 + 5);
		expect(r.state.participants.s1).toMatchObject({ score: 1000, correct: 1 });
		expect(r.state.participants.s2).toMatchObject({ score: 0, correct: 0, removed: true });
	});

	it('removed stays removed', () => {
		let s = started([q(SINGLE)], 2);
		s = run(s, { type: 'remove', participantId: 's1' }).state;
		expect(refuse(s, { type: 'extraTime', participantId: 's1', extraTime: 2 })).toBe(
			'not_participant'
		);
		expect(refuse(s, { type: 'remove', participantId: 'ghost' })).toBe('not_participant');
		expect(refuse(s, { type: 'extraTime', participantId: 'ghost', extraTime: 2 })).toBe(
			'not_participant'
		);
		expect(refuse(s, { type: 'connect', participantId: 's1' })).toBe('removed');
		s = run(s, { type: 'remove', participantId: 's1' }).state;
		expect(s.participants.s1!.removed).toBe(true);
	});
});

describe('ordering: displayed indices are graded through the permutation', () => {
	const s = started([q(ORDERING)], 3);
	const item = s.core.items[0] as Extract<RoomItem, { kind: 'question' }>;
	const perm = item.perm!;
	const kitOrder = (item.question as Extract<LoadedQuestion, { type: 'ordering' }>).items;

	it('the permutation is not the identity', () => {
		expect(perm).not.toEqual(kitOrder.map((_, i) => i));
	});

	it('placing the displayed items in the right order earns full credit', () => {
		const order = kitOrder.map((_, k) => perm.indexOf(k));
		const a = run(s, answer('s1', 0, { type: 'ordering', order }), T0 + 1).state.answers[0]!.s1!;
		expect(a.credit).toBe(1);
		// Stored in the kit's order.
		expect(a.response).toEqual({ type: 'ordering', order: [0, 1, 2, 3, 4] });
	});

	it('sending the displayed order untouched is graded as what it is, not as right', () => {
		const display = kitOrder.map((_, d) => d);
		const a = run(s, answer('s1', 0, { type: 'ordering', order: display }), T0 + 1).state
			.answers[0]!.s1!;
		expect(a.response).toEqual({ type: 'ordering', order: perm });
		expect(a.credit).toBe(grade(item.question, { type: 'ordering', order: perm }).credit);
		expect(a.credit).toBeLessThan(1);
	});

	it('partial credit survives the mapping', () => {
		// Right order with the last two swapped: 3 of 4 pairs kept.
		const kit = [0, 1, 2, 4, 3];
		const order = kit.map((k) => perm.indexOf(k));
		const a = run(s, answer('s1', 0, { type: 'ordering', order }), T0 + 1).state.answers[0]!.s1!;
		expect(a.credit).toBeCloseTo(2 / 4);
	});
});

describe('every question type, end to end', () => {
	const ids = [SINGLE, MULTIPLE, TRUEFALSE, ORDERING, SHORT, NUMERIC];
	it.each(ids)('%s: right earns credit 1, wrong earns 0, reveal counts once', (id) => {
		let s = started([q(id)], 2, { speedScoring: false });
		s = run(s, answer('s1', 0, right(s, 0)), T0 + 1).state;
		const last = run(s, answer('s2', 0, wrong(s, 0)), T0 + 2);
		expect(last.state.core.phase).toBe('closed');
		const a = last.state.answers[0]!;
		expect(a.s1).toMatchObject({ credit: 1, points: 1000, item: 0, at: T0 + 1 });
		expect(a.s2).toMatchObject({ credit: 0, points: 0 });
		const effect = last.effects[0] as Extract<Effect, { type: 'answerRecorded' }>;
		expect(effect).toEqual({ type: 'answerRecorded', answer: a.s2 });
		s = run(last.state, { type: 'reveal' }, T0 + 3).state;
		expect(s.participants.s1).toMatchObject({ score: 1000, correct: 1 });
		expect(s.participants.s2).toMatchObject({ score: 0, correct: 0 });
		expect(run(s, { type: 'next' }, T0 + 4).state.core.phase).toBe('ended');
	});
});

describe('polls in the machine', () => {
	it('poll answers carry no credit and no points; open responses start pending', () => {
		let s = started([p('outside-of-politics-why'), p('relations-in-one-word')], 2);
		const r = run(
			s,
			answer('s1', 0, { type: 'open', text: 'Courts are slow.', side: 'for' }, 'r1'),
			T0 + 1
		);
		expect(r.state.answers[0]!.s1).toEqual({
			participantId: 's1',
			item: 0,
			response: { type: 'open', text: 'Courts are slow.', side: 'for' },
			at: T0 + 1,
			credit: null,
			points: 0,
			status: 'pending',
			responseId: 'r1'
		});
		s = run(r.state, { type: 'close' }, T0 + 2).state;
		s = run(s, { type: 'next' }, T0 + 3).state;
		const w = run(s, answer('s1', 1, { type: 'wordcloud', text: 'Frozen' }), T0 + 4);
		expect(w.state.answers[1]!.s1).toMatchObject({ credit: null, points: 0 });
		expect(w.state.answers[1]!.s1!.status).toBeUndefined();
		expect(w.state.answers[1]!.s1!.responseId).toBeUndefined();
	});

	it('an open response with no id from the transport gets one that does not name its author', () => {
		const s = started([p('outside-of-politics-why')], 3);
		const a = run(s, answer('s2', 0, { type: 'open', text: 'Maybe.', side: 'against' }), T0 + 1)
			.state.answers[0]!.s2!;
		expect(a.responseId).toBeTruthy();
		expect(a.responseId).not.toContain('s2');
	});

	it('fallback response ids are unique across students and items', () => {
		let s = started([p('outside-of-politics-why'), p('clinton-hindsight-why')], 2);
		const ids: string[] = [];
		for (const [item, id] of [
			[0, 's1'],
			[0, 's2'],
			[1, 's2'],
			[1, 's1']
		] as const) {
			if (item === 1 && s.core.current === 0) {
				expect(s.core.phase).toBe('closed'); // both answered
				s = run(s, { type: 'next' }, T0 + 11).state;
			}
			s = run(s, answer(id, item, { type: 'open', text: 'A reason.', side: 'for' }), T0 + 20).state;
			ids.push(s.answers[item]![id]!.responseId!);
		}
		expect(new Set(ids).size).toBe(4);
	});

	it('moderate: changes the status once, not_found for unknown or id-less responses', () => {
		let s = started([p('outside-of-politics-why'), p('relations-in-one-word')], 2);
		s = run(s, answer('s1', 0, { type: 'open', text: 'Yes.', side: 'for' }, 'r1'), T0 + 1).state;
		expect(refuse(s, { type: 'moderate', responseId: 'nope', status: 'approved' })).toBe(
			'not_found'
		);
		const r = run(s, { type: 'moderate', responseId: 'r1', status: 'hidden' }, T0 + 2);
		expect(r.state.answers[0]!.s1!.status).toBe('hidden');
		expect(r.effects).toEqual([
			{ type: 'moderated', item: 0, responseId: 'r1', participantId: 's1', status: 'hidden' }
		]);
		// Moderation works after the poll has moved on too.
		s = run(r.state, { type: 'close' }, T0 + 3).state;
		s = run(s, { type: 'next' }, T0 + 4).state;
		s = run(s, { type: 'moderate', responseId: 'r1', status: 'highlighted' }, T0 + 5).state;
		expect(s.answers[0]!.s1!.status).toBe('highlighted');
	});
});

describe('ordering shuffle secrecy', () => {
	const ordering = kit.questions.find((x) => x.type === 'ordering')!;
	const make = (code: string, seed: string) =>
		createRoom({
			seed,
			code,
			kitSlug: kit.slug,
			kitTitle: kit.meta.title,
			settings: SETTINGS,
			items: [{ kind: 'question', question: ordering }],
			now: T0
		}).core.items[0] as { perm?: number[] };
	it('depends on the secret seed, not on the code or question id students can see', () => {
		expect(make('AAA222', 'seed-1').perm).toEqual(make('BBB333', 'seed-1').perm);
		const perms = new Set(
			['s1', 's2', 's3', 's4', 's5', 's6'].map((s) => JSON.stringify(make('AAA222', s).perm))
		);
		expect(perms.size).toBeGreaterThan(1);
	});
});

describe('answers arriving together (a batch)', () => {
	const pick = (id: string, choice = 0) =>
		answer(id, 0, { type: 'single', choice }) as Extract<Command, { type: 'answer' }>;

	it('records the same as one by one, and leaves the state it started from untouched', () => {
		const s = started([q(SINGLE)], 4, { timeLimit: null });
		const batch = run(
			s,
			{ type: 'answers', list: [pick('s1'), pick('s2', 1), pick('s3')] },
			T0 + 5
		);
		let one = s;
		for (const id of ['s1', 's2', 's3'])
			one = run(one, pick(id, id === 's2' ? 1 : 0), T0 + 5).state;
		expect(batch.state.answers).toEqual(one.answers);
		expect(s.answers[0]).toBeUndefined();
		expect(
			batch.effects
				.filter((e) => e.type === 'answerRecorded')
				.map((e) => e.type === 'answerRecorded' && e.seq)
		).toEqual([0, 1, 2]);
	});

	it('refuses a duplicate inside the batch and everything after the question closes', () => {
		const s = started([q(SINGLE)], 2, { timeLimit: null });
		const r = run(
			s,
			{ type: 'answers', list: [pick('s1'), pick('s1', 1), pick('s2'), pick('s2')] },
			T0 + 5
		);
		expect(r.effects.filter((e) => e.type === 'answerRefused')).toEqual([
			{ type: 'answerRefused', seq: 1, error: 'already_answered' },
			{ type: 'answerRefused', seq: 3, error: 'already_answered' }
		]);
		expect(r.state.core.phase).toBe('closed');
		expect(Object.keys(r.state.answers[0]!)).toHaveLength(2);
		const late = run(
			started([q(SINGLE)], 1, { timeLimit: null }),
			{ type: 'answers', list: [pick('s1'), pick('s1')] },
			T0
		);
		expect(late.state.core.phase).toBe('closed');
	});

	it('a later batch never writes into an earlier state’s records', () => {
		const s = started([q(SINGLE)], 3, { timeLimit: null });
		const first = run(s, { type: 'answers', list: [pick('s1')] }, T0 + 5).state;
		const second = run(first, { type: 'answers', list: [pick('s2')] }, T0 + 6).state;
		expect(Object.keys(first.answers[0]!)).toEqual(['s1']);
		expect(Object.keys(second.answers[0]!)).toEqual(['s1', 's2']);
	});
});

describe('a consumed state (the live hub keeps only the latest)', () => {
	it('lets a batch append to the open record in place, with the same result', () => {
		const pick = (id: string) =>
			answer(id, 0, { type: 'single', choice: 0 }) as Extract<Command, { type: 'answer' }>;
		const s = run(started([q(SINGLE)], 3, { timeLimit: null }), pick('s1'), T0 + 1).state;
		const record = s.answers[0]!;
		const pure = step(s, { type: 'answers', list: [pick('s2')] }, T0 + 2);
		expect(Object.keys(record)).toEqual(['s1']);
		const consumed = step(s, { type: 'answers', list: [pick('s2')] }, T0 + 2, { consume: true });
		expect(consumed.ok && consumed.state.answers[0]).toBe(record);
		expect(pure.ok && Object.keys(pure.state.answers[0]!)).toEqual(['s1', 's2']);
		expect(Object.keys(record)).toEqual(['s1', 's2']);
	});

	it('re-arms the close timer after answers appended in place', () => {
		// s1 has double time; once s1 answers, the question closes at everyone else's deadline.
		let s = started([q(SINGLE)], 3);
		s = run(s, { type: 'extraTime', participantId: 's1', extraTime: 2 }, T0 + 1).state;
		// The item's record exists already, so the next answer is appended to it in place.
		s = run(s, answer('s3', 0, { type: 'single', choice: 1 }), T0 + 1).state;
		const pick = answer('s1', 0, { type: 'single', choice: 0 }) as Extract<
			Command,
			{ type: 'answer' }
		>;
		const r = step(s, { type: 'answers', list: [pick] }, T0 + 2, { consume: true });
		expect(r.ok && r.effects.filter((e) => e.type === 'schedule')).toEqual([
			{ type: 'schedule', at: T0 + LIMIT * 1000 }
		]);
	});

	it('a batch of answers leaves the close timer alone unless one can move it', () => {
		// Without extra time nobody's deadline is past the base one: an answer cannot bring the
		// close forward, so the batch makes no timer decision (and never scans the room for one).
		const s = started([q(SINGLE)], 3);
		const pick = (id: string) =>
			answer(id, 0, { type: 'single', choice: 1 }) as Extract<Command, { type: 'answer' }>;
		const plain = step(s, { type: 'answers', list: [pick('s1'), pick('s2')] }, T0 + 2);
		expect(plain.ok && types(plain.effects)).toEqual(['answerRecorded', 'answerRecorded']);
		// The last one closes the question: that is a timer decision.
		const last = step(plain.ok ? plain.state : s, { type: 'answers', list: [pick('s3')] }, T0 + 3);
		expect(last.ok && last.state.core.phase).toBe('closed');
		expect(last.ok && lastSchedule(last.effects)).toBeNull();
		// Untimed: nothing to decide either.
		const untimed = started([q(SINGLE)], 3, { timeLimit: null });
		const u = step(untimed, { type: 'answers', list: [pick('s1')] }, T0 + 2);
		expect(u.ok && scheduled(u.effects)).toEqual([]);
	});

	it('homework answers never touch the deadline timer', () => {
		const deadline = T0 + 60_000;
		const s = started([q(SINGLE), q(TRUEFALSE)], 2, {
			mode: 'homework',
			timeLimit: null,
			deadline
		});
		const r = step(
			s,
			{
				type: 'answers',
				list: [answer('s1', 0, right(s, 0)) as Extract<Command, { type: 'answer' }>]
			},
			T0 + 5
		);
		expect(r.ok && types(r.effects)).toEqual(['answerRecorded', 'participantsChanged']);
	});

	it('sets participants in place, keeping counts, ranks and names exactly as a pure run would', () => {
		// A seeded walk through joins, reconnects, answers, removals, extra time and reveals, applied
		// once on copies and once in place; every derived figure must agree after every step.
		let seed = 42;
		const rand = (n: number) =>
			((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n) as number;
		const items = [q(SINGLE), q(TRUEFALSE), q(SINGLE), q(TRUEFALSE), q(SINGLE)];
		let pure = room(items, { timeLimit: null });
		let owned = pure;
		const ids: string[] = [];
		const apply = (cmd: Command, now: number) => {
			const a = step(pure, cmd, now);
			const b = step(owned, cmd, now, { consume: true });
			expect(b.ok).toBe(a.ok);
			if (!a.ok || !b.ok) return;
			expect(b.effects).toEqual(a.effects);
			pure = a.state;
			owned = b.state;
		};
		for (let i = 0; i < 400; i++) {
			const now = T0 + i;
			const who = ids[rand(Math.max(1, ids.length))] ?? 'nobody';
			const roll = rand(100);
			if (roll < 25 || ids.length < 3) {
				const id = `p${i}`;
				// Some nicknames collide on purpose, case aside.
				apply(
					{ type: 'join', participantId: id, nickname: rand(4) ? `N${i}` : `n${rand(5)}` },
					now
				);
				if (pure.participants[id]) ids.push(id);
			} else if (roll < 45) apply({ type: 'disconnect', participantId: who }, now);
			else if (roll < 60) apply({ type: 'connect', participantId: who }, now);
			else if (roll < 63) apply({ type: 'remove', participantId: who }, now);
			else if (roll < 66) apply({ type: 'extraTime', participantId: who, extraTime: 2 }, now);
			else if (roll < 96) {
				const item = pure.core.current;
				const value = rand(2) === 0;
				const response: AnyResponse =
					item % 2 === 1 ? { type: 'truefalse', value } : { type: 'single', choice: rand(4) };
				apply({ type: 'answers', list: [answer(who, item, response) as never] }, now);
			} else {
				const next: Command['type'] = (
					{ lobby: 'start', open: 'close', closed: 'reveal', revealed: 'next' } as const
				)[pure.core.phase as 'lobby'];
				if (next) apply({ type: next } as Command, now);
			}
			expect(activeCount(owned)).toBe(activeCount(pure));
			expect(connectedCount(owned)).toBe(connectedCount(pure));
			expect(participantCount(owned)).toBe(participantCount(pure));
			expect(standings(owned)).toEqual(standings(pure));
			expect(hostView(owned, now)).toEqual(hostView(pure, now));
			expect(rosterRows(owned)).toEqual(rosterRows(pure));
			expect(publicView(owned, now, 'student')).toEqual(publicView(pure, now, 'student'));
			for (const id of ids.slice(-5)) expect(myView(owned, id)).toEqual(myView(pure, id));
		}
		// The walk covered joins, several reveals and a room still going.
		expect(ids.length).toBeGreaterThan(50);
		expect(pure.core.current).toBeGreaterThan(1);
		expect(standings(pure).rows[0]?.score).toBeGreaterThan(0);
	});
});

describe('bulk remove (bots)', () => {
	/** s1 at T0, s2 at T0+10 s, s3 at T0+20 s, s4 at T0+25 s; s2 removed already. */
	function lobby(): RoomState {
		let s = room([q(SINGLE)]);
		for (const [id, at] of [
			['s1', 0],
			['s2', 10],
			['s3', 20],
			['s4', 25]
		] as const)
			s = run(s, { type: 'join', participantId: id, nickname: `Nick ${id}` }, T0 + at * 1000).state;
		return run(s, { type: 'remove', participantId: 's2' }, T0 + 26_000).state;
	}
	const NOW = T0 + 30_000;

	it.each<[string, Command, string[] | RoomError]>([
		['many: two at once', { type: 'removeMany', participantIds: ['s1', 's3'] }, ['s1', 's3']],
		['many: duplicates count once', { type: 'removeMany', participantIds: ['s3', 's3'] }, ['s3']],
		[
			'many: removed already is skipped',
			{ type: 'removeMany', participantIds: ['s2', 's4'] },
			['s4']
		],
		['many: nobody new changes nothing', { type: 'removeMany', participantIds: ['s2'] }, []],
		['many: empty list changes nothing', { type: 'removeMany', participantIds: [] }, []],
		[
			'many: an unknown id refuses all',
			{ type: 'removeMany', participantIds: ['s1', 'x'] },
			'not_participant'
		],
		['many: __proto__', { type: 'removeMany', participantIds: ['__proto__'] }, 'not_participant'],
		[
			'many: constructor',
			{ type: 'removeMany', participantIds: ['constructor'] },
			'not_participant'
		],
		['one: __proto__', { type: 'remove', participantId: '__proto__' }, 'not_participant'],
		['recent: last 6 s', { type: 'removeRecent', seconds: 6 }, ['s4']],
		[
			'recent: last 10 s (s3 at exactly the edge)',
			{ type: 'removeRecent', seconds: 10 },
			['s3', 's4']
		],
		['recent: last 25 s skips the removed s2', { type: 'removeRecent', seconds: 25 }, ['s3', 's4']],
		['recent: last hour', { type: 'removeRecent', seconds: 3600 }, ['s1', 's3', 's4']],
		['recent: nobody that recent', { type: 'removeRecent', seconds: 1 }, []]
	])('%s', (_, cmd, expected) => {
		const before = lobby();
		const r = step(before, cmd, NOW);
		if (typeof expected === 'string') {
			expect(r).toEqual({ ok: false, error: expected });
			expect(before.participants.s1!.removed).toBe(false);
			return;
		}
		if (!r.ok) throw new Error(r.error);
		const removed = Object.values(r.state.participants)
			.filter((p) => p.removed && p.id !== 's2')
			.map((p) => p.id);
		expect(removed.sort()).toEqual(expected);
		if (expected.length === 0) expect(r.effects).toEqual([]);
		else expect(r.effects[0]).toEqual({ type: 'participantsChanged', ids: expected });
		expect(activeCount(r.state)).toBe(3 - expected.length);
		// The pure step left its input alone.
		expect(activeCount(before)).toBe(3);
	});

	it('removing the last students who had yet to answer closes the question', () => {
		let s = started([q(SINGLE)], 3);
		s = run(s, answer('s1', 0, { type: 'single', choice: 0 }), T0 + 1).state;
		const r = run(s, { type: 'removeMany', participantIds: ['s2', 's3'] }, T0 + 2);
		expect(r.state.core.phase).toBe('closed');
	});

	it("look-alikes of a present name are refused; a removed student's name is free again", () => {
		let s = run(room([q(SINGLE)]), { type: 'join', participantId: 'a', nickname: 'Alice' }).state;
		for (const nick of ['Аlice', 'ALICE', 'Alice\u200b', 'Ａｌｉｃｅ', 'A1ice'])
			expect(refuse(s, { type: 'join', participantId: 'b', nickname: nick })).toBe(
				'nickname_taken'
			);
		s = run(s, { type: 'removeMany', participantIds: ['a'] }).state;
		expect(
			run(s, { type: 'join', participantId: 'b', nickname: 'Аlice' }).state.participants.b
		).toBeTruthy();
	});

	it.each([true, false])('joinCheck %s: set once, a repeat changes nothing', (on) => {
		const s = room([q(SINGLE)], { joinCheck: !on });
		const r = run(s, { type: 'joinCheck', on });
		expect(r.state.core.settings.joinCheck).toBe(on);
		expect(r.effects).toEqual([{ type: 'coreChanged' }]);
		expect(run(r.state, { type: 'joinCheck', on }).effects).toEqual([]);
	});
});

describe('ids from the wire that name what every object inherits', () => {
	const hostile = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
	const commands = (id: string): Command[] => [
		{ type: 'remove', participantId: id },
		{ type: 'extraTime', participantId: id, extraTime: 2 },
		{ type: 'connect', participantId: id },
		{ type: 'disconnect', participantId: id },
		{ type: 'advance', participantId: id },
		{ type: 'upvote', participantId: id, responseId: id },
		{ type: 'upvote', participantId: 's1', responseId: id },
		{ type: 'moderate', responseId: id, status: 'approved' },
		answer(id, 0, { type: 'single', choice: 0 })
	];
	it.each(hostile.flatMap((id) => commands(id).map((c) => [id, c] as const)))(
		'%s in %j is refused without a throw, and the room is untouched',
		(_id, cmd) => {
			for (const phase of ['lobby', 'open', 'revealed']) {
				const s = inPhase(phase);
				const before = JSON.stringify(s);
				const r = step(s, cmd, T0 + 5000, { consume: true });
				expect(r.ok ? r.effects : r.error).not.toEqual('internal');
				if (r.ok) expect(r.effects.filter((e) => e.type !== 'schedule')).toEqual([]);
				expect(JSON.stringify(s)).toBe(before);
				expect(Object.keys(s.participants)).toEqual(['s1', 's2']);
			}
		}
	);

	it('a hostile id in a view lookup finds no one', () => {
		const s = inPhase('open');
		for (const id of hostile) {
			expect(myView(s, id)).toBeNull();
			expect(rosterRows(s, new Set([id]))).toEqual([]);
		}
	});
});

describe('projector sound', () => {
	it.each([
		['lobby', true],
		['open', true],
		['revealed', false]
	] as const)('the teacher turns it on or off in %s (%s)', (phase, on) => {
		const from = inPhase(phase);
		const was = {
			...from,
			core: { ...from.core, settings: { ...from.core.settings, sound: !on } }
		};
		const r = run(was, { type: 'sound', on }, T0 + 5000);
		expect(r.state.core.settings.sound).toBe(on);
		expect(r.effects).toEqual([{ type: 'coreChanged' }]);
		// A repeat writes nothing, as for every command that only repeats the room's state.
		expect(run(r.state, { type: 'sound', on }, T0 + 6000).effects).toEqual([]);
	});
	it('is off in a new room', () => {
		expect(room([q(SINGLE)]).core.settings.sound).toBeUndefined();
	});
});
