/**
 * The wire contract between browsers and the room server. Events are `noun:verb`: imperative for
 * what a client asks, past tense for what the server announces. Every client event carries an
 * ack callback answered with `Ack<T>`. Payload schemas live here, shared by server and client.
 */
import * as v from 'valibot';
import type { HostView, MyAnswer, MyView, PublicView, RosterRow, ScreenView } from './room/view';

export type Ack<T = null> =
	| { ok: true; data: T }
	| {
			ok: false;
			error: string;
			message: string;
			/** Refused by a limit: seconds until trying again may succeed. */
			retryAfter?: number;
	  };

/** A session code; and the largest item or choice index (also checked by `server/fast-answer.ts`). */
export const CODE_PATTERN = /^[A-Z2-9]{6}$/;
export const MAX_INDEX = 1000;

const code = v.pipe(v.string(), v.regex(CODE_PATTERN));
const token = v.pipe(v.string(), v.minLength(20), v.maxLength(100));
const index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_INDEX));
const indices = v.pipe(v.array(index), v.maxLength(8));
const short = (max: number) => v.pipe(v.string(), v.maxLength(max));

export const ResponseSchema = v.variant('type', [
	v.strictObject({ type: v.literal('single'), choice: index }),
	v.strictObject({ type: v.literal('multiple'), choices: indices }),
	v.strictObject({ type: v.literal('truefalse'), value: v.boolean() }),
	v.strictObject({ type: v.literal('ordering'), order: indices }),
	v.strictObject({ type: v.literal('short'), text: short(200) }),
	v.strictObject({ type: v.literal('numeric'), value: v.pipe(v.number(), v.finite()) }),
	v.strictObject({ type: v.literal('scale'), value: v.picklist([1, 2, 3, 4, 5]) }),
	v.strictObject({ type: v.literal('choice'), choices: indices }),
	v.strictObject({
		type: v.literal('open'),
		text: short(280),
		side: v.picklist(['for', 'against'])
	}),
	v.strictObject({ type: v.literal('wordcloud'), text: short(40) }),
	v.strictObject({ type: v.literal('writing'), text: short(5000) })
]);

import { ERROR_MESSAGES, MAX_NICKNAME } from './messages';

export { ERROR_MESSAGES, MAX_NICKNAME };

/** This browser's device id (kept in localStorage): a speed bump against rejoining under a new name. */
const device = v.optional(v.pipe(v.string(), v.minLength(16), v.maxLength(64)));
export const JoinSchema = v.union([
	v.strictObject({
		code,
		// Bounded, but long enough to answer "too long" in a sentence (`nickname.ts` allows 24
		// characters; the join form says so before sending anything longer).
		nickname: v.pipe(v.string(), v.maxLength(1000)),
		/** The join check from the projector, when the teacher turned it on. */
		check: v.optional(v.pipe(v.string(), v.maxLength(12))),
		device
	}),
	v.strictObject({ code, token, device }),
	/** A resume code typed on another device (any case, spaces or dashes). */
	v.strictObject({ code, resume: v.pipe(v.string(), v.minLength(1), v.maxLength(30)), device })
]);
export const WatchSchema = v.strictObject({ code });
export const ScreenSchema = v.strictObject({ code, key: v.pipe(v.string(), v.maxLength(100)) });
export const HostAttachSchema = v.strictObject({ code, hostToken: token });
export const AnswerSchema = v.strictObject({ code, item: index, response: ResponseSchema });
export const UpvoteSchema = v.strictObject({ code, responseId: short(64) });

export const HostCommandSchema = v.variant('type', [
	v.strictObject({
		type: v.picklist(['start', 'close', 'pause', 'resume', 'reveal', 'leaderboard', 'next', 'end'])
	}),
	v.strictObject({ type: v.literal('lock'), locked: v.boolean() }),
	v.strictObject({ type: v.literal('sound'), on: v.boolean() }),
	v.strictObject({ type: v.literal('remove'), participantId: short(64) }),
	v.strictObject({
		type: v.literal('removeMany'),
		participantIds: v.pipe(v.array(short(64)), v.minLength(1), v.maxLength(5000))
	}),
	v.strictObject({
		type: v.literal('removeRecent'),
		seconds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600))
	}),
	v.strictObject({ type: v.literal('joinCheck'), on: v.boolean() }),
	v.strictObject({
		type: v.literal('extraTime'),
		participantId: short(64),
		extraTime: v.picklist([1, 1.5, 2, 'untimed'])
	}),
	v.strictObject({
		type: v.literal('extend'),
		seconds: v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(600))
	}),
	v.strictObject({
		type: v.literal('moderate'),
		responseId: short(64),
		status: v.picklist(['approved', 'hidden', 'highlighted'])
	})
]);
export const HostCommandPayload = v.strictObject({ code, command: HostCommandSchema });

export type JoinPayload = v.InferOutput<typeof JoinSchema>;
export type AnswerPayload = v.InferOutput<typeof AnswerSchema>;
export type HostCommand = v.InferOutput<typeof HostCommandSchema>;

export interface Joined {
	token: string;
	/** Key of the private review link (`/review/<reviewKey>`); cannot be used to rejoin. */
	reviewKey: string;
	/** Short code that resumes this student on another device (`room:join {code, resume}`). */
	resumeCode: string;
	participantId: string;
	view: PublicView;
	me: MyView;
}

export interface ClientToServerEvents {
	/** Student: join with a nickname, or come back with a token. Acks the token and both views. */
	'room:join': (p: JoinPayload, ack: (r: Ack<Joined>) => void) => void;
	/**
	 * Projector (or the teacher's controls), once watching or attached: the join check to show
	 * now and when it changes; `check` is null while the teacher has it off. Never to students.
	 */
	'screen:check': (p: { code: string }, ack: (r: Ack<JoinCheck>) => void) => void;
	/** Projector: watch a room with the projector key the teacher's controls hand out. */
	'screen:watch': (p: { code: string; key: string }, ack: (r: Ack<ScreenView>) => void) => void;
	/** Teacher: take the controls with the host token. Acks the host view and the projector key. */
	'host:attach': (
		p: { code: string; hostToken: string },
		ack: (r: Ack<HostAttached>) => void
	) => void;
	/** Teacher: a command for the room (start, reveal, next, …). Acks once applied and sent to every student. */
	'host:command': (p: { code: string; command: HostCommand }, ack: (r: Ack) => void) => void;
	/**
	 * Student: answer the open item once. Acks after the answer is stored: live, with what it
	 * changes in the student's own view (merge it into `me`); in homework, with the whole view
	 * (answering is the reveal there).
	 */
	'answer:submit': (p: AnswerPayload, ack: (r: Ack<MyAnswer | MyView>) => void) => void;
	/** Student, homework: move on to the next item once the current one is answered. */
	'homework:advance': (p: { code: string }, ack: (r: Ack<MyView>) => void) => void;
	/** Student: upvote someone else's open response once. */
	'response:upvote': (p: { code: string; responseId: string }, ack: (r: Ack) => void) => void;
}

export interface JoinCheck {
	check: string | null;
	/** Server ms when the check changes: ask again then. */
	changesAt: number;
}

/** The reply to `host:attach`: the whole picture, the whole roster, and the projector key. */
export type HostAttached = HostView & { roster: RosterRow[]; screenKey: string };

export interface ServerToClientEvents {
	/** To every student of a room when the room moves (phase, item, poll results). */
	'room:updated': (view: PublicView) => void;
	/** To one student when their own standing changes (join, reveal, extra time). */
	'me:updated': (me: MyView) => void;
	/** To the teacher's controls: the picture without the roster, throttled while answers arrive. */
	'host:updated': (view: HostView) => void;
	/**
	 * To the teacher's controls, with or before the `host:updated` it belongs to: the roster rows
	 * that changed (joins, answers, connections, points). Merge them by id; new ids go last.
	 */
	'host:roster': (rows: RosterRow[]) => void;
	/**
	 * To the teacher's controls, with or before the `host:updated` it belongs to: students who
	 * answered `item` since the last update (their rows' `answeredItem` becomes `item`). During a
	 * question nearly every change is this one, so it travels as ids, not rows.
	 */
	'host:answered': (p: { item: number; ids: string[] }) => void;
	/** To the projector, throttled while answers arrive. */
	'screen:updated': (view: ScreenView) => void;
	/** To a student the teacher removed; the client forgets its token. */
	'me:removed': () => void;
}

export function errorAck(error: string): { ok: false; error: string; message: string } {
	return { ok: false, error, message: ERROR_MESSAGES[error] ?? ERROR_MESSAGES.internal! };
}

/** Refused by a limit: the message says when to try again, and so does `retryAfter`. */
export function limitedAck(
	error: string,
	retryAfter: number
): { ok: false; error: string; message: string; retryAfter: number } {
	const wait = retryAfter === 1 ? '1 second' : `${retryAfter} seconds`;
	return {
		...errorAck(error),
		message: `${errorAck(error).message} Try again in ${wait}.`,
		retryAfter
	};
}
