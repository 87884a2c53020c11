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
import { activeCount, isHomework, step } from '../room/machine';
import type { AnswerCommand, Command, Effect, RoomError, RoomState } from '../room/types';
import { hostView, myView, publicView, rosterRows, screenView, standings } from '../room/view';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol';
import type { Repository } from './db';
import { log } from './log';
import { ownEntry } from '../room/own';

type IO = Server<ClientToServerEvents, ServerToClientEvents>;
/** Extra writes for a command, inside its transaction (e.g. a joiner's hashed token). */
type PersistExtra = (state: RoomState) => void;
interface Queued {
	cmd: Command;
	persistExtra?: PersistExtra;
	resolve: (r: Outcome) => void;
}
export type Outcome =
	{ ok: true; effects: Effect[] } | { ok: false; error: RoomError | 'internal' };

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

export class RoomHub {
	private live = new Map<string, LiveRoom>();
	private queues = new Map<string, Queued[]>();

	constructor(
		private io: IO,
		private repo: Repository,
		private clock: () => number = Date.now,
		private spread: Spread = SPREAD
	) {}

	get(code: string): LiveRoom | null {
		const cached = this.live.get(code);
		if (cached) return cached;
		const stored = this.repo.loadSession(code);
		if (!stored) return null;
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
			settledWaiters: []
		};
		// Everyone still in the room is presumed on their way back after a restart, so the first
		// student to return and answer does not close the question on the rest; whoever has not
		// reconnected after the grace period is marked away.
		const participants = { ...room.state.participants };
		for (const [id, p] of Object.entries(participants))
			if (!p.removed) participants[id] = { ...p, connected: true };
		room.state = { ...room.state, participants };
		room.grace = setTimeout(() => this.sweepAway(code, room), RESTORE_GRACE_MS);
		this.live.set(code, room);
		// A room restored mid-question re-arms its timer (or closes if time ran out while down).
		if (room.state.core.phase === 'open') this.run(code, { type: 'tick' });
		return room;
	}

	private sweepAway(code: string, room: LiveRoom) {
		room.grace = null;
		for (const p of Object.values(room.state.participants)) {
			const sockets = this.io.sockets.adapter.rooms.get(rooms.participant(code, p.id));
			if (p.connected && !p.removed && !sockets?.size)
				this.run(code, { type: 'disconnect', participantId: p.id });
		}
	}

	/** Rooms loaded at start: those mid-question or mid-homework, so their timers fire. */
	resumeOpen() {
		for (const code of this.repo.openCodes()) this.get(code);
	}

	/**
	 * Applies a command: step, persist, commit, schedule, broadcast. Returns the machine's
	 * refusal, or the effects. `persistExtra` runs inside the same transaction.
	 */
	run(code: string, cmd: Command, persistExtra?: PersistExtra): Outcome {
		return this.runMany(code, [{ cmd, persistExtra }])[0] ?? { ok: false, error: 'bad_phase' };
	}

	/**
	 * Applies commands in order, all in one transaction, then reacts once. A refused command
	 * leaves the others alone. The machine changes the room in place (the hub keeps only the
	 * latest state), so a join, a reconnect or an answer costs the same in a room of 30 or of
	 * 2,000; if the transaction fails, nothing was written and the room is reloaded from disk.
	 */
	private runMany(code: string, list: { cmd: Command; persistExtra?: PersistExtra }[]): Outcome[] {
		// A room that left memory (ended and evicted, or dropped after a failed command) is loaded
		// again: a failure never leaves the controls answering `bad_phase`.
		const room = this.live.get(code) ?? this.reload(code);
		if (!room) return list.map(() => ({ ok: false, error: 'bad_phase' }));
		const now = this.clock();
		const results: Outcome[] = [];
		const effects: Effect[] = [];
		let state = room.state;
		try {
			this.repo.tx(() => {
				for (const { cmd, persistExtra } of list) {
					const r = step(state, cmd, now, { consume: true });
					results.push(r.ok ? { ok: true, effects: r.effects } : r);
					if (!r.ok) continue;
					state = r.state;
					persistExtra?.(state);
					this.persist(code, state, r.effects);
					effects.push(...r.effects);
				}
			});
		} catch (e) {
			this.evict(code, room);
			throw e;
		}
		room.state = state;
		try {
			this.react(code, room, effects);
		} catch (e) {
			// Written already: the commands stand, whatever failed in telling people about them.
			log.error({ code, err: e }, 'sending after a commit failed');
		}
		return results;
	}

	/**
	 * A student's answer, applied at once and stored before this returns: appended to the answer
	 * log when recording it is all the answer did (nearly always), else in one transaction with
	 * what else it changed (it closed the question, or moved a homework score). No SQLite commit
	 * stands between an answer and its ack, and nothing in it grows with the room.
	 */
	answer(code: string, cmd: AnswerCommand): Outcome {
		const room = this.live.get(code) ?? this.reload(code);
		if (!room) return { ok: false, error: 'bad_phase' };
		// A batch of one: the machine then decides the timer only if the answer can move it.
		const r = step(room.state, { type: 'answers', list: [cmd] }, this.clock(), { consume: true });
		if (!r.ok) return r;
		const refused = r.effects.find((e) => e.type === 'answerRefused');
		// Refused: nothing was changed.
		if (refused?.type === 'answerRefused') return { ok: false, error: refused.error };
		try {
			const recorded = r.effects.flatMap((e) => (e.type === 'answerRecorded' ? [e.answer] : []));
			if (r.effects.every((e) => e.type === 'answerRecorded' || e.type === 'schedule'))
				this.repo.logAnswers(code, recorded);
			else this.repo.tx(() => this.persist(code, r.state, r.effects));
		} catch (e) {
			// Not stored: the room, changed in place, is reloaded from what was.
			this.evict(code, room);
			throw e;
		}
		room.state = r.state;
		try {
			this.react(code, room, r.effects);
		} catch (e) {
			log.error({ code, err: e }, 'sending after an answer failed');
		}
		return { ok: true, effects: r.effects };
	}

	/**
	 * Queues a student's join, reconnect or disconnect for the end of this turn of the event loop,
	 * where everything queued for the room is applied in one transaction. Under a flood (a class
	 * joining, a Wi-Fi drop) the batches grow by themselves, so the cost per command falls as the
	 * load rises; alone, a command waits only for the current turn to end. Every command is
	 * written before the promise resolves.
	 */
	submit(code: string, cmd: Command, persistExtra?: PersistExtra): Promise<Outcome> {
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
		let results: Outcome[];
		try {
			results = this.runMany(code, queue);
		} catch (e) {
			log.error({ code, err: e }, 'batch failed');
			for (const q of queue) q.resolve({ ok: false, error: 'internal' });
			return;
		}
		queue.forEach((q, i) => q.resolve(results[i] ?? { ok: false, error: 'bad_phase' }));
	}

	private persist(code: string, state: RoomState, effects: Effect[]) {
		for (const e of effects) {
			switch (e.type) {
				case 'answerRecorded':
					this.repo.insertAnswer(code, e.answer);
					break;
				case 'participantsChanged':
					if (e.presence) break;
					this.repo.saveParticipants(
						code,
						e.ids.flatMap((id) => ownEntry(state.participants, id) ?? [])
					);
					break;
				case 'coreChanged':
					this.repo.saveCore(state.core);
					break;
				case 'moderated':
					this.repo.setStatus(code, e.responseId, e.status);
					break;
				case 'upvoted':
					this.repo.insertUpvote(code, e.responseId, e.voterId);
					break;
			}
		}
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

	private arm(code: string, room: LiveRoom, at: number | null) {
		if (room.timer) clearTimeout(room.timer);
		room.timer = null;
		if (at === null) return;
		room.timer = setTimeout(
			() => {
				room.timer = null;
				this.run(code, { type: 'tick' });
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
		if (!this.io.sockets.adapter.rooms.get(rooms.participant(code, id))?.size) return;
		const me = myView(state, id, ranks);
		if (me) this.io.to(rooms.participant(code, id)).emit('me:updated', me);
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
		if (!room.outbox.length && activeCount(room.state) <= this.spread.above) return send();
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
		if (!this.io.sockets.adapter.rooms.get(rooms.host(code))?.size) return;
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
	private reload(code: string): LiveRoom | null {
		const room = this.get(code);
		if (room?.grace) {
			clearTimeout(room.grace);
			this.sweepAway(code, room);
		}
		return room;
	}

	private evict(code: string, room: LiveRoom) {
		if (this.live.get(code) !== room) return;
		// What is queued for students was committed: send it before the room leaves memory.
		while (room.outbox.length) this.sendOne(room);
		this.clear(room);
		this.live.delete(code);
	}

	private clear(room: LiveRoom) {
		for (const t of [room.timer, room.pending, room.grace, room.evict]) if (t) clearTimeout(t);
		if (room.draining) clearImmediate(room.draining);
		room.draining = null;
		for (const w of room.settledWaiters.splice(0)) w.resolve();
	}

	close() {
		for (const room of this.live.values()) this.clear(room);
		this.live.clear();
	}
}
