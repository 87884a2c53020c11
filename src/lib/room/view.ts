/**
 * What each role may see. The only way room state leaves the server is through these functions.
 *
 * Invariants:
 * - Before the reveal, nothing a student or the projector receives says which answer is right:
 *   no keys, accepted texts, correct orders, numeric answers, explanations or evidence.
 * - Ordering items are shown in a shuffled order and named by display index only.
 * - No student view carries another student's individual response, score or id, except the
 *   top-5 leaderboard (nicknames and scores) when the teacher has it on.
 * - Hidden and pending open responses reach only the host.
 */
import type { Evidence } from '../kit/types';
import { normalizeWord, movement, tallyPoll, type PollResults } from './polls';
import type {
	Answer,
	AnyResponse,
	Core,
	ExtraTime,
	Participant,
	Phase,
	RoomItem,
	RoomState,
	Settings
} from './types';
import { activeCount, connectedCount, deadlineFor, isHomework, rankVersion } from './machine';
import { ownEntry } from './own';

export type PublicItem =
	| {
			kind: 'question';
			id: string;
			type: string;
			prompt: string;
			choices?: string[];
			items?: string[];
			maxLength?: number;
			unit?: string;
	  }
	| {
			kind: 'poll';
			id: string;
			type: string;
			prompt: string;
			claim?: string;
			options?: string[];
			multiple?: boolean;
			maxLength?: number;
			/** A writing item's criteria, shown to the student while writing. */
			rubric?: string[];
			minWords?: number;
			round: 'before' | 'after' | null;
			evidence: Evidence[];
	  };

export interface QuestionReveal {
	/** The right response, in displayed indices. */
	correct: AnyResponse;
	accepted?: string[];
	tolerance?: number;
	explanation: string;
	evidence: Evidence[];
	/** Choice counts (single, multiple, true/false as [true, false]); absent for other types. */
	distribution: number[] | null;
	answered: number;
	correctCount: number;
}

export interface LeaderRow {
	rank: number;
	nickname: string;
	score: number;
	correct: number;
}

export interface PublicView {
	code: string;
	kitSlug: string;
	kitTitle: string;
	phase: Phase;
	current: number;
	itemCount: number;
	item: PublicItem | null;
	settings: Settings;
	locked: boolean;
	openedAt: number | null;
	deadline: number | null;
	paused: boolean;
	reveal: QuestionReveal | null;
	poll: PollResults | null;
	leaderboard: LeaderRow[] | null;
	players: number;
	serverNow: number;
}

export interface MyView {
	id: string;
	nickname: string;
	score: number;
	correct: number;
	streak: number;
	rank: number;
	of: number;
	extraTime: ExtraTime;
	/** My own deadline for the open item (null: no limit). */
	deadline: number | null;
	/** My response to the current item, as I sent it. */
	response: AnyResponse | null;
	/** After a question's reveal only. */
	result: { correct: boolean; credit: number; points: number } | null;
	removed: boolean;
	/** Index of the item `response` belongs to. */
	item: number;
	/** Open polls: my own response's id, and the responses I upvoted. */
	responseId: string | null;
	/** Open polls: the teacher's decision on my own response (hidden: the class does not see it). */
	responseStatus: Answer['status'] | null;
	upvoted: string[];
	/** Homework only: this student's own item and, once answered, its feedback. */
	hw: { item: PublicItem | null; reveal: QuestionReveal | null; done: boolean } | null;
}

/**
 * What a live answer changes in the student's own view: the item, the response as they sent it,
 * an open response's id, no result yet (that comes at the reveal), and their own deadline for
 * this item (a student who did not answer the last one still holds its result). The ack to `answer:submit` carries this much (merged into `me` by the
 * client); in homework, where answering is the reveal, it carries the whole `MyView`.
 */
export type MyAnswer = Pick<
	MyView,
	'item' | 'response' | 'responseId' | 'responseStatus' | 'result' | 'deadline'
>;

export interface HostView extends PublicView {
	answered: number;
	connected: number;
	fullItem: RoomItem | null;
}

/**
 * One student on the teacher's roster. The roster travels apart from the view: whole when the
 * controls attach, then only the rows that changed (`host:roster`), so a 2,000-student room does
 * not resend every row on every count update.
 */
export interface RosterRow {
	id: string;
	nickname: string;
	connected: boolean;
	removed: boolean;
	extraTime: ExtraTime;
	score: number;
	correct: number;
	/**
	 * The item this student had answered when the row was made: the current item, or -1. The row
	 * stays right when the next item opens without being sent again: answered means
	 * `answeredItem === view.current`.
	 */
	answeredItem: number;
	/** Homework: the item this student is on. */
	progress: number;
}

export interface ScreenView extends PublicView {
	answered: number;
	podium: LeaderRow[] | null;
	/** The lobby with names on: the latest joiners' nicknames (at most 40), newest last. */
	joined: string[] | null;
	summary: { item: number; prompt: string; correctShare: number }[] | null;
}

function publicItem(item: RoomItem): PublicItem {
	if (item.kind === 'question') {
		const q = item.question;
		const base = { kind: 'question' as const, id: q.id, type: q.type, prompt: q.prompt };
		switch (q.type) {
			case 'single':
			case 'multiple':
				return { ...base, choices: q.choices };
			case 'ordering':
				return {
					...base,
					items: (item.perm ?? q.items.map((_, i) => i)).map((i) => q.items[i] ?? '')
				};
			case 'short':
				return { ...base, maxLength: q.maxLength };
			case 'numeric':
				return q.unit ? { ...base, unit: q.unit } : base;
			default:
				return base;
		}
	}
	const p = item.poll;
	return {
		kind: 'poll',
		id: p.id,
		type: p.type,
		prompt: p.prompt,
		claim: 'claim' in p ? p.claim : undefined,
		options: p.type === 'choice' ? p.options : undefined,
		multiple: p.type === 'choice' ? p.multiple : undefined,
		maxLength:
			p.type === 'open' || p.type === 'wordcloud' || p.type === 'writing' ? p.maxLength : undefined,
		rubric: p.type === 'writing' ? p.rubric : undefined,
		minWords: p.type === 'writing' ? p.minWords : undefined,
		round: item.round,
		evidence: p.evidenceRefs
	};
}

/** The correct response in display terms (ordering: display indices in the right order). */
function displayCorrect(item: Extract<RoomItem, { kind: 'question' }>): AnyResponse {
	const q = item.question;
	switch (q.type) {
		case 'single':
			return { type: 'single', choice: 'ABCDEFGH'.indexOf(q.answer) };
		case 'multiple':
			return { type: 'multiple', choices: q.answer.map((l) => 'ABCDEFGH'.indexOf(l)).sort() };
		case 'truefalse':
			return { type: 'truefalse', value: q.answer };
		case 'ordering': {
			const perm = item.perm ?? q.items.map((_, i) => i);
			return { type: 'ordering', order: q.items.map((_, k) => perm.indexOf(k)) };
		}
		case 'short':
			return { type: 'short', text: q.accept[0] ?? '' };
		case 'numeric':
			return { type: 'numeric', value: q.answer };
	}
}

function questionReveal(
	state: RoomState,
	item: Extract<RoomItem, { kind: 'question' }>,
	index = state.core.current
): QuestionReveal {
	const q = item.question;
	const answers = countable(state, index);
	let distribution: number[] | null = null;
	if (q.type === 'single' || q.type === 'multiple') {
		distribution = q.choices.map(() => 0);
		for (const a of answers) {
			const r = a.response;
			const picks = r.type === 'single' ? [r.choice] : r.type === 'multiple' ? r.choices : [];
			for (const c of picks) distribution[c] = (distribution[c] ?? 0) + 1;
		}
	} else if (q.type === 'truefalse') {
		distribution = [0, 0];
		for (const a of answers)
			if (a.response.type === 'truefalse') distribution[a.response.value ? 0 : 1]! += 1;
	}
	return {
		correct: displayCorrect(item),
		accepted: q.type === 'short' ? q.accept : undefined,
		tolerance: q.type === 'numeric' ? q.tolerance : undefined,
		explanation: q.explanation,
		evidence: q.evidenceRefs,
		distribution,
		answered: answers.length,
		correctCount: answers.filter((a) => a.credit === 1).length
	};
}

/** Answers of the item from participants who have not been removed. */
export function countable(state: RoomState, item: number): Answer[] {
	return Object.values(state.answers[item] ?? {}).filter(
		(a) => !ownEntry(state.participants, a.participantId)?.removed
	);
}

type Standings = { ranks: Map<string, number>; rows: LeaderRow[] };
const standingsCache = new WeakMap<object, { version: number; standings: Standings }>();

/**
 * Ranks by score (ties share a rank). Cached per participants object and its rank version: only
 * a join, a removal or points move ranks, so a reconnect storm never re-ranks the room.
 */
export function standings(state: RoomState): Standings {
	const version = rankVersion(state);
	const cached = standingsCache.get(state.participants);
	if (cached?.version === version) return cached.standings;
	const fresh = rank(Object.values(state.participants).filter((p) => !p.removed));
	standingsCache.set(state.participants, { version, standings: fresh });
	return fresh;
}

function rank(everyone: Participant[]): Standings {
	// Before any points (the lobby, where joins come in a flood) everyone shares rank 1: no sort.
	if (everyone.every((p) => p.score === 0 && p.correct === 0))
		return {
			ranks: new Map(everyone.map((p) => [p.id, 1])),
			rows: everyone
				.sort((a, b) => a.joinedAt - b.joinedAt)
				.map((p) => ({ rank: 1, nickname: p.nickname, score: 0, correct: 0 }))
		};
	const list = everyone.sort(
		(a, b) => b.score - a.score || b.correct - a.correct || a.joinedAt - b.joinedAt
	);
	const ranks = new Map<string, number>();
	const rows: LeaderRow[] = [];
	let at = 0;
	let prev: number | null = null;
	list.forEach((p, i) => {
		if (p.score !== prev) at = i + 1;
		prev = p.score;
		ranks.set(p.id, at);
		rows.push({ rank: at, nickname: p.nickname, score: p.score, correct: p.correct });
	});
	return { ranks, rows };
}

function beforeItemIndex(core: Core, item: RoomItem): number {
	if (item.kind !== 'poll' || item.round !== 'after') return -1;
	return core.items.findIndex(
		(it) => it.kind === 'poll' && it.poll.id === item.poll.id && it.round === 'before'
	);
}

function pollResults(state: RoomState, role: 'host' | 'screen' | 'student'): PollResults | null {
	const { core } = state;
	const item = core.items[core.current];
	if (!item || item.kind !== 'poll') return null;
	// The projector shows a before/after pair's votes only at the reveal: a bar chart growing on
	// the wall while the class votes pulls later votes toward the early ones (the point of the
	// pair is to measure how views move). The teacher's own screen shows them live.
	const show =
		role === 'host' || core.pollRevealed || (role === 'screen' && item.poll.type !== 'pair');
	const results = tallyPoll(item.poll, countable(state, core.current), state.upvotes, {
		includePending: role === 'host',
		showNames: role === 'host' || (role === 'screen' && core.settings.showNames),
		nicknames: (id) => ownEntry(state.participants, id)?.nickname ?? '',
		totalsOnly: !show
	});
	const before = beforeItemIndex(core, item);
	if (show && before >= 0)
		results.shift = movement(countable(state, before), countable(state, core.current));
	return results;
}

export function publicView(
	state: RoomState,
	now: number,
	role: 'host' | 'screen' | 'student'
): PublicView {
	const { core } = state;
	const item = core.items[core.current] ?? null;
	const revealed = core.phase === 'revealed' || core.phase === 'leaderboard';
	const showBoard =
		core.settings.leaderboard && (core.phase === 'leaderboard' || core.phase === 'ended');
	return {
		code: core.code,
		kitSlug: core.kitSlug,
		kitTitle: core.kitTitle,
		phase: core.phase,
		current: core.current,
		itemCount: core.items.length,
		item: item && core.phase !== 'ended' && !isHomework(core) ? publicItem(item) : null,
		settings: core.settings,
		locked: core.locked,
		openedAt: core.openedAt,
		deadline: core.deadline,
		paused: core.pausedAt !== null,
		reveal:
			revealed && item?.kind === 'question' && core.phase !== 'ended'
				? questionReveal(state, item)
				: null,
		poll: core.phase === 'ended' || isHomework(core) ? null : pollResults(state, role),
		leaderboard: showBoard ? standings(state).rows.slice(0, 5) : null,
		players: activeCount(state),
		serverNow: now
	};
}

/**
 * One student's own view. `ranks` from `standings`; omitted in the lobby, where nobody has a rank
 * yet and a flood of joins must not rank the room once per join.
 */
/** The response as the student sent it: ordering answers are stored in the kit's order. */
function shownResponse(item: RoomItem | undefined, a: Answer | null): AnyResponse | null {
	const response = a?.response ?? null;
	if (response?.type === 'ordering' && item?.kind === 'question' && item.perm) {
		const perm = item.perm;
		return { type: 'ordering', order: response.order.map((k) => perm.indexOf(k)) };
	}
	return response;
}

/** A student's answer to the current live item, as the ack to their answer carries it. */
export function myAnswer(state: RoomState, id: string): MyAnswer | null {
	const item = state.core.current;
	const a = ownEntry(state.answers[item] ?? {}, id) ?? null;
	if (!a) return null;
	const p = ownEntry(state.participants, id);
	return {
		item,
		response: shownResponse(state.core.items[item], a),
		responseId: a.responseId ?? null,
		responseStatus: a.status ?? null,
		result: null,
		deadline: p && state.core.phase === 'open' ? deadlineFor(state.core, p) : null
	};
}

export function myView(state: RoomState, id: string, ranks?: Map<string, number>): MyView | null {
	const table = ranks ?? (state.core.phase === 'lobby' ? null : standings(state).ranks);
	const p = ownEntry(state.participants, id);
	if (!p) return null;
	const { core } = state;
	const homework = isHomework(core);
	// In homework every student is on their own item, and answering it is their reveal.
	const index = homework ? p.progress : core.current;
	const a = ownEntry(state.answers[index] ?? {}, id) ?? null;
	const item = core.items[index];
	const revealed = homework
		? a !== null
		: core.phase === 'revealed' || core.phase === 'leaderboard';
	return {
		id: p.id,
		nickname: p.nickname,
		score: p.score,
		correct: p.correct,
		streak: p.streak,
		rank: table ? (table.get(id) ?? 0) : 1,
		of: table ? table.size : activeCount(state),
		extraTime: p.extraTime,
		deadline: core.phase === 'open' ? deadlineFor(core, p) : null,
		response: shownResponse(item, a),
		result:
			revealed && item?.kind === 'question'
				? { correct: a?.credit === 1, credit: a?.credit ?? 0, points: a?.points ?? 0 }
				: null,
		removed: p.removed,
		item: index,
		hw: homework
			? {
					item: item && core.phase === 'open' ? publicItem(item) : null,
					reveal:
						a && item?.kind === 'question'
							? { ...questionReveal(state, item, index), distribution: null }
							: null,
					done: index >= core.items.length
				}
			: null,
		responseId: a?.responseId ?? null,
		responseStatus: a?.status ?? null,
		upvoted: Object.entries(state.upvotes)
			.filter(([, voters]) => voters.includes(id))
			.map(([rid]) => rid)
	};
}

export function hostView(state: RoomState, now: number): HostView {
	const { core } = state;
	return {
		...publicView(state, now, 'host'),
		answered: countable(state, core.current).length,
		connected: connectedCount(state),
		fullItem: core.items[core.current] ?? null
	};
}

/** Roster rows, in joining order: everyone, or only the given students. */
export function rosterRows(state: RoomState, ids?: Iterable<string>): RosterRow[] {
	const { current } = state.core;
	const answered = state.answers[current] ?? {};
	const row = (p: Participant): RosterRow => ({
		id: p.id,
		nickname: p.nickname,
		connected: p.connected,
		removed: p.removed,
		extraTime: p.extraTime,
		score: p.score,
		correct: p.correct,
		answeredItem: answered[p.id] ? current : -1,
		progress: p.progress
	});
	if (!ids) return Object.values(state.participants).map(row);
	const rows: RosterRow[] = [];
	for (const id of ids) {
		const p = ownEntry(state.participants, id);
		if (p) rows.push(row(p));
	}
	return rows;
}

export function screenView(state: RoomState, now: number): ScreenView {
	const { core } = state;
	const ended = core.phase === 'ended';
	const active = activeCount(state);
	return {
		...publicView(state, now, 'screen'),
		answered: countable(state, core.current).length,
		podium: ended && core.settings.leaderboard ? standings(state).rows.slice(0, 3) : null,
		joined:
			core.phase === 'lobby' && core.settings.showNames
				? standings(state)
						.rows.slice(-40)
						.map((r) => r.nickname)
				: null,
		summary: ended
			? core.items.flatMap((item, i) =>
					item.kind === 'question' && i <= core.current
						? [
								{
									item: i,
									prompt: item.question.prompt,
									correctShare: active
										? countable(state, i).filter((a) => a.credit === 1).length / active
										: 0
								}
							]
						: []
				)
			: null
	};
}

export { normalizeWord };
