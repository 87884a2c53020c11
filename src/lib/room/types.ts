/** The room's state and commands. Pure data: serialisable, no methods, no Dates. */
import type { LoadedPoll, LoadedQuestion } from '../kit/types';
import type { Response } from '../scoring';

export type Phase = 'lobby' | 'open' | 'closed' | 'revealed' | 'leaderboard' | 'ended';

/** Extra time granted to one student: a multiplier of the time limit, or no limit at all. */
export type ExtraTime = 1 | 1.5 | 2 | 'untimed';

export interface Settings {
	/** Seconds per question; null = untimed. */
	timeLimit: number | null;
	speedScoring: boolean;
	leaderboard: boolean;
	showNames: boolean;
	/** Live (teacher-paced, the default) or homework (student-paced, answers open until the deadline). */
	mode?: 'live' | 'homework';
	/** Homework: when the session ends by itself (server ms); null or absent: no deadline. */
	deadline?: number | null;
	/**
	 * Kahoot!'s 2-step join: a new student also types the short code the projector shows, which
	 * changes every few seconds (`src/lib/server/join-check.ts`). Off or absent: the room code is enough.
	 */
	joinCheck?: boolean;
	/** The kit's self-study (with its answer key) stays open while this session runs. */
	allowStudy?: boolean;
	/** The projector's sounds (the teacher's toggle; off when absent; never on phones). */
	sound?: boolean;
}

export type RoomItem =
	| {
			kind: 'question';
			question: LoadedQuestion;
			/** display index → original item index */ perm?: number[];
	  }
	| { kind: 'poll'; poll: LoadedPoll; round: 'before' | 'after' | null };

export interface Participant {
	id: string;
	nickname: string;
	joinedAt: number;
	extraTime: ExtraTime;
	removed: boolean;
	connected: boolean;
	score: number;
	correct: number;
	streak: number;
	bestStreak: number;
	/** Homework: index of the item this student is on (items.length when done). */
	progress: number;
}

export type PollResponse =
	| { type: 'scale'; value: 1 | 2 | 3 | 4 | 5 }
	| { type: 'choice'; choices: number[] }
	| { type: 'open'; text: string; side: 'for' | 'against' }
	| { type: 'wordcloud'; text: string }
	| { type: 'writing'; text: string };

export type AnyResponse = Response | PollResponse;

export interface Answer {
	participantId: string;
	item: number;
	response: AnyResponse;
	at: number;
	/** Null for polls. */
	credit: number | null;
	points: number;
	/** For open responses: the teacher's decision. */
	status?: 'pending' | 'approved' | 'hidden' | 'highlighted';
	/** Opaque id of an open response (never the participant id). */
	responseId?: string;
}

export interface Core {
	code: string;
	kitSlug: string;
	kitTitle: string;
	createdAt: number;
	settings: Settings;
	items: RoomItem[];
	phase: Phase;
	/** Index of the current item; -1 in the lobby. */
	current: number;
	locked: boolean;
	openedAt: number | null;
	/** When each item was opened (server ms, by index; null: not yet), for reports' time to answer. */
	opened?: (number | null)[];
	/** Base deadline (server ms) for a student with no extra time; null when untimed. */
	deadline: number | null;
	/** While paused: when the pause began. */
	pausedAt: number | null;
	/** Whether students may see the class result of the current poll. */
	pollRevealed: boolean;
}

export interface RoomState {
	core: Core;
	participants: Record<string, Participant>;
	/** answers[item][participantId] */
	answers: Record<number, Record<string, Answer>>;
	/** upvotes[responseId] = voter participant ids */
	upvotes: Record<string, string[]>;
}

export type Command =
	| { type: 'join'; participantId: string; nickname: string }
	| { type: 'connect'; participantId: string }
	| { type: 'disconnect'; participantId: string }
	| {
			type: 'answer';
			participantId: string;
			item: number;
			response: AnyResponse;
			responseId?: string;
	  }
	/**
	 * Answers that arrived together, applied in order as if one by one. Each gets an
	 * `answerRecorded` or `answerRefused` effect carrying its position (`seq`) in the list.
	 */
	| { type: 'answers'; list: AnswerCommand[] }
	| { type: 'upvote'; participantId: string; responseId: string }
	/** Homework: the student moves on to their next item. */
	| { type: 'advance'; participantId: string }
	| { type: 'start' }
	| { type: 'lock'; locked: boolean }
	| { type: 'sound'; on: boolean }
	| { type: 'remove'; participantId: string }
	/** Several students at once (select many); an unknown id refuses the whole list. */
	| { type: 'removeMany'; participantIds: string[] }
	/** Everyone not removed who joined in the last `seconds` (a bot flood). */
	| { type: 'removeRecent'; seconds: number }
	/** Turns the join check on or off. */
	| { type: 'joinCheck'; on: boolean }
	| { type: 'extraTime'; participantId: string; extraTime: ExtraTime }
	| { type: 'close' }
	| { type: 'extend'; seconds: number }
	| { type: 'pause' }
	| { type: 'resume' }
	| { type: 'reveal' }
	| { type: 'leaderboard' }
	| { type: 'next' }
	| { type: 'end' }
	| { type: 'moderate'; responseId: string; status: 'approved' | 'hidden' | 'highlighted' }
	| { type: 'tick' };

export type AnswerCommand = Extract<Command, { type: 'answer' }>;

export type RoomError =
	| 'bad_phase'
	| 'room_locked'
	| 'room_ended'
	| 'nickname_taken'
	| 'not_participant'
	| 'removed'
	| 'wrong_item'
	| 'question_closed'
	| 'time_up'
	| 'already_answered'
	| 'wrong_type'
	| 'invalid_response'
	| 'not_found'
	| 'own_response'
	| 'already_upvoted'
	| 'paused';

export type Effect =
	| { type: 'answerRecorded'; answer: Answer; seq?: number }
	| { type: 'answerRefused'; seq: number; error: RoomError }
	/** `presence`: only `connected` changed, which is never stored (everyone is away after a restart). */
	| { type: 'participantsChanged'; ids: string[]; presence?: true }
	/** A question's reveal: every student's own view changed (their result, and their rank). */
	| { type: 'resultsRevealed' }
	| { type: 'participantJoined'; participant: Participant }
	| { type: 'coreChanged' }
	| {
			type: 'moderated';
			item: number;
			responseId: string;
			/** The author, so their own view learns what the teacher decided. */
			participantId: string;
			status: NonNullable<Answer['status']>;
	  }
	| { type: 'upvoted'; responseId: string; voterId: string }
	/** The transport should send `tick` at this time (server ms); null clears the timer. */
	| { type: 'schedule'; at: number | null };

export type StepResult =
	{ ok: true; state: RoomState; effects: Effect[] } | { ok: false; error: RoomError };
