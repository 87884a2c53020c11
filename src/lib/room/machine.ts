/**
 * The live room as a pure state machine: `step(state, command, now) → result`. No I/O, no
 * timers, no clock of its own; the transport persists the effects and schedules `tick`.
 *
 * Phases and transitions (host commands unless noted):
 *   lobby ──start──▶ open ──close | time up (tick) | everyone answered──▶ closed
 *   closed ──reveal──▶ revealed ──leaderboard──▶ leaderboard
 *   revealed | leaderboard | closed (polls) ──next──▶ open (next item) | ended (after the last)
 *   any ──end──▶ ended
 * Invariants:
 * - A participant has at most one answer per item; a second is refused, never counted twice.
 * - Answers are accepted only while the item is open, not paused, before that student's own
 *   deadline (time limit × their extra-time factor, plus any extensions).
 * - Points and correct counts move only at the reveal, once per item.
 * - A removed participant stays removed; their answers no longer count.
 */
import { nicknameKey } from '../nickname-key';
import { shuffledPerm } from './shuffle';
import { grade, points } from '../scoring';
import type {
	Answer,
	AnswerCommand,
	AnyResponse,
	Command,
	Core,
	Effect,
	ExtraTime,
	Participant,
	RoomError,
	RoomItem,
	RoomState,
	Settings,
	StepResult
} from './types';
import { ownEntry } from './own';

/** Self-study imports it from `./shuffle` directly; here for the machine's callers. */
export { shuffledPerm };

export function createRoom(input: {
	code: string;
	kitSlug: string;
	kitTitle: string;
	settings: Settings;
	items: RoomItem[];
	now: number;
	/**
	 * Secret seed for shuffling ordering items. It must not be derivable from anything a student
	 * sees (code, question id), or the right order could be computed; the caller draws it at random.
	 */
	seed: string;
}): RoomState {
	const items = input.items.map((item) =>
		item.kind === 'question' && item.question.type === 'ordering'
			? {
					...item,
					perm: shuffledPerm(item.question.items.length, `${input.seed}:${item.question.id}`)
				}
			: item
	);
	const core: Core = {
		code: input.code,
		kitSlug: input.kitSlug,
		kitTitle: input.kitTitle,
		createdAt: input.now,
		settings: input.settings,
		items,
		phase: 'lobby',
		current: -1,
		locked: false,
		openedAt: null,
		deadline: null,
		pausedAt: null,
		pollRevealed: false
	};
	return roomState(shapedCore(core), {}, {}, {});
}

export function isHomework(core: Core): boolean {
	return core.settings.mode === 'homework';
}

/** Commands that only make sense when the teacher sets the pace. */
const TEACHER_PACED = new Set<Command['type']>([
	'close',
	'extend',
	'pause',
	'resume',
	'reveal',
	'leaderboard',
	'next'
]);

export function isTimed(state: RoomState): boolean {
	return state.core.deadline !== null;
}

/** This student's own deadline for the open item, or null when they have no limit. */
export function deadlineFor(core: Core, p: Pick<Participant, 'extraTime'>): number | null {
	if (core.deadline === null || core.openedAt === null || core.settings.timeLimit === null)
		return null;
	if (p.extraTime === 'untimed') return null;
	return core.deadline + core.settings.timeLimit * 1000 * (p.extraTime - 1);
}

/**
 * Derived lists, memoised per participants object: who is active (not removed), where each sits
 * in that list, how many are connected, which nicknames are taken. Every change to participants
 * goes through `putParticipant`, which patches the memo instead of dropping it, so a join, a
 * connect or a disconnect costs O(1) however large the room: a 2,000-student join flood or
 * reconnect storm stays linear instead of quadratic.
 */
interface Roster {
	active: Participant[];
	slot: Map<string, number>;
	connected: number;
	names: Set<string>;
	/** Everyone ever joined, removed or not (the room's size cap counts them all). */
	size: number;
}
const derived = new WeakMap<RoomState['participants'], Roster>();

function roster(state: RoomState): Roster {
	let d = derived.get(state.participants);
	if (!d) {
		const all = Object.values(state.participants);
		const list = all.filter((p) => !p.removed);
		d = {
			active: list,
			slot: new Map(list.map((p, i) => [p.id, i])),
			connected: list.filter((p) => p.connected).length,
			names: new Set(list.map((p) => nicknameKey(p.nickname))),
			size: all.length
		};
		derived.set(state.participants, d);
	}
	return d;
}

/**
 * A version per participants object, bumped when a change made in place may move ranks (a join,
 * a removal, points). `view.ts` keys its standings on it, so connects and disconnects, which
 * never change a rank, never re-rank the room.
 */
const rankVersions = new WeakMap<RoomState['participants'], number>();

export function rankVersion(state: RoomState): number {
	return rankVersions.get(state.participants) ?? 0;
}

/**
 * Sets one participant. In place when the participants object is owned by this step (the caller
 * handed its state over, see `StepOptions.consume`, or this step made the object); otherwise on
 * a copy, leaving the input untouched. Either way the roster memo moves along, patched.
 */
function putParticipant(state: RoomState, p: Participant, owned?: Owned): RoomState {
	const before = state.participants;
	const prev = ownEntry(before, p.id);
	const inPlace = owned?.has(before) === true;
	const participants = inPlace ? before : { ...before };
	participants[p.id] = p;
	const d = derived.get(before);
	if (!inPlace) {
		derived.delete(before);
		owned?.add(participants);
	}
	if (d && (!prev || prev.removed === p.removed)) {
		if (!prev) {
			d.slot.set(p.id, d.active.length);
			d.active.push(p);
			d.names.add(nicknameKey(p.nickname));
			d.size += 1;
		} else {
			if (prev.nickname !== p.nickname) {
				d.names.delete(nicknameKey(prev.nickname));
				d.names.add(nicknameKey(p.nickname));
			}
			const i = d.slot.get(p.id);
			if (i !== undefined) d.active[i] = p;
		}
		d.connected += (p.connected ? 1 : 0) - (prev?.connected ? 1 : 0);
		derived.set(participants, d);
	} else derived.delete(participants);
	const ranksMove =
		!prev ||
		prev.removed !== p.removed ||
		prev.score !== p.score ||
		prev.correct !== p.correct ||
		prev.nickname !== p.nickname;
	if (inPlace && ranksMove)
		rankVersions.set(participants, (rankVersions.get(participants) ?? 0) + 1);
	return inPlace ? state : roomState(state.core, participants, state.answers, state.upvotes);
}

function active(state: RoomState): Participant[] {
	return roster(state).active;
}

/** Participants not removed, without a scan when the roster is memoised. */
export function activeCount(state: RoomState): number {
	return roster(state).active.length;
}

/** Participants connected and not removed. */
export function connectedCount(state: RoomState): number {
	return roster(state).connected;
}

/** Everyone who ever joined, removed or not. */
export function participantCount(state: RoomState): number {
	return roster(state).size;
}

/** How many answers the current item has, without listing them (necessary for "all answered"). */
function answeredCount(state: RoomState): number {
	const record = state.answers[state.core.current];
	return record ? (answerCounts.get(record) ?? Object.keys(record).length) : 0;
}

/** Connected, not removed, and yet to answer the current item. */
function pending(state: RoomState): Participant[] {
	const answered = state.answers[state.core.current] ?? {};
	return active(state).filter((p) => p.connected && !answered[p.id]);
}

/**
 * Everyone not removed who has yet to answer, connected or not: a student with extra time whose
 * phone blinks off for a second keeps their time.
 */
function unanswered(state: RoomState): Participant[] {
	const answered = state.answers[state.core.current] ?? {};
	return active(state).filter((p) => !answered[p.id]);
}

/** When the open item should close on time; Infinity if someone pending has no limit. */
function closesAt(state: RoomState): number | null {
	if (state.core.deadline === null) return null;
	let latest = state.core.deadline;
	for (const p of unanswered(state)) {
		const d = deadlineFor(state.core, p);
		if (d === null) return Infinity;
		latest = Math.max(latest, d);
	}
	return latest;
}

const ok = (state: RoomState, effects: Effect[] = []): StepResult => ({ ok: true, state, effects });
const fail = (error: RoomError): StepResult => ({ ok: false, error });

/**
 * A room state, always built here with the same fields in the same order. Objects made by
 * spreading take their hidden class from whatever they were spread from, and a new one now and
 * then (a class V8 dropped once no object had it): the room's hot functions, optimised for one
 * class, were thrown away and recompiled a few dozen times a round. Built as one literal, every
 * state shares a class that lives as long as this code.
 */
export function roomState(
	core: Core,
	participants: RoomState['participants'],
	answers: RoomState['answers'],
	upvotes: RoomState['upvotes']
): RoomState {
	return { core, participants, answers, upvotes };
}

/** Every field of T, optional ones too: a literal of this type cannot leave one out. */
type AllFields<T> = { [K in keyof Required<T>]: T[K] };

/** The core with the same fields in the same order every time (see `roomState`). */
export function shapedCore(c: Core): Core {
	const shaped: AllFields<Core> = {
		code: c.code,
		kitSlug: c.kitSlug,
		kitTitle: c.kitTitle,
		createdAt: c.createdAt,
		settings: c.settings,
		items: c.items,
		phase: c.phase,
		current: c.current,
		locked: c.locked,
		openedAt: c.openedAt,
		opened: c.opened,
		deadline: c.deadline,
		pausedAt: c.pausedAt,
		pollRevealed: c.pollRevealed
	};
	return shaped;
}

function withCore(state: RoomState, patch: Partial<Core>): RoomState {
	return roomState(
		shapedCore({ ...state.core, ...patch }),
		state.participants,
		state.answers,
		state.upvotes
	);
}

function schedule(state: RoomState): Effect {
	if (state.core.phase !== 'open' || state.core.pausedAt !== null)
		return { type: 'schedule', at: null };
	const at = closesAt(state);
	return { type: 'schedule', at: at === null || at === Infinity ? null : at };
}

function close(state: RoomState): StepResult {
	const next = withCore(state, { phase: 'closed', pausedAt: null });
	return ok(next, [{ type: 'coreChanged' }, { type: 'schedule', at: null }]);
}

/**
 * After anything that can change who is pending: close on time, or (after an answer or a
 * removal only) when everyone connected has answered. Reconnections never close a question:
 * after a restart the first student back may well have answered already.
 *
 * `inBatch`: an answer inside a batch, which makes one timer decision at its end (see
 * `answers`), so no `schedule` here. Nothing below scans the room unless it must: the latest
 * deadline is looked for only once the base deadline has passed.
 */
function closeIfDone(
	state: RoomState,
	effects: Effect[],
	now: number,
	allAnsweredCloses = false,
	inBatch = false
): StepResult {
	const { core } = state;
	if (core.phase === 'open' && core.pausedAt === null) {
		const everyone =
			allAnsweredCloses &&
			roster(state).connected > 0 &&
			// Cheap necessary condition first; the exact scan runs only for the last answers.
			answeredCount(state) >= roster(state).connected &&
			pending(state).length === 0;
		// No one's time is up before the base deadline (extra time only adds to it).
		const onTime = core.deadline !== null && now >= core.deadline;
		const at = onTime ? closesAt(state) : null;
		if (everyone || (at !== null && now >= at)) {
			const closed = close(state);
			if (closed.ok) return ok(closed.state, [...effects, ...closed.effects]);
		}
	}
	return ok(state, inBatch ? effects : [...effects, schedule(state)]);
}

function openItem(state: RoomState, index: number, now: number): StepResult {
	const item = state.core.items[index];
	if (!item)
		return ok(withCore(state, { phase: 'ended', current: state.core.current }), [
			{ type: 'coreChanged' },
			{ type: 'schedule', at: null }
		]);
	const limit = item.kind === 'question' ? state.core.settings.timeLimit : null;
	const opened = state.core.items.map((_, i) => state.core.opened?.[i] ?? null);
	opened[index] = now;
	const next = withCore(state, {
		phase: 'open',
		current: index,
		openedAt: now,
		opened,
		deadline: limit === null ? null : now + limit * 1000,
		pausedAt: null,
		pollRevealed: false
	});
	return ok(next, [{ type: 'coreChanged' }, schedule(next)]);
}

function reveal(state: RoomState): StepResult {
	const { core } = state;
	const item = core.items[core.current];
	if (!item) return fail('bad_phase');
	if (item.kind === 'poll') {
		return ok(withCore(state, { phase: 'revealed', pollRevealed: true }), [
			{ type: 'coreChanged' }
		]);
	}
	const answers = state.answers[core.current] ?? {};
	const participants = { ...state.participants };
	// Only students whose points, count or streak moved are rewritten; everyone gets a result.
	const changed: string[] = [];
	for (const p of active(state)) {
		const after = credited(p, answers[p.id]);
		if (
			after.score === p.score &&
			after.correct === p.correct &&
			after.streak === p.streak &&
			after.bestStreak === p.bestStreak
		)
			continue;
		participants[p.id] = after;
		changed.push(p.id);
	}
	const next = roomState(
		shapedCore({ ...core, phase: 'revealed' }),
		participants,
		state.answers,
		state.upvotes
	);
	const effects: Effect[] = [{ type: 'coreChanged' }];
	if (changed.length) effects.push({ type: 'participantsChanged', ids: changed });
	effects.push({ type: 'resultsRevealed' });
	return ok(next, effects);
}

function validResponse(item: RoomItem, r: AnyResponse): boolean {
	if (item.kind === 'question') {
		const q = item.question;
		if (r.type !== q.type) return false;
		switch (r.type) {
			case 'single':
				return q.type === 'single' && r.choice >= 0 && r.choice < q.choices.length;
			case 'multiple':
				return (
					q.type === 'multiple' &&
					r.choices.length > 0 &&
					new Set(r.choices).size === r.choices.length &&
					r.choices.every((c) => c >= 0 && c < q.choices.length)
				);
			case 'ordering':
				return (
					q.type === 'ordering' &&
					r.order.length === q.items.length &&
					new Set(r.order).size === r.order.length &&
					r.order.every((i) => i >= 0 && i < q.items.length)
				);
			case 'short':
				return q.type === 'short' && r.text.trim().length > 0 && r.text.length <= q.maxLength;
			default:
				return true;
		}
	}
	const p = item.poll;
	const type = p.type === 'pair' ? 'scale' : p.type;
	if (r.type !== type) return false;
	if (r.type === 'choice' && p.type === 'choice') {
		return (
			r.choices.length >= 1 &&
			(p.multiple || r.choices.length === 1) &&
			new Set(r.choices).size === r.choices.length &&
			r.choices.every((c) => c >= 0 && c < p.options.length)
		);
	}
	if (r.type === 'open' && p.type === 'open')
		return r.text.trim().length > 0 && r.text.length <= p.maxLength;
	if (
		(r.type === 'wordcloud' && p.type === 'wordcloud') ||
		(r.type === 'writing' && p.type === 'writing')
	)
		return r.text.trim().length > 0 && r.text.length <= p.maxLength;
	return r.type === 'scale';
}

/** The item an answer is for, if the response fits it; otherwise the refusal. */
function checkedItem(core: Core, cmd: Extract<Command, { type: 'answer' }>): RoomItem | RoomError {
	const item = core.items[cmd.item];
	if (!item) return 'wrong_item';
	if (item.kind === 'question' && cmd.response.type !== item.question.type) return 'wrong_type';
	if (!validResponse(item, cmd.response)) return 'invalid_response';
	return item;
}

/** The stored answer: graded (in the kit's order) for a question, as given for a poll. */
function makeEntry(
	state: RoomState,
	p: Participant,
	cmd: Extract<Command, { type: 'answer' }>,
	item: RoomItem,
	now: number,
	timing: Parameters<typeof points>[0]
): Answer {
	if (item.kind === 'question') {
		let response = cmd.response;
		// Students answer in displayed order; grade in the kit's order.
		if (response.type === 'ordering' && item.perm) {
			const perm = item.perm;
			response = { type: 'ordering', order: response.order.map((d) => perm[d] ?? -1) };
		}
		const g = grade(item.question, response as Parameters<typeof grade>[1]);
		const earned = points({ ...timing, credit: g.credit });
		return {
			participantId: p.id,
			item: cmd.item,
			response,
			at: now,
			credit: g.credit,
			points: earned
		};
	}
	const entry: Answer = {
		participantId: p.id,
		item: cmd.item,
		response: cmd.response,
		at: now,
		credit: null,
		points: 0
	};
	if (cmd.response.type === 'open') {
		entry.status = 'pending';
		// Never derived from the participant id: response ids reach other students.
		entry.responseId =
			cmd.responseId ?? `${cmd.item}-${Object.keys(state.answers[cmd.item] ?? {}).length + 1}`;
	}
	return entry;
}

/** A participant after one graded answer counts: points, correct count and streak. */
function credited(p: Participant, a: Answer | undefined): Participant {
	const right = a?.credit === 1;
	const streak = right ? p.streak + 1 : 0;
	return participantWith(p, {
		score: p.score + (a?.points ?? 0),
		correct: p.correct + (right ? 1 : 0),
		streak,
		bestStreak: Math.max(p.bestStreak, streak)
	});
}

/**
 * A changed participant, with the fields always in one order (see `roomState`). No field of a
 * participant is ever null or undefined, so `??` picks the patch's value where it has one; no
 * spread copy either (this runs for every student at each reveal).
 */
export function participantWith(p: Participant, patch: Partial<Participant>): Participant {
	const shaped: AllFields<Participant> = {
		id: patch.id ?? p.id,
		nickname: patch.nickname ?? p.nickname,
		joinedAt: patch.joinedAt ?? p.joinedAt,
		extraTime: patch.extraTime ?? p.extraTime,
		removed: patch.removed ?? p.removed,
		connected: patch.connected ?? p.connected,
		score: patch.score ?? p.score,
		correct: patch.correct ?? p.correct,
		streak: patch.streak ?? p.streak,
		bestStreak: patch.bestStreak ?? p.bestStreak,
		progress: patch.progress ?? p.progress
	};
	return shaped;
}

/**
 * Records made by the current step, which no earlier state has seen: safe to append to in place.
 * A burst of answers then copies an item's record once per batch instead of once per answer.
 */
/** Objects this step may change in place. */
interface Owned {
	has(o: object): boolean;
	add(o: object): Owned;
}
/** The caller handed its state over: every object in it, and every one made here, is ours. */
const EVERYTHING: Owned = { has: () => true, add: () => EVERYTHING };

/** Answers per item record; kept in step with in-place appends to owned records. */
const answerCounts = new WeakMap<object, number>();

function withAnswer(state: RoomState, entry: Answer, owned?: Owned): RoomState {
	const prev = state.answers[entry.item];
	const count = (prev ? (answerCounts.get(prev) ?? Object.keys(prev).length) : 0) + 1;
	if (prev && owned?.has(prev) && owned.has(state.answers)) {
		prev[entry.participantId] = entry;
		answerCounts.set(prev, count);
		return state;
	}
	const record = { ...prev, [entry.participantId]: entry };
	const answers = { ...state.answers, [entry.item]: record };
	answerCounts.set(record, count);
	owned?.add(record).add(answers);
	return roomState(state.core, state.participants, answers, state.upvotes);
}

function answers(state: RoomState, list: AnswerCommand[], now: number, owned: Owned): StepResult {
	const effects: Effect[] = [];
	const phase = state.core.phase;
	let current = state;
	// One timer decision for the whole batch, and only if an answer can move the close: the
	// timer stands at the latest deadline among those yet to answer, so only an answer from
	// someone with more time than the base deadline (extra time, untimed) can bring it forward.
	let retime = false;
	list.forEach((cmd, seq) => {
		const r = answer(current, cmd, now, owned, true);
		if (!r.ok) return void effects.push({ type: 'answerRefused', seq, error: r.error });
		current = r.state;
		for (const e of r.effects) {
			if (e.type === 'answerRecorded') {
				effects.push({ type: 'answerRecorded', answer: e.answer, seq });
				retime ||= extendsClose(current, e.answer.participantId);
			} else if (e.type !== 'schedule') effects.push(e);
		}
	});
	if (retime || current.core.phase !== phase) effects.push(schedule(current));
	return ok(current, effects);
}

/** Whether this student's own deadline lies past the base one (so their answer can move the close). */
function extendsClose(state: RoomState, id: string): boolean {
	const { core } = state;
	if (core.deadline === null || isHomework(core)) return false;
	return (ownEntry(state.participants, id)?.extraTime ?? 1) !== 1;
}

function answer(
	state: RoomState,
	cmd: AnswerCommand,
	now: number,
	owned?: Owned,
	inBatch = false
): StepResult {
	const { core } = state;
	const p = ownEntry(state.participants, cmd.participantId);
	if (!p) return fail('not_participant');
	if (p.removed) return fail('removed');
	if (isHomework(core)) return homeworkAnswer(state, p, cmd, now, owned);
	if (cmd.item !== core.current) return fail('wrong_item');
	if (state.answers[cmd.item]?.[p.id]) return fail('already_answered');
	if (core.phase !== 'open') return fail('question_closed');
	if (core.pausedAt !== null) return fail('paused');
	const own = deadlineFor(core, p);
	if (own !== null && now > own) return fail('time_up');
	const checked = checkedItem(core, cmd);
	if (typeof checked === 'string') return fail(checked);
	const openedAt = core.openedAt ?? now;
	const entry = makeEntry(state, p, cmd, checked, now, {
		credit: 0,
		elapsedMs: own === null ? null : now - openedAt,
		allowedMs: own === null ? null : own - openedAt,
		speedScoring: core.settings.speedScoring
	});
	return closeIfDone(
		withAnswer(state, entry, owned),
		[{ type: 'answerRecorded', answer: entry }],
		now,
		true,
		inBatch
	);
}

/**
 * Homework: each student answers the item they are on; the reveal for that student is their own
 * feedback, so points and counts move at once. No speed scoring, no class-wide close.
 */
function homeworkAnswer(
	state: RoomState,
	p: Participant,
	cmd: Extract<Command, { type: 'answer' }>,
	now: number,
	owned?: Owned
): StepResult {
	const { core } = state;
	if (core.phase !== 'open') return fail(core.phase === 'lobby' ? 'bad_phase' : 'question_closed');
	const due = core.settings.deadline ?? null;
	if (due !== null && now > due) return fail('time_up');
	if (cmd.item !== p.progress) return fail('wrong_item');
	if (state.answers[cmd.item]?.[p.id]) return fail('already_answered');
	const checked = checkedItem(core, cmd);
	if (typeof checked === 'string') return fail(checked);
	const entry = makeEntry(state, p, cmd, checked, now, {
		credit: 0,
		elapsedMs: null,
		allowedMs: null,
		speedScoring: false
	});
	const participant = entry.credit === null ? p : credited(p, entry);
	const effects: Effect[] = [{ type: 'answerRecorded', answer: entry }];
	return ok(setParticipant(withAnswer(state, entry, owned), participant, effects, owned), effects);
}

function findResponse(state: RoomState, responseId: string): Answer | undefined {
	for (const byPid of Object.values(state.answers)) {
		for (const a of Object.values(byPid)) if (a.responseId === responseId) return a;
	}
	return undefined;
}

function setParticipant(
	state: RoomState,
	p: Participant,
	effects: Effect[],
	owned: Owned | undefined,
	presence = false
): RoomState {
	effects.push(
		presence
			? { type: 'participantsChanged', ids: [p.id], presence }
			: { type: 'participantsChanged', ids: [p.id] }
	);
	return putParticipant(state, p, owned);
}

/**
 * Removes students, all or none: an id that is not a participant refuses the whole list (ids
 * come from the wire, so only own properties count). Someone removed already is left as is; a
 * removal that removes nobody changes nothing and writes nothing.
 */
function removeAll(state: RoomState, ids: string[], now: number, owned: Owned): StepResult {
	const targets: Participant[] = [];
	for (const id of new Set(ids)) {
		const p = ownEntry(state.participants, id);
		if (!p) return fail('not_participant');
		if (!p.removed) targets.push(p);
	}
	if (targets.length === 0) return ok(state);
	const effects: Effect[] = [];
	let next = state;
	for (const p of targets)
		next = putParticipant(next, participantWith(p, { removed: true, connected: false }), owned);
	effects.push({ type: 'participantsChanged', ids: targets.map((p) => p.id) });
	return closeIfDone(next, effects, now, true);
}

/**
 * What this step may change in place: nothing it was given, unless the caller hands the state
 * over (`consume`); then the participants object and every answers record.
 */
function ownedBy(consume: boolean): Owned {
	return consume ? EVERYTHING : new Set<object>();
}

export interface StepOptions {
	/**
	 * The caller hands the input state over and will never read it again (the live hub, which
	 * keeps only the latest state). Answers may then be appended to the open item's record, and
	 * participants set, in place instead of on copies that grow with the room. Without this flag
	 * `step` never touches its input.
	 */
	consume?: boolean;
}

export function step(
	state: RoomState,
	cmd: Command,
	now: number,
	opts: StepOptions = {}
): StepResult {
	const { core } = state;
	if (core.phase === 'ended' && cmd.type !== 'connect' && cmd.type !== 'disconnect')
		return fail('room_ended');
	if (isHomework(core) && TEACHER_PACED.has(cmd.type)) return fail('bad_phase');
	const owned = ownedBy(opts.consume === true);
	switch (cmd.type) {
		case 'join': {
			if (core.locked) return fail('room_locked');
			// Ids are the transport's to mint; a known id must never reset someone's points.
			if (ownEntry(state.participants, cmd.participantId)) return fail('bad_phase');
			if (roster(state).names.has(nicknameKey(cmd.nickname))) return fail('nickname_taken');
			const participant: Participant = {
				id: cmd.participantId,
				nickname: cmd.nickname,
				joinedAt: now,
				extraTime: 1,
				removed: false,
				connected: true,
				score: 0,
				correct: 0,
				streak: 0,
				bestStreak: 0,
				progress: 0
			};
			const next = putParticipant(state, participant, owned);
			return ok(next, [{ type: 'participantJoined', participant }, schedule(next)]);
		}
		case 'connect':
		case 'disconnect': {
			const p = ownEntry(state.participants, cmd.participantId);
			if (!p) return fail('not_participant');
			if (p.removed) return fail('removed');
			const connected = cmd.type === 'connect';
			if (p.connected === connected) return ok(state);
			const effects: Effect[] = [];
			const next = setParticipant(state, participantWith(p, { connected }), effects, owned, true);
			return core.phase === 'ended' ? ok(next, effects) : closeIfDone(next, effects, now);
		}
		case 'answer':
			return answer(state, cmd, now, owned);
		case 'answers':
			return answers(state, cmd.list, now, owned);
		case 'upvote': {
			const voter = ownEntry(state.participants, cmd.participantId);
			if (!voter || voter.removed) return fail('not_participant');
			// Only the open discussion's responses can be upvoted; a scan of that item alone.
			const target = Object.values(state.answers[core.current] ?? {}).find(
				(a) => a.responseId === cmd.responseId
			);
			if (!target || target.status === 'hidden' || target.status === 'pending')
				return fail('not_found');
			if (target.participantId === voter.id) return fail('own_response');
			const voters = ownEntry(state.upvotes, cmd.responseId) ?? [];
			if (voters.includes(voter.id)) return fail('already_upvoted');
			const next = roomState(state.core, state.participants, state.answers, {
				...state.upvotes,
				[cmd.responseId]: [...voters, voter.id]
			});
			return ok(next, [{ type: 'upvoted', responseId: cmd.responseId, voterId: voter.id }]);
		}
		case 'start':
			if (core.phase !== 'lobby') return fail('bad_phase');
			if (isHomework(core)) {
				const next = withCore(state, { phase: 'open', current: 0, openedAt: now });
				return ok(next, [
					{ type: 'coreChanged' },
					{ type: 'schedule', at: core.settings.deadline ?? null }
				]);
			}
			return openItem(state, 0, now);
		case 'advance': {
			const p = ownEntry(state.participants, cmd.participantId);
			if (!p || p.removed) return fail('not_participant');
			if (!isHomework(core) || core.phase !== 'open') return fail('bad_phase');
			if (p.progress >= core.items.length) return fail('wrong_item');
			if (!state.answers[p.progress]?.[p.id]) return fail('invalid_response');
			const effects: Effect[] = [];
			return ok(
				setParticipant(state, participantWith(p, { progress: p.progress + 1 }), effects, owned),
				effects
			);
		}
		case 'lock':
			// A command that only repeats the current state writes nothing (a double click, a flood).
			if (core.locked === cmd.locked) return ok(state);
			return ok(withCore(state, { locked: cmd.locked }), [{ type: 'coreChanged' }]);
		case 'sound':
			if (Boolean(core.settings.sound) === cmd.on) return ok(state);
			return ok(withCore(state, { settings: { ...core.settings, sound: cmd.on } }), [
				{ type: 'coreChanged' }
			]);
		case 'remove':
			return removeAll(state, [cmd.participantId], now, owned);
		case 'removeMany':
			return removeAll(state, cmd.participantIds, now, owned);
		case 'removeRecent': {
			const since = now - cmd.seconds * 1000;
			const ids = active(state)
				.filter((p) => p.joinedAt >= since)
				.map((p) => p.id);
			return removeAll(state, ids, now, owned);
		}
		case 'joinCheck':
			if (Boolean(core.settings.joinCheck) === cmd.on) return ok(state);
			return ok(withCore(state, { settings: { ...core.settings, joinCheck: cmd.on } }), [
				{ type: 'coreChanged' }
			]);
		case 'extraTime': {
			const p = ownEntry(state.participants, cmd.participantId);
			if (!p || p.removed) return fail('not_participant');
			if (p.extraTime === cmd.extraTime) return ok(state);
			const effects: Effect[] = [];
			return closeIfDone(
				setParticipant(
					state,
					participantWith(p, { extraTime: cmd.extraTime as ExtraTime }),
					effects,
					owned
				),
				effects,
				now
			);
		}
		case 'close':
			if (core.phase !== 'open') return fail('bad_phase');
			return close(state);
		case 'extend': {
			if (core.phase !== 'open' || core.deadline === null) return fail('bad_phase');
			const next = withCore(state, { deadline: core.deadline + cmd.seconds * 1000 });
			return ok(next, [{ type: 'coreChanged' }, schedule(next)]);
		}
		case 'pause':
			if (core.phase !== 'open') return fail('bad_phase');
			if (core.pausedAt !== null) return ok(state);
			return ok(withCore(state, { pausedAt: now }), [
				{ type: 'coreChanged' },
				{ type: 'schedule', at: null }
			]);
		case 'resume': {
			if (core.phase !== 'open') return fail('bad_phase');
			if (core.pausedAt === null) return ok(state);
			const shift = now - core.pausedAt;
			const next = withCore(state, {
				pausedAt: null,
				openedAt: (core.openedAt ?? now) + shift,
				deadline: core.deadline === null ? null : core.deadline + shift
			});
			return closeIfDone(next, [{ type: 'coreChanged' }], now);
		}
		case 'reveal':
			if (core.phase !== 'closed') return fail('bad_phase');
			return reveal(state);
		case 'leaderboard':
			if (core.phase !== 'revealed') return fail('bad_phase');
			return ok(withCore(state, { phase: 'leaderboard' }), [{ type: 'coreChanged' }]);
		case 'next': {
			const item = core.items[core.current];
			const canAdvance =
				core.phase === 'revealed' ||
				core.phase === 'leaderboard' ||
				(core.phase === 'closed' && item?.kind === 'poll');
			if (!canAdvance) return fail('bad_phase');
			return openItem(state, core.current + 1, now);
		}
		case 'end':
			return ok(withCore(state, { phase: 'ended', pausedAt: null }), [
				{ type: 'coreChanged' },
				{ type: 'schedule', at: null }
			]);
		case 'moderate': {
			const target = findResponse(state, cmd.responseId);
			if (!target || target.responseId === undefined) return fail('not_found');
			if (target.status === cmd.status) return ok(state);
			const updated: Answer = { ...target, status: cmd.status };
			const answers = {
				...state.answers,
				[target.item]: { ...state.answers[target.item], [target.participantId]: updated }
			};
			return ok(roomState(state.core, state.participants, answers, state.upvotes), [
				{
					type: 'moderated',
					item: target.item,
					responseId: cmd.responseId,
					participantId: target.participantId,
					status: cmd.status
				}
			]);
		}
		case 'tick':
			if (core.phase !== 'open') return ok(state);
			if (isHomework(core)) {
				const due = core.settings.deadline ?? null;
				if (due !== null && now >= due)
					return ok(withCore(state, { phase: 'ended' }), [
						{ type: 'coreChanged' },
						{ type: 'schedule', at: null }
					]);
				return ok(state, [{ type: 'schedule', at: due }]);
			}
			return closeIfDone(state, [], now);
	}
}
