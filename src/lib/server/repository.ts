/**
 * What the server asks of its store, whichever it is: the embedded SQLite file (`db.ts`, the
 * default: synchronous, so its methods return plain values) or PostgreSQL (`pg/repository.ts`,
 * `QUORUM_DATABASE_URL`: every method returns a promise). Callers `await` what they get; the room
 * hub keeps SQLite's synchronous path synchronous (`done` below). No SQL outside the two
 * implementations.
 */
import type { Answer, Core, Participant, RoomState } from '../room/types';

/**
 * A participant as either store returns its row (`removed` is 0/1 in SQLite, a boolean in
 * PostgreSQL; bigints already read as numbers). Nobody is connected when a room is loaded.
 */
export function participantFromRow(r: Record<string, unknown>): Participant {
	const extra = String(r.extra_time);
	return {
		id: String(r.id),
		nickname: String(r.nickname),
		joinedAt: Number(r.joined_at),
		extraTime: extra === 'untimed' ? 'untimed' : (Number(extra) as 1 | 1.5 | 2),
		removed: r.removed === true || Number(r.removed) === 1,
		connected: false,
		score: Number(r.score),
		correct: Number(r.correct),
		streak: Number(r.streak),
		bestStreak: Number(r.best_streak),
		progress: Number(r.progress)
	};
}

/** A value, or its promise: SQLite answers at once, PostgreSQL later. */
export type Maybe<T> = T | Promise<T>;

/** Calls `then` with the value, at once when there is no promise to wait for. */
export function done<T, R>(value: Maybe<T>, then: (v: T) => Maybe<R>): Maybe<R> {
	return value instanceof Promise ? value.then(then) : then(value);
}

/** The value of a synchronous store's answer (SQLite); a promise here is a programming error. */
export function now<T>(value: Maybe<T>): T {
	if (value instanceof Promise) throw new Error('this needs a synchronous store (SQLite)');
	return value;
}

export interface SessionSummary {
	code: string;
	kitSlug: string;
	kitTitle: string;
	createdAt: number;
	updatedAt: number;
	phase: string;
	mode: 'live' | 'homework';
	deadline: number | null;
	items: number;
	questions: number;
	/** Students not removed. */
	players: number;
	/** Of those, how many reached the end (homework). */
	finished: number;
	/** Fully correct answers of students not removed. */
	correctAnswers: number;
}

export interface DeletedRows {
	sessions: number;
	participants: number;
	answers: number;
	upvotes: number;
}

export interface StoredSession {
	hostTokenHash: string;
	state: RoomState;
}

/**
 * One change a command made to a room, for `commit`. A command's writes go in one transaction
 * with the others of its batch, in order.
 */
export type Write =
	| { type: 'answer'; answer: Answer }
	| { type: 'participants'; participants: Participant[] }
	| { type: 'core'; core: Core }
	| { type: 'status'; responseId: string; status: string }
	| { type: 'upvote'; responseId: string; voterId: string }
	/** A new student: their row, with the hashes of their secrets (never the secrets). */
	| {
			type: 'joined';
			participant: Participant;
			tokenHash: string;
			reviewHash: string;
			resumeHash: string;
			deviceHash: string | null;
	  }
	/** A returning student's resume code and review key, stored once (only where none is). */
	| { type: 'resume'; participantId: string; resumeHash: string; reviewHash: string };

/**
 * The room's lease epoch a write was made under (scaled mode). PostgreSQL refuses the whole
 * transaction with `FencedError` unless the room's lease still has this epoch: an owner that
 * froze past its lease, and whose room another process took, writes nothing.
 */
export type Fence = number | undefined;

export class FencedError extends Error {
	constructor(
		readonly code: string,
		readonly epoch: number
	) {
		super(`room ${code}: the lease moved on from epoch ${epoch}; write refused`);
		this.name = 'FencedError';
	}
}

export interface Repository {
	/** Where the data is, for the start-up line and logs (a file, or the database without its password). */
	readonly file: string;
	readonly kind: 'sqlite' | 'postgres';
	codeExists(code: string): Maybe<boolean>;
	createSession(code: string, hostTokenHash: string, state: RoomState): Maybe<void>;
	/**
	 * The room as stored, with every acknowledged answer (SQLite: the answer log is written in
	 * first, and the load fails while it cannot be).
	 */
	loadSession(code: string): Maybe<StoredSession | null>;
	/** Writes one room's changes in one transaction, in order; refused as a whole if fenced. */
	commit(code: string, writes: Write[], fence?: Fence): Maybe<void>;
	/**
	 * Stores answers that change nothing else. SQLite: appended to the answer log before this
	 * returns, in the database within a few milliseconds. PostgreSQL: committed (in a group with
	 * others arriving meanwhile) before the promise resolves. Either way: stored before the ack.
	 */
	logAnswers(code: string, answers: Answer[], fence?: Fence): Maybe<void>;
	/** A session's settings (as the core stores them), without loading the room. */
	sessionSettings(code: string): Maybe<Core['settings'] | null>;
	/** Who joined this session from this device (hash of the browser's device id), oldest first. */
	participantsByDevice(code: string, deviceHash: string): Maybe<string[]>;
	/**
	 * Whether a session of this kit is running, so its answer key must stay off self-study: not
	 * ended, the teacher did not allow self-study, and live with a change in the last
	 * `STALE_LIVE_MS` (a room left open overnight is over) or homework before its deadline.
	 */
	kitInSession(kitSlug: string, now?: number): Maybe<boolean>;
	/** The participant of this session a resume code belongs to. */
	participantByResume(code: string, resumeHash: string): Maybe<string | null>;
	participantByToken(code: string, tokenHash: string): Maybe<string | null>;
	/** For private review links: the participant and session a review key belongs to. */
	findReview(reviewHash: string): Maybe<{ code: string; participantId: string } | null>;
	/** Sessions whose core says a question or homework is open. */
	openCodes(): Maybe<string[]>;
	/** Sessions newest first, with counts for the reports list; `only` keeps those codes. */
	listSessions(limit?: number, only?: string[]): Maybe<SessionSummary[]>;
	/** The hash of the report key stored for a session (see `report-access.ts`), or null. */
	reportKeyHash(code: string): Maybe<string | null>;
	/** Stores the hash of a session's report key (derived from its host token). */
	setReportKeyHash(code: string, hash: string): Maybe<void>;
	/** Deletes a session and every row of it; how many rows of each table went. */
	deleteSession(code: string): Maybe<DeletedRows>;
	/** Deletes every ended session last changed before `ms` (server ms); their codes. */
	deleteEndedBefore(ms: number): Maybe<string[]>;
	close(): Maybe<void>;
}

/**
 * Who runs a room, in scaled mode (PostgreSQL only): a lease per room with an epoch that only
 * grows. See ARCHITECTURE.md, "Decision: one writer per room".
 */
export interface LeaseStore {
	/**
	 * Takes the room for `owner` when nobody holds a live lease on it (or `owner` itself does),
	 * at the next epoch; null when another process holds it. The session must exist.
	 */
	acquireLease(code: string, owner: string, ttlMs: number): Promise<number | null>;
	/** Extends the leases `owner` holds at these epochs; returns the codes it still holds. */
	renewLeases(
		owner: string,
		held: { code: string; epoch: number }[],
		ttlMs: number
	): Promise<string[]>;
	/** Who holds the room now (`live`: the lease has not expired). */
	leaseOf(code: string): Promise<{ owner: string; epoch: number; live: boolean } | null>;
	/** Gives a room up (an ended room leaving memory, a process shutting down). */
	releaseLease(code: string, owner: string, epoch: number): Promise<void>;
	/**
	 * Rooms mid-question or mid-homework whose lease expired or that never had one: a process
	 * takes them so their timers fire.
	 */
	orphanedRooms(limit: number): Promise<string[]>;
}
