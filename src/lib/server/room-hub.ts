/**
 * Live rooms in this process: loads a room from the database on first use, runs commands
 * through the pure machine, stores the effects *before* the caller acks, keeps the close timer,
 * and pushes views to the right Socket.IO rooms.
 *
 * What keeps a lecture hall responsive: an answer is applied at once and stored through the
 * answer log, with no commit of its own (`answer`); joins, reconnects and disconnects wait for
 * the end of the current event-loop turn and are written together (`submit`); sends to students
 * go out in order through one outbox per room, in slices when the room is large (`toStudents`).
 *
 * Socket.IO rooms per session code: `<code>:s` (students), `<code>:h` (host), `<code>:v`
 * (projector), `<code>:p:<participantId>` (one student's tabs). Nothing is ever emitted to all
 * sockets.
 */
import type { Server } from 'socket.io';
import { activeCount, isHomework, participantWith, roomState, step } from '../room/machine';
import type { Answer, AnswerCommand, Command, Effect, RoomError, RoomState } from '../room/types';
import {
	hostView,
	myView,
	publicView,
	rosterRows,
	screenView,
	standings,
	type MyView
} from '../room/view';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol';
import {
	done,
	FencedError,
	now,
	type Maybe,
	type Repository,
	type StoredSession,
	type Write
} from './repository';
import { log } from './log';
import { ownEntry } from '../room/own';

type IO = Server<ClientToServerEvents, ServerToClientEvents>;
/** Extra writes for a command, in its transaction (e.g. a joiner's row with its hashed token). */
type PersistExtra = (state: RoomState) => Write[];
interface Queued {
	cmd: Command;
	persistExtra?: PersistExtra;
	resolve: (r: Outcome) => void;
}
export type Outcome =
	{ ok: true; effects: Effect[] } | { ok: false; error: RoomError | 'internal' | 'moved' };

export interface LiveRoom {
	state: RoomState;
	hostTokenHash: string;
	timer: ReturnType<typeof setTimeout> | null;
	/** Throttle for host and projector updates while answers arrive. */
	pending: ReturnType<typeof setTimeout> | null;
	/** After a restart: when to mark students who have not come back as away. */
	grace: ReturnType<typeof setTimeout> | null;
	/** An ended room leaves memory after a while; the database keeps it. */
	evict: ReturnType<typeof setTimeout> | null;
	studentsDirty: boolean;
	/** Students whose roster row changed since the teacher's controls last heard. */
	rosterDirty: Set<string>;
	/**
	 * Students who answered since then, and which item: during a question nearly every change is
	 * this one, so it travels as ids (`host:answered`), not as whole rows.
	 */
	answeredDirty: Map<string, number>;
	/** Sends to students not yet made, in order (see `toStudents`), and the turn that drains them. */
	outbox: (() => void)[];
	draining: ReturnType<typeof setImmediate> | null;
	/** Sends ever queued and ever made from the outbox; `settled` waits on these. */
	queued: number;
	sent: number;
	settledWaiters: { until: number; resolve: () => void }[];
	/** Scaled mode: the lease epoch this process holds the room at; every write carries it. */
	epoch?: number;
	/**
	 * PostgreSQL: a commit is on its way. Nothing is stepped meanwhile: what arrives waits in
	 * `tasks` and goes in the next commit together (a group commit per room), so the room in
	 * memory is never ahead of what is stored by more than the batch in flight, and nothing
	 * stepped in that batch is sent or read before it is committed. SQLite never sets these.
	 */
	inflight: boolean;
	tasks: Task[];
	/** A write failed: the room is leaving memory, and nothing stepped on it may be stored. */
	failed: boolean;
}

/**
 * Scaled mode: who may run a room. The hub takes a room's lease before loading it and gives it
 * up when the room leaves memory (`cluster.ts`).
 */
export interface HubLeases {
	/** The epoch this process now holds the room at, or null when another process holds it. */
	take(code: string): Promise<number | null>;
	release(code: string, epoch: number): void;
}

/** The room is run by another process: ask it (`cluster.ts` forwards). */
export class NotOwnerError extends Error {
	constructor(readonly code: string) {
		super(`room ${code} is run by another process`);
		this.name = 'NotOwnerError';
	}
}

export const rooms = {
	students: (code: string) => `${code}:s`,
	host: (code: string) => `${code}:h`,
	screen: (code: string) => `${code}:v`,
	participant: (code: string, id: string) => `${code}:p:${id}`
};

const THROTTLE_MS = 250;
/** A lecture hall's roster is large: its teacher gets the live picture once a second instead. */
const LARGE_ROOM = 300;
const LARGE_THROTTLE_MS = 1000;
const RESTORE_GRACE_MS = 30_000;
const EVICT_ENDED_MS = 10 * 60_000;
/** setTimeout's ceiling; a later deadline re-arms on the way (each tick schedules the next). */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** The time one turn of the event loop may spend on a spread-out send to students. */
const SLICE_BUDGET_MS = 1;
/**
 * Outside an open question no answer from the room waits on its sends: slices and turns this
 * many times larger deliver a reveal sooner, and still let other rooms in between.
 */
const QUIET_FACTOR = 4;

/** When sends to students are spread over turns of the event loop, and in slices of how many. */
export interface Spread {
	/** Rooms with more students than this spread their sends. */
	above: number;
	/** Students per slice. */
	slice: number;
}
const SPREAD: Spread = { above: 200, slice: 64 };

/** The answers among a step's writes. */
function answersIn(writes: Write[]): Answer[] {
	const out: Answer[] = [];
	for (const w of writes) if (w.type === 'answer') out.push(w.answer);
	return out;
}

/** Work for a room whose store answers later (PostgreSQL): see `LiveRoom.tasks` and `pump`. */
type Task =
	| {
			kind: 'step';
			list: { cmd: Command; persistExtra?: PersistExtra }[];
			resolve: (r: Outcome[]) => void;
			reject: (e: unknown) => void;
	  }
	| { kind: 'read'; run: () => void };

/** Scaled mode: students' own views per message between processes (see `meEverywhere`). */
const ME_BATCH = 500;
export const ME_BATCH_EVENT = 'quorum:me';

/** Sends each view of a batch to that student's tabs held by this process. */
export function deliverMe(io: IO, code: string, batch: [string, MyView][]) {
	for (const [id, me] of batch) {
		const room = rooms.participant(code, id);
		if (io.sockets.adapter.rooms.get(room)?.size) io.local.to(room).emit('me:updated', me);
	}
}

export class RoomHub {
	private live = new Map<string, LiveRoom>();
	private loading = new Map<string, Promise<LiveRoom | null>>();
	private queues = new Map<string, Queued[]>();
	/**
	 * Scaled mode: sockets live in several processes, so "who is in this Socket.IO room" is not a
	 * local question; sends go through the adapter to every process, never in local slices.
	 */
	readonly distributed: boolean;
	/** SQLite: every write is done when the call returns; nothing here ever waits. */
	private readonly sync: boolean;

	constructor(
		private io: IO,
		private repo: Repository,
		private clock: () => number = Date.now,
		private spread: Spread = SPREAD,
		private leases?: HubLeases,
		distributed = false
	) {
		this.distributed = distributed;
		this.sync = repo.kind === 'sqlite';
		// Batches of students' own views from the process that runs their room.
		if (this.distributed)
			(io.on as (e: string, h: (code: string, batch: [string, MyView][]) => void) => void)(
				ME_BATCH_EVENT,
				(code, batch) => {
					if (typeof code === 'string' && Array.isArray(batch)) deliverMe(io, code, batch);
				}
			);
	}

	/** A room in memory, if this process runs it now. */
	cached(code: string): LiveRoom | undefined {
		return this.live.get(code);
	}

	/**
	 * The room, from memory or loaded. In scaled mode its lease is taken first (`NotOwnerError`
	 * when another process holds it). SQLite answers at once, so the embedded mode never waits.
	 */
	room(code: string): Maybe<LiveRoom | null> {
		const cached = this.live.get(code);
		if (cached) return cached;
		const loading = this.loading.get(code);
		if (loading) return loading;
		if (!this.leases) {
			const stored = this.repo.loadSession(code);
			if (!(stored instanceof Promise)) return stored ? this.install(code, stored) : null;
		}
		const leases = this.leases;
		const load = (async () => {
			// No such session: nothing to lease (a mistyped code is `no_room`, not an error).
			if (leases && !(await this.repo.codeExists(code))) return null;
			const epoch = leases ? await leases.take(code) : undefined;
			if (epoch === null) throw new NotOwnerError(code);
			try {
				const stored = await this.repo.loadSession(code);
				if (stored) return this.install(code, stored, epoch);
			} catch (e) {
				if (leases && epoch !== undefined) leases.release(code, epoch);
				throw e;
			}
			if (leases && epoch !== undefined) leases.release(code, epoch);
			return null;
		})().finally(() => this.loading.delete(code));
		this.loading.set(code, load);
		return load;
	}

	/** The room now, for the embedded mode and its tests (a synchronous store). */
	get(code: string): LiveRoom | null {
		const room = this.room(code);
		if (room instanceof Promise) throw new Error('get() needs a synchronous store; use room()');
		return room;
	}

	private install(code: string, stored: StoredSession, epoch?: number): LiveRoom {
		const room: LiveRoom = {
			state: stored.state,
			hostTokenHash: stored.hostTokenHash,
			timer: null,
			pending: null,
			grace: null,
			evict: null,
			studentsDirty: false,
			rosterDirty: new Set(),
			answeredDirty: new Map(),
			outbox: [],
			draining: null,
			queued: 0,
			sent: 0,
			settledWaiters: [],
			epoch,
			inflight: false,
			tasks: [],
			failed: false
		};
		// Everyone still in the room is presumed on their way back after a restart, so the first
		// student to return and answer does not close the question on the rest; whoever has not
		// reconnected after the grace period is marked away.
		const participants = { ...room.state.participants };
		for (const [id, p] of Object.entries(participants))
			if (!p.removed) participants[id] = participantWith(p, { connected: true });
		const { core, answers, upvotes } = room.state;
		room.state = roomState(core, participants, answers, upvotes);
		room.grace = setTimeout(() => this.sweepAway(code, room), RESTORE_GRACE_MS);
		this.live.set(code, room);
		// Taken over from a process that died: it may have stored a change it never got to send.
		// Everyone hears the room as stored now.
		if (this.distributed) this.broadcast(code, room, true);
		// A room restored mid-question re-arms its timer (or closes if time ran out while down).
		if (room.state.core.phase === 'open')
			this.background(code, () => this.run(code, { type: 'tick' }));
		return room;
	}

	/** Runs work nobody waits on (a timer, a sweep): a failure is logged, never thrown. */
	private background(code: string, work: () => Maybe<unknown>) {
		try {
			const r = work();
			if (r instanceof Promise)
				r.catch((e: unknown) => log.error({ code, err: e }, 'background room work failed'));
		} catch (e) {
			log.error({ code, err: e }, 'background room work failed');
		}
	}

	private sweepAway(code: string, room: LiveRoom) {
		room.grace = null;
		if (this.distributed) {
			// Who is connected is known across processes only by asking them all.
			this.background(code, async () => {
				const sockets = await this.io.in(rooms.students(code)).fetchSockets();
				const here = new Set(
					sockets.map((s) => (s.data as { participantId?: string }).participantId)
				);
				for (const p of Object.values(room.state.participants))
					if (p.connected && !p.removed && !here.has(p.id) && this.live.get(code) === room)
						await this.run(code, { type: 'disconnect', participantId: p.id });
			});
			return;
		}
		for (const p of Object.values(room.state.participants)) {
			const sockets = this.io.sockets.adapter.rooms.get(rooms.participant(code, p.id));
			if (p.connected && !p.removed && !sockets?.size)
				this.background(code, () => this.run(code, { type: 'disconnect', participantId: p.id }));
		}
	}

	/** Rooms loaded at start: those mid-question or mid-homework, so their timers fire. */
	async resumeOpen() {
		// Scaled mode: the cluster takes orphaned rooms (`cluster.ts`), one process each.
		if (this.leases) return;
		for (const code of await this.repo.openCodes()) this.background(code, () => this.room(code));
	}

	/**
	 * Scaled mode: the lease held at `epoch` was lost (another process took the room): forget it,
	 * write nothing. A room loaded again since, at a newer epoch, stays.
	 */
	drop(code: string, epoch?: number) {
		const room = this.live.get(code);
		if (!room || (epoch !== undefined && room.epoch !== epoch)) return;
		room.failed = true;
		this.clear(room);
		this.live.delete(code);
		this.abandon(room, new NotOwnerError(code));
	}

	/** Work that waited for a room that left memory: refused (the router sends it on, or says so). */
	private abandon(room: LiveRoom, e: unknown) {
		for (const t of room.tasks.splice(0)) if (t.kind === 'step') t.reject(e);
	}

	/** Rooms this process runs now, with their epochs (scaled mode: the leases to renew). */
	held(): { code: string; epoch: number }[] {
		const out: { code: string; epoch: number }[] = [];
		for (const [code, room] of this.live)
			if (room.epoch !== undefined) out.push({ code, epoch: room.epoch });
		return out;
	}

	/**
	 * Applies a command: step, persist, commit, schedule, broadcast. Returns the machine's
	 * refusal, or the effects. `persistExtra` adds writes to the same transaction.
	 */
	run(code: string, cmd: Command, persistExtra?: PersistExtra): Maybe<Outcome> {
		return done(
			this.runMany(code, [{ cmd, persistExtra }]),
			(r) => r[0] ?? { ok: false, error: 'bad_phase' }
		);
	}

	/**
	 * Applies commands in order, all in one transaction, then reacts once. A refused command
	 * leaves the others alone. The machine changes the room in place (the hub keeps only the
	 * latest state), so a join, a reconnect or an answer costs the same in a room of 30 or of
	 * 2,000; if the transaction fails, nothing was written and the room is reloaded from disk.
	 */
	private runMany(
		code: string,
		list: { cmd: Command; persistExtra?: PersistExtra }[]
	): Maybe<Outcome[]> {
		// A room that left memory (ended and evicted, or dropped after a failed command) is loaded
		// again: a failure never leaves the controls answering `bad_phase`.
		return done(this.live.get(code) ?? this.reload(code), (room) => {
			if (!room) return list.map((): Outcome => ({ ok: false, error: 'bad_phase' }));
			if (!this.sync) return this.enqueue(code, room, list);
			const now = this.clock();
			const results: Outcome[] = [];
			const effects: Effect[] = [];
			const writes: Write[] = [];
			let state = room.state;
			try {
				for (const { cmd, persistExtra } of list) {
					const r = step(state, cmd, now, { consume: true });
					results.push(r.ok ? { ok: true, effects: r.effects } : r);
					if (!r.ok) continue;
					state = r.state;
					if (persistExtra) writes.push(...persistExtra(state));
					this.writesOf(state, r.effects, writes);
					effects.push(...r.effects);
				}
			} catch (e) {
				this.evict(code, room);
				throw e;
			}
			room.state = state;
			this.store(code, room, writes);
			this.reactSafely(code, room, effects);
			return results;
		});
	}

	/** Written already: the commands stand, whatever fails in telling people about them. */
	private reactSafely(code: string, room: LiveRoom, effects: Effect[]) {
		if (this.live.get(code) !== room) return;
		try {
			this.react(code, room, effects);
		} catch (e) {
			log.error({ code, err: e }, 'sending after a commit failed');
		}
	}

	/**
	 * Stores a room's writes before anyone is told (SQLite: at once; answers alone through the
	 * answer log). A failed write takes the room out of memory: it is reloaded from what was.
	 */
	private store(code: string, room: LiveRoom, writes: Write[], answersOnly = false): void {
		if (!writes.length) return;
		try {
			if (answersOnly) now(this.repo.logAnswers(code, answersIn(writes)));
			else now(this.repo.commit(code, writes));
		} catch (e) {
			this.fail(code, room, e);
			throw e;
		}
	}

	/** PostgreSQL: the commands wait their turn (see `LiveRoom.tasks`); resolved once committed. */
	private enqueue(
		code: string,
		room: LiveRoom,
		list: { cmd: Command; persistExtra?: PersistExtra }[]
	): Promise<Outcome[]> {
		if (room.failed) return Promise.reject(new Error(`room ${code} is being reloaded`));
		return new Promise((resolve, reject) => {
			room.tasks.push({ kind: 'step', list, resolve, reject });
			this.pump(code, room);
		});
	}

	/**
	 * Runs `fn` on the room as stored: at once when nothing is on its way to the store (always,
	 * on SQLite), else once the commit in flight has landed. Replies that show the room (a join,
	 * the teacher's attach, an answer's ack) are made here, never from a state not yet stored.
	 */
	read<T>(code: string, fn: (room: LiveRoom) => T): Maybe<T | null> {
		return done(this.live.get(code) ?? this.reload(code), (room): Maybe<T | null> => {
			if (!room) return null;
			if (!room.inflight) return fn(room);
			return new Promise<T>((resolve, reject) =>
				room.tasks.push({
					kind: 'read',
					run: () => {
						try {
							resolve(fn(room));
						} catch (e) {
							reject(e);
						}
					}
				})
			);
		});
	}

	/**
	 * PostgreSQL: while no commit is in flight, runs what waits: reads first, then every queued
	 * command up to the next read, stepped together and committed in one transaction. When it
	 * lands, the changes are sent, the callers answered, and the next turn taken.
	 */
	private pump(code: string, room: LiveRoom) {
		while (!room.inflight && room.tasks.length && this.live.get(code) === room) {
			const first = room.tasks[0]!;
			if (first.kind === 'read') {
				room.tasks.shift();
				first.run();
				continue;
			}
			const batch: Extract<Task, { kind: 'step' }>[] = [];
			while (room.tasks[0]?.kind === 'step') batch.push(room.tasks.shift() as (typeof batch)[0]);
			const now = this.clock();
			const results: Outcome[][] = [];
			const effects: Effect[] = [];
			const writes: Write[] = [];
			let state = room.state;
			try {
				for (const task of batch) {
					const out: Outcome[] = [];
					for (const { cmd, persistExtra } of task.list) {
						const r = step(state, cmd, now, { consume: true });
						if (!r.ok) {
							out.push(r);
							continue;
						}
						// An answer the machine refused changed nothing.
						const refused = r.effects.find((e) => e.type === 'answerRefused');
						if (refused?.type === 'answerRefused') {
							out.push({ ok: false, error: refused.error });
							continue;
						}
						state = r.state;
						if (persistExtra) writes.push(...persistExtra(state));
						this.writesOf(state, r.effects, writes);
						effects.push(...r.effects);
						out.push({ ok: true, effects: r.effects });
					}
					results.push(out);
				}
			} catch (e) {
				this.fail(code, room, e);
				for (const t of batch) t.reject(e);
				return;
			}
			room.state = state;
			const answer = () => batch.forEach((t, i) => t.resolve(results[i] ?? []));
			if (!writes.length) {
				this.reactSafely(code, room, effects);
				answer();
				continue;
			}
			room.inflight = true;
			let commit: Promise<void>;
			try {
				commit = Promise.resolve(this.repo.commit(code, writes, room.epoch));
			} catch (e) {
				commit = Promise.reject(e);
			}
			commit.then(
				() => {
					room.inflight = false;
					// Committed: it stands, even if the room left this process meanwhile (whoever runs
					// it now loaded it with these writes, and tells everyone when it does).
					this.reactSafely(code, room, effects);
					answer();
					this.pump(code, room);
				},
				(e: unknown) => {
					room.inflight = false;
					this.fail(code, room, e);
					for (const t of batch) t.reject(e);
				}
			);
			return;
		}
	}

	/** A write failed: nothing stepped on this room may be stored; it is loaded again on next use. */
	private fail(code: string, room: LiveRoom, e?: unknown) {
		if (e instanceof FencedError)
			log.warn({ code, epoch: room.epoch }, 'write fenced: another process runs this room now');
		room.failed = true;
		this.evict(code, room);
		// What waited was never stepped: a fenced room's work goes to the new owner.
		this.abandon(room, e instanceof FencedError ? new NotOwnerError(code) : e);
	}

	/**
	 * A student's answer, applied at once and stored before this returns: appended to the answer
	 * log when recording it is all the answer did (nearly always), else in one transaction with
	 * what else it changed (it closed the question, or moved a homework score). No SQLite commit
	 * stands between an answer and its ack, and nothing in it grows with the room. PostgreSQL:
	 * resolved once the answer is committed (with the others that arrived meanwhile).
	 */
	answer(code: string, cmd: AnswerCommand): Maybe<Outcome> {
		return done(this.live.get(code) ?? this.reload(code), (room): Maybe<Outcome> => {
			if (!room) return { ok: false, error: 'bad_phase' };
			if (!this.sync)
				return this.enqueue(code, room, [{ cmd: { type: 'answers', list: [cmd] } }]).then(
					(r) => r[0] ?? { ok: false, error: 'bad_phase' }
				);
			// A batch of one: the machine then decides the timer only if the answer can move it.
			const r = step(room.state, { type: 'answers', list: [cmd] }, this.clock(), {
				consume: true
			});
			if (!r.ok) return r;
			const refused = r.effects.find((e) => e.type === 'answerRefused');
			// Refused: nothing was changed.
			if (refused?.type === 'answerRefused') return { ok: false, error: refused.error };
			room.state = r.state;
			const only = r.effects.every((e) => e.type === 'answerRecorded' || e.type === 'schedule');
			this.store(code, room, this.writesOf(r.state, r.effects, []), only);
			this.reactSafely(code, room, r.effects);
			return { ok: true, effects: r.effects };
		});
	}

	/**
	 * Queues a student's join, reconnect or disconnect for the end of this turn of the event loop,
	 * where everything queued for the room is applied in one transaction. Under a flood (a class
	 * joining, a Wi-Fi drop) the batches grow by themselves, so the cost per command falls as the
	 * load rises; alone, a command waits only for the current turn to end. Every command is
	 * written before the promise resolves.
	 */
	submit(code: string, cmd: Command, persistExtra?: PersistExtra): Promise<Outcome> {
		// PostgreSQL: the room's queue batches whatever arrives during a commit already.
		if (!this.sync)
			return Promise.resolve(this.run(code, cmd, persistExtra)).catch((e: unknown) => {
				log.error({ code, err: e }, 'command failed');
				return {
					ok: false,
					error: e instanceof NotOwnerError || e instanceof FencedError ? 'moved' : 'internal'
				};
			});
		return new Promise((resolve) => {
			const entry = { cmd, persistExtra, resolve };
			let queue = this.queues.get(code);
			if (!queue) {
				queue = [];
				this.queues.set(code, queue);
				setImmediate(() => this.flush(code));
			}
			queue.push(entry);
		});
	}

	private flush(code: string) {
		const queue = this.queues.get(code) ?? [];
		this.queues.delete(code);
		const settle = (results: Outcome[]) =>
			queue.forEach((q, i) => q.resolve(results[i] ?? { ok: false, error: 'bad_phase' }));
		const failed = (e: unknown) => {
			log.error({ code, err: e }, 'batch failed');
			for (const q of queue) q.resolve({ ok: false, error: 'internal' });
		};
		try {
			const results = this.runMany(code, queue);
			if (results instanceof Promise) results.then(settle, failed);
			else settle(results);
		} catch (e) {
			failed(e);
		}
	}

	/** What the effects change in the store, appended to `into` (which is returned). */
	private writesOf(state: RoomState, effects: Effect[], into: Write[]): Write[] {
		for (const e of effects) {
			switch (e.type) {
				case 'answerRecorded':
					into.push({ type: 'answer', answer: e.answer });
					break;
				case 'participantsChanged':
					if (e.presence) break;
					into.push({
						type: 'participants',
						participants: e.ids.flatMap((id) => ownEntry(state.participants, id) ?? [])
					});
					break;
				case 'coreChanged':
					into.push({ type: 'core', core: state.core });
					break;
				case 'moderated':
					into.push({ type: 'status', responseId: e.responseId, status: e.status });
					break;
				case 'upvoted':
					into.push({ type: 'upvote', responseId: e.responseId, voterId: e.voterId });
					break;
			}
		}
		return into;
	}

	private react(code: string, room: LiveRoom, effects: Effect[]) {
		let core = false;
		let everyone = false;
		const changed = new Set<string>();
		for (const e of effects) {
			if (e.type === 'schedule') this.arm(code, room, e.at);
			else if (e.type === 'coreChanged') core = true;
			else if (e.type === 'answerRecorded')
				room.answeredDirty.set(e.answer.participantId, e.answer.item);
			else if (e.type === 'participantJoined') room.rosterDirty.add(e.participant.id);
			else if (e.type === 'participantsChanged')
				for (const id of e.ids) {
					room.rosterDirty.add(id);
					changed.add(id);
				}
			else if (e.type === 'resultsRevealed') everyone = true;
			else if (e.type === 'upvoted') room.studentsDirty = true;
			else if (e.type === 'moderated') {
				room.studentsDirty = true;
				// The author hears the decision on their own response (hidden: told so).
				changed.add(e.participantId);
			}
		}
		if (core && room.state.core.phase === 'ended' && !room.evict) {
			room.evict = setTimeout(() => this.evict(code, room), EVICT_ENDED_MS);
			room.evict.unref?.();
		}
		// Homework: each student's item lives in their own view, so a start or an end reaches
		// each of them individually.
		if (core && isHomework(room.state.core)) everyone = true;
		if (core) this.broadcast(code, room, everyone);
		else {
			if (everyone) this.meToEveryone(code, room);
			this.soon(code, room);
		}
		// A joiner gets their view in the join reply; a changed student's reaches their tabs.
		if (!everyone) for (const id of changed) this.sendMe(code, room, id);
	}

	/** Each student's own view (after a reveal: their result and rank), slice by slice. */
	private meToEveryone(code: string, room: LiveRoom) {
		const state = room.state;
		const ids = Object.keys(state.participants);
		if (this.distributed) return this.meEverywhere(code, state, ids);
		const size = this.sliceSize(room);
		for (let i = 0; i < ids.length; i += size) {
			const slice = ids.slice(i, i + size);
			// Made when the slice goes out (the work is spread too), from the room as it was now.
			this.toStudents(code, room, () => {
				const { ranks } = standings(state);
				for (const id of slice) this.emitMe(code, state, id, ranks);
			});
		}
	}

	/**
	 * Scaled mode: every student's own view, many to a message. One adapter message per student
	 * would be thousands of Redis stream entries at each reveal, each read by every process;
	 * instead each process gets the views in batches and sends to the sockets it holds.
	 */
	private meEverywhere(code: string, state: RoomState, ids: string[]) {
		const { ranks } = standings(state);
		const present = ids.filter((id) => ownEntry(state.participants, id)?.connected);
		for (let i = 0; i < present.length; i += ME_BATCH) {
			const batch: [string, MyView][] = [];
			for (const id of present.slice(i, i + ME_BATCH)) {
				const me = myView(state, id, ranks);
				if (me) batch.push([id, me]);
			}
			deliverMe(this.io, code, batch);
			(this.io.serverSideEmit as (e: string, ...a: unknown[]) => boolean)(
				ME_BATCH_EVENT,
				code,
				batch
			);
		}
	}

	private arm(code: string, room: LiveRoom, at: number | null) {
		if (room.timer) clearTimeout(room.timer);
		room.timer = null;
		if (at === null) return;
		room.timer = setTimeout(
			() => {
				room.timer = null;
				this.background(code, () => this.run(code, { type: 'tick' }));
			},
			Math.min(MAX_DELAY_MS, Math.max(0, at - this.clock()) + 5)
		);
	}

	/**
	 * One student's own view, to all their tabs, after anything already on its way to them. The
	 * view is of the room as it is now, even if it leaves later: it must never run ahead of a
	 * phase change queued after it.
	 */
	sendMe(code: string, room: LiveRoom, id: string) {
		const state = room.state;
		this.toStudents(code, room, () => this.emitMe(code, state, id));
	}

	/**
	 * `state` is the room when the send was queued. The machine replaces the core and, at each
	 * reveal, the participants object instead of changing them, so it still describes that moment.
	 */
	private emitMe(code: string, state: RoomState, id: string, ranks?: Map<string, number>) {
		// A student with no open tab (just went away) has no one to tell: skip the ranking too.
		// (Scaled mode: their tabs may be in another process; the adapter takes it there.)
		if (this.distributed) {
			if (!ownEntry(state.participants, id)?.connected) return;
			const me = myView(state, id, ranks);
			if (me) this.io.to(rooms.participant(code, id)).emit('me:updated', me);
			return;
		}
		// Straight to the student's own sockets (nearly always one): a room broadcast would build
		// two sets, a pre-encoded frame and a lookup per socket for a single recipient.
		const tabs = this.io.sockets.adapter.rooms.get(rooms.participant(code, id));
		if (!tabs?.size) return;
		const me = myView(state, id, ranks);
		if (!me) return;
		for (const sid of tabs) this.io.sockets.sockets.get(sid)?.emit('me:updated', me);
	}

	/** Tells a removed student's tabs, after anything already on its way, and lets them go. */
	sendRemoved(code: string, id: string) {
		const room = this.live.get(code);
		const go = () => {
			this.io.to(rooms.participant(code, id)).emit('me:removed');
			this.io
				.in(rooms.participant(code, id))
				.socketsLeave([rooms.students(code), rooms.participant(code, id)]);
		};
		if (room) this.toStudents(code, room, go);
		else go();
	}

	/**
	 * Sends to students in order. In a small room at once. In a lecture hall, writing one frame
	 * to each of 2,000 sockets holds the event loop for ~60 ms, and every answer arriving
	 * meanwhile would wait for its ack: there the sends go out in slices, a few milliseconds per
	 * turn of the loop, with answers served between them. Order per student is kept: everything
	 * for students goes through this one queue while it is not empty.
	 */
	private toStudents(code: string, room: LiveRoom, send: () => void) {
		if (!room.outbox.length && (this.distributed || activeCount(room.state) <= this.spread.above))
			return send();
		room.outbox.push(send);
		room.queued += 1;
		room.draining ??= setImmediate(() => this.drain(code, room));
	}

	/** Students per slice: small while a question is open (answers are served between slices). */
	private sliceSize(room: LiveRoom): number {
		return this.spread.slice * (room.state.core.phase === 'open' ? 1 : QUIET_FACTOR);
	}

	private drain(code: string, room: LiveRoom) {
		room.draining = null;
		const start = performance.now();
		const budget = SLICE_BUDGET_MS * (room.state.core.phase === 'open' ? 1 : QUIET_FACTOR);
		while (room.outbox.length && performance.now() - start < budget) this.sendOne(room);
		room.settledWaiters = room.settledWaiters.filter((w) => {
			if (w.until > room.sent) return true;
			w.resolve();
			return false;
		});
		if (room.outbox.length && this.live.get(code) === room)
			room.draining = setImmediate(() => this.drain(code, room));
	}

	private sendOne(room: LiveRoom) {
		const send = room.outbox.shift();
		room.sent += 1;
		try {
			send?.();
		} catch (e) {
			log.error({ err: e }, 'a send to students failed');
		}
	}

	/**
	 * Resolves once everything queued for the room's students so far has been sent (not what is
	 * queued later, so a steady trickle of reconnects cannot hold it up). The teacher's command
	 * is acked then, so a quick next command never races the last one's sends.
	 */
	settled(code: string): Promise<void> {
		const room = this.live.get(code);
		if (!room?.outbox.length) return Promise.resolve();
		return new Promise((resolve) => room.settledWaiters.push({ until: room.queued, resolve }));
	}

	/**
	 * The room's public view to every student. One serialised payload; in a lecture hall it goes
	 * to the students who are in the room now, slice by slice (a student who joins meanwhile has
	 * the newer view in their join reply already).
	 */
	private roomToStudents(code: string, room: LiveRoom, now: number) {
		const view = publicView(room.state, now, 'student');
		// Scaled mode: one message through the adapter; each process sends to its own sockets.
		if (this.distributed) {
			this.io.to(rooms.students(code)).emit('room:updated', view);
			return;
		}
		const members = this.io.sockets.adapter.rooms.get(rooms.students(code));
		if (!members?.size) return;
		if (!room.outbox.length && members.size <= this.spread.above) {
			this.io.to(rooms.students(code)).emit('room:updated', view);
			return;
		}
		const ids = [...members];
		const size = this.sliceSize(room);
		for (let i = 0; i < ids.length; i += size) {
			const slice = ids.slice(i, i + size);
			this.toStudents(code, room, () => {
				// Only to sockets still among the students: not one removed, or gone to another room,
				// since the view was made.
				const now = this.io.sockets.adapter.rooms.get(rooms.students(code));
				const still = slice.filter((id) => now?.has(id));
				if (still.length) this.io.to(still).emit('room:updated', view);
			});
		}
	}

	/**
	 * Everyone gets the new phase: one serialised broadcast for all students, then (`everyone`)
	 * each student's own view. The teacher's controls and the projector hear last: by then every
	 * student has been sent the phase, so a quick next command never overtakes it.
	 */
	broadcast(code: string, room: LiveRoom, everyone = false) {
		if (room.pending) clearTimeout(room.pending);
		room.pending = null;
		room.studentsDirty = false;
		this.roomToStudents(code, room, this.clock());
		if (everyone) this.meToEveryone(code, room);
		this.toStudents(code, room, () => {
			const now = this.clock();
			this.toHost(code, room, now);
			this.io.to(rooms.screen(code)).emit('screen:updated', screenView(room.state, now));
		});
	}

	/**
	 * The teacher's picture, after the roster rows that changed since the last one and the ids of
	 * those who answered meanwhile (a whole row already says whether its student answered).
	 */
	private toHost(code: string, room: LiveRoom, now: number) {
		const dirty = room.rosterDirty;
		const answered = room.answeredDirty;
		room.rosterDirty = new Set();
		room.answeredDirty = new Map();
		// Nobody at the controls: whoever attaches next gets the whole roster in the reply.
		if (!this.distributed && !this.io.sockets.adapter.rooms.get(rooms.host(code))?.size) return;
		const host = this.io.to(rooms.host(code));
		if (dirty.size) host.emit('host:roster', rosterRows(room.state, dirty));
		const byItem = new Map<number, string[]>();
		for (const [id, item] of answered) {
			if (dirty.has(id)) continue;
			const ids = byItem.get(item);
			if (ids) ids.push(id);
			else byItem.set(item, [id]);
		}
		for (const [item, ids] of byItem) host.emit('host:answered', { item, ids });
		host.emit('host:updated', hostView(room.state, now));
	}

	/**
	 * Host and projector counts, at most every THROTTLE_MS (every LARGE_THROTTLE_MS in a large
	 * room, where each update carries more changed rows), however fast answers arrive.
	 */
	private soon(code: string, room: LiveRoom) {
		if (room.pending) return;
		room.pending = setTimeout(
			() => {
				room.pending = null;
				// A commit on its way: the room in memory is ahead of the store; tell them after.
				if (room.inflight) {
					room.tasks.push({ kind: 'read', run: () => this.soon(code, room) });
					return;
				}
				const now = this.clock();
				this.toHost(code, room, now);
				this.io.to(rooms.screen(code)).emit('screen:updated', screenView(room.state, now));
				if (room.studentsDirty) {
					room.studentsDirty = false;
					this.roomToStudents(code, room, now);
				}
			},
			activeCount(room.state) > LARGE_ROOM ? LARGE_THROTTLE_MS : THROTTLE_MS
		);
	}

	now() {
		return this.clock();
	}

	/**
	 * Loads a room that left memory after a failure. Unlike a restart, this process knows who is
	 * connected: students with no socket here are marked away at once, not after the grace.
	 */
	private reload(code: string): Maybe<LiveRoom | null> {
		return done(this.room(code), (room) => {
			if (room?.grace && !this.distributed) {
				clearTimeout(room.grace);
				this.sweepAway(code, room);
			}
			return room;
		});
	}

	private evict(code: string, room: LiveRoom) {
		if (this.live.get(code) !== room) return;
		// What is queued for students was committed: send it before the room leaves memory.
		while (room.outbox.length) this.sendOne(room);
		this.clear(room);
		this.live.delete(code);
		if (this.leases && room.epoch !== undefined) this.leases.release(code, room.epoch);
	}

	private clear(room: LiveRoom) {
		for (const t of [room.timer, room.pending, room.grace, room.evict]) if (t) clearTimeout(t);
		if (room.draining) clearImmediate(room.draining);
		room.draining = null;
		for (const w of room.settledWaiters.splice(0)) w.resolve();
	}

	close() {
		for (const [code, room] of this.live) {
			this.clear(room);
			if (this.leases && room.epoch !== undefined) this.leases.release(code, room.epoch);
		}
		this.live.clear();
	}
}
