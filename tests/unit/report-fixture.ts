/**
 * Two stored rooms written out by hand, as the machine stores them, for the report's unit tests:
 * a live session ended before its last question (partial credit, a removed student, a student
 * who answered nothing, a before/after pair, an open poll with upvotes) and a homework session.
 */
import type { LoadedPoll, LoadedQuestion } from '../../src/lib/kit/types';
import type {
	Answer,
	AnyResponse,
	Core,
	Participant,
	RoomItem,
	RoomState
} from '../../src/lib/room/types';

const ev = (anchor: string) => [{ quote: `Quote ${anchor}`, anchor, label: `paragraph ${anchor}` }];
const base = { explanation: 'Because.', evidence: ['x'] };

export const SINGLE = {
	...base,
	id: 'sq',
	type: 'single',
	prompt: 'Pick B',
	choices: ['A0', 'B0', 'C0', 'D0'],
	answer: 'B',
	evidenceRefs: ev('p-1')
} as LoadedQuestion;
export const MULTIPLE = {
	...base,
	id: 'mq',
	type: 'multiple',
	prompt: 'Pick A and C',
	choices: ['A1', 'B1', 'C1', 'D1'],
	answer: ['A', 'C'],
	evidenceRefs: ev('p-2')
} as LoadedQuestion;
export const SHORT = {
	...base,
	id: 'shq',
	type: 'short',
	prompt: 'Which city?',
	accept: ['Aleppo'],
	maxLength: 80,
	evidenceRefs: ev('p-3')
} as LoadedQuestion;
export const TRUEFALSE = {
	...base,
	id: 'tq',
	type: 'truefalse',
	prompt: 'True?',
	answer: true,
	evidenceRefs: ev('p-4')
} as LoadedQuestion;
const PAIR = {
	id: 'pp',
	type: 'pair',
	prompt: 'Agree?',
	claim: 'A claim',
	evidenceRefs: []
} as LoadedPoll;
const OPEN = {
	id: 'op',
	type: 'open',
	prompt: 'Why?',
	claim: 'A claim',
	maxLength: 200,
	evidenceRefs: []
} as LoadedPoll;

const q = (question: LoadedQuestion): RoomItem => ({ kind: 'question', question });

function person(id: string, joinedAt: number, extra: Partial<Participant> = {}): Participant {
	return {
		id,
		nickname: id[0]!.toUpperCase() + id.slice(1),
		joinedAt,
		extraTime: 1,
		removed: false,
		connected: false,
		score: 0,
		correct: 0,
		streak: 0,
		bestStreak: 0,
		progress: 0,
		...extra
	};
}

function answers(list: [number, string, AnyResponse, number, number | null, Partial<Answer>?][]) {
	const out: RoomState['answers'] = {};
	for (const [item, participantId, response, at, credit, extra] of list)
		(out[item] ??= {})[participantId] = {
			participantId,
			item,
			response,
			at,
			credit,
			points: credit === null ? 0 : Math.round(credit * 1000),
			...extra
		};
	return out;
}

const core = (extra: Partial<Core>): Core => ({
	code: 'ABC234',
	kitSlug: 'kit',
	kitTitle: 'A kit',
	createdAt: 0,
	settings: { timeLimit: 20, speedScoring: false, leaderboard: false, showNames: false },
	items: [],
	phase: 'ended',
	current: 0,
	locked: false,
	openedAt: null,
	deadline: null,
	pausedAt: null,
	pollRevealed: false,
	...extra
});

/**
 * Live, ended at item 5 (item 6 never asked). Ann right throughout; Bob half credit on the
 * multiple; Cat wrong; Dan removed (everything he did is ignored); Eve answered nothing.
 */
export function liveRoom(): RoomState {
	return {
		core: core({
			items: [
				q(SINGLE),
				q(MULTIPLE),
				q(SHORT),
				{ kind: 'poll', poll: PAIR, round: 'before' },
				{ kind: 'poll', poll: OPEN, round: null },
				{ kind: 'poll', poll: PAIR, round: 'after' },
				q(TRUEFALSE)
			],
			current: 5,
			opened: [1000, 2000, 3000, 4000, 5000, 6000, null]
		}),
		participants: {
			ann: person('ann', 1, { score: 3000, correct: 3 }),
			bob: person('bob', 2, { score: 500 }),
			cat: person('cat', 3),
			dan: person('dan', 4, { removed: true }),
			eve: person('eve', 5)
		},
		answers: answers([
			[0, 'ann', { type: 'single', choice: 1 }, 5000, 1],
			[0, 'bob', { type: 'single', choice: 2 }, 11000, 0],
			[0, 'cat', { type: 'single', choice: 2 }, 7000, 0],
			[0, 'dan', { type: 'single', choice: 1 }, 1500, 1],
			[1, 'ann', { type: 'multiple', choices: [0, 2] }, 4000, 1],
			[1, 'bob', { type: 'multiple', choices: [0] }, 5000, 0.5],
			[1, 'cat', { type: 'multiple', choices: [0, 1] }, 9000, 0],
			[2, 'ann', { type: 'short', text: 'aleppo' }, 4000, 1],
			[2, 'bob', { type: 'short', text: 'Alepo' }, 5000, 0],
			[2, 'cat', { type: 'short', text: 'ALEPO!' }, 8000, 0],
			[3, 'ann', { type: 'scale', value: 2 }, 4500, null],
			[3, 'bob', { type: 'scale', value: 4 }, 4500, null],
			[3, 'cat', { type: 'scale', value: 3 }, 4500, null],
			[3, 'dan', { type: 'scale', value: 5 }, 4500, null],
			[
				4,
				'ann',
				{ type: 'open', text: 'It was planned', side: 'for' },
				5500,
				null,
				{ status: 'approved', responseId: 'r1' }
			],
			[
				4,
				'bob',
				{ type: 'open', text: 'Not yet seen', side: 'against' },
				5500,
				null,
				{ status: 'pending', responseId: 'r2' }
			],
			[
				4,
				'cat',
				{ type: 'open', text: 'It backfired', side: 'against' },
				5500,
				null,
				{ status: 'highlighted', responseId: 'r3' }
			],
			[
				4,
				'dan',
				{ type: 'open', text: 'Removed voice', side: 'for' },
				5500,
				null,
				{ status: 'approved', responseId: 'r4' }
			],
			[5, 'ann', { type: 'scale', value: 4 }, 6500, null],
			[5, 'bob', { type: 'scale', value: 1 }, 6500, null],
			[5, 'cat', { type: 'scale', value: 3 }, 6500, null]
		]),
		upvotes: { r1: ['bob', 'cat', 'dan'], r3: ['ann'], r4: ['ann'] }
	};
}

/** Homework, still open: Gus finished, Hal answered the first (wrong), Ivy has not started. */
export function homeworkRoom(phase: 'open' | 'ended' = 'open'): RoomState {
	return {
		core: core({
			settings: {
				timeLimit: null,
				speedScoring: false,
				leaderboard: false,
				showNames: false,
				mode: 'homework',
				deadline: 99_000
			},
			items: [q(SINGLE), q(MULTIPLE), q(SHORT)],
			phase,
			current: 0,
			openedAt: 1000
		}),
		participants: {
			gus: person('gus', 500, { progress: 3, score: 3000, correct: 3 }),
			hal: person('hal', 2000, { progress: 1 }),
			ivy: person('ivy', 2500)
		},
		answers: answers([
			[0, 'gus', { type: 'single', choice: 1 }, 3000, 1],
			[1, 'gus', { type: 'multiple', choices: [0, 2] }, 6000, 1],
			[2, 'gus', { type: 'short', text: 'Aleppo' }, 10000, 1],
			[0, 'hal', { type: 'single', choice: 0 }, 7000, 0]
		]),
		upvotes: {}
	};
}
