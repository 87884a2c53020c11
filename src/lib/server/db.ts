/**
 * The repository: all SQL lives here, behind plain functions, so that another backend can sit
 * beside it later. SQLite through better-sqlite3 (synchronous, so "written before acknowledged"
 * is simply "written before the ack line runs"), WAL journal, one file under QUORUM_DATA. A live
 * answer reaches SQLite through the answer log beside it (`<file>-answers`, see `answer-log.ts`):
 * appended before the ack, written here with the next transaction or within 20 ms.
 *
 * Room state is stored in three parts: the session's core (phase, items, settings) as JSON,
 * participants as rows, answers as append-only rows. Answers are never rewritten except for an
 * open response's moderation status.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { AnswerLog, type LoggedAnswer } from './answer-log';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { join, resolve } from 'node:path';
import type { Answer, Core, Participant, RoomState } from '../room/types';
import { roomState, shapedCore } from '../room/machine';
import {
	participantFromRow,
	type DeletedRows,
	type Repository,
	type SessionSummary,
	type StoredSession,
	type Write
} from './repository';
import { log as logger } from './log';

export type { DeletedRows, Repository, SessionSummary, StoredSession, Write } from './repository';

/**
 * The embedded store: every method of `Repository` answers synchronously, and a few more are
 * kept for the tests and tools that write rows one by one.
 */
export interface SqliteRepository extends Repository {
	readonly kind: 'sqlite';
	codeExists(code: string): boolean;
	createSession(code: string, hostTokenHash: string, state: RoomState): void;
	loadSession(code: string): StoredSession | null;
	commit(code: string, writes: Write[]): void;
	logAnswers(code: string, answers: Answer[]): void;
	sessionSettings(code: string): Core['settings'] | null;
	participantsByDevice(code: string, deviceHash: string): string[];
	kitInSession(kitSlug: string, now?: number): boolean;
	participantByResume(code: string, resumeHash: string): string | null;
	participantByToken(code: string, tokenHash: string): string | null;
	findReview(reviewHash: string): { code: string; participantId: string } | null;
	openCodes(): string[];
	listSessions(limit?: number, only?: string[]): SessionSummary[];
	reportKeyHash(code: string): string | null;
	setReportKeyHash(code: string, hash: string): void;
	deleteSession(code: string): DeletedRows;
	deleteEndedBefore(ms: number): string[];
	close(): void;
	saveCore(core: Core): void;
	/** `deviceHash`: the hash of the browser's device id, when it sent one (see `devicesOf`). */
	insertParticipant(
		code: string,
		p: Participant,
		tokenHash: string,
		reviewHash: string,
		deviceHash?: string | null
	): void;
	/** Fills in the review key of a participant who joined before review keys existed. */
	ensureReviewHash(participantId: string, reviewHash: string): void;
	/**
	 * Gives a participant their resume code (once: only where none is stored) and, with it, the
	 * review key derived from that code (students who joined before resume codes get a new one).
	 */
	ensureResumeHash(participantId: string, resumeHash: string, reviewHash: string): void;
	saveParticipants(code: string, ps: Participant[]): void;
	insertAnswer(code: string, a: Answer): void;
	setStatus(code: string, responseId: string, status: string): void;
	insertUpvote(code: string, responseId: string, voterId: string): void;
	/** Runs `fn` in one transaction, after any logged answers not yet written. */
	tx<T>(fn: () => T): T;
	/** Who checkpoints the WAL: the worker thread, or commits on this thread (before the worker is up, or after it failed). */
	checkpoints(): 'worker' | 'inline';
}

/**
 * Answers are keyed by (code, item, participant) and are most of what is written during a
 * question, so the table is that key's b-tree alone (WITHOUT ROWID): one page per insert instead
 * of a rowid table plus its key index.
 */
const ANSWERS_DDL = `
	code TEXT NOT NULL,
	item INTEGER NOT NULL,
	participant_id TEXT NOT NULL,
	response_json TEXT NOT NULL,
	at INTEGER NOT NULL,
	credit REAL,
	points INTEGER NOT NULL,
	status TEXT,
	response_id TEXT,
	PRIMARY KEY (code, item, participant_id)`;

const ANSWER_COLUMNS =
	'code, item, participant_id, response_json, at, credit, points, status, response_id';

/** An answer unless it is stored already (logged answers: replayed, or written by a flush). */
const KEEP_ANSWER = `INSERT OR IGNORE INTO answers (${ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
	code TEXT PRIMARY KEY,
	host_token_hash TEXT NOT NULL,
	core_json TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
	id TEXT PRIMARY KEY,
	code TEXT NOT NULL REFERENCES sessions(code),
	token_hash TEXT NOT NULL UNIQUE,
	nickname TEXT NOT NULL,
	joined_at INTEGER NOT NULL,
	extra_time TEXT NOT NULL,
	removed INTEGER NOT NULL DEFAULT 0,
	score INTEGER NOT NULL DEFAULT 0,
	correct INTEGER NOT NULL DEFAULT 0,
	streak INTEGER NOT NULL DEFAULT 0,
	best_streak INTEGER NOT NULL DEFAULT 0,
	progress INTEGER NOT NULL DEFAULT 0,
	review_hash TEXT,
	device_hash TEXT
);
CREATE INDEX IF NOT EXISTS participants_code ON participants(code);
CREATE TABLE IF NOT EXISTS answers (
${ANSWERS_DDL}
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS upvotes (
	code TEXT NOT NULL,
	response_id TEXT NOT NULL,
	voter_id TEXT NOT NULL,
	PRIMARY KEY (code, response_id, voter_id)
);
`;

/** Changes since the first release, for databases created before them. */
function migrate(db: Database.Database) {
	const columns = (db.prepare('PRAGMA table_info(participants)').all() as { name: string }[]).map(
		(c) => c.name
	);
	const sessionColumns = (
		db.prepare('PRAGMA table_info(sessions)').all() as { name: string }[]
	).map((c) => c.name);
	if (!sessionColumns.includes('report_key_hash'))
		db.exec('ALTER TABLE sessions ADD COLUMN report_key_hash TEXT');
	if (!columns.includes('progress'))
		db.exec('ALTER TABLE participants ADD COLUMN progress INTEGER NOT NULL DEFAULT 0');
	if (!columns.includes('device_hash'))
		db.exec('ALTER TABLE participants ADD COLUMN device_hash TEXT');
	db.exec(
		'CREATE INDEX IF NOT EXISTS participants_device ON participants(code, device_hash) WHERE device_hash IS NOT NULL'
	);
	if (!columns.includes('resume_hash'))
		db.exec('ALTER TABLE participants ADD COLUMN resume_hash TEXT');
	db.exec('CREATE INDEX IF NOT EXISTS participants_resume ON participants(code, resume_hash)');
	// Answers as a rowid table (before WITHOUT ROWID): copied over once, in one transaction.
	const answers = db
		.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'answers'")
		.get() as { sql: string } | undefined;
	if (answers && !/WITHOUT ROWID/i.test(answers.sql))
		db.transaction(() => {
			db.exec(`CREATE TABLE answers_keyed (${ANSWERS_DDL}) WITHOUT ROWID`);
			db.exec(
				`INSERT INTO answers_keyed (${ANSWER_COLUMNS}) SELECT ${ANSWER_COLUMNS} FROM answers`
			);
			db.exec('DROP TABLE answers');
			db.exec('ALTER TABLE answers_keyed RENAME TO answers');
		})();
}

export function dataDir(): string {
	return resolve(process.env.QUORUM_DATA ?? 'data');
}

export function openDatabase(
	file = join(dataDir(), 'quorum.db'),
	options: { checkpointEveryMs?: number; logFlushMs?: number } = {}
): SqliteRepository {
	const logFlushMs = options.logFlushMs ?? LOG_FLUSH_MS;
	if (file !== ':memory:') mkdirSync(resolve(file, '..'), { recursive: true });
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	const mode = { current: 'inline' as 'worker' | 'inline' };
	const checkpointer =
		file === ':memory:'
			? null
			: startCheckpointer(db, file, options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS, mode);
	db.pragma('foreign_keys = ON');
	db.exec(SCHEMA);
	migrate(db);
	const log = file === ':memory:' ? null : openAnswerLog(db, `${file}-answers`);

	const q = {
		exists: db.prepare('SELECT 1 FROM sessions WHERE code = ?'),
		insertSession: db.prepare(
			'INSERT INTO sessions (code, host_token_hash, core_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'
		),
		session: db.prepare('SELECT host_token_hash, core_json FROM sessions WHERE code = ?'),
		saveCore: db.prepare('UPDATE sessions SET core_json = ?, updated_at = ? WHERE code = ?'),
		insertParticipant: db.prepare(
			`INSERT INTO participants (id, code, token_hash, review_hash, device_hash, nickname, joined_at, extra_time, removed, score, correct, streak, best_streak, progress)
			 VALUES (@id, @code, @tokenHash, @reviewHash, @deviceHash, @nickname, @joinedAt, @extraTime, @removed, @score, @correct, @streak, @bestStreak, @progress)`
		),
		saveParticipant: db.prepare(
			`UPDATE participants SET extra_time = @extraTime, removed = @removed, score = @score, correct = @correct,
			 streak = @streak, best_streak = @bestStreak, progress = @progress WHERE id = @id AND code = @code`
		),
		participants: db.prepare('SELECT * FROM participants WHERE code = ? ORDER BY joined_at'),
		byToken: db.prepare('SELECT id FROM participants WHERE code = ? AND token_hash = ?'),
		byReview: db.prepare('SELECT id, code FROM participants WHERE review_hash = ?'),
		settings: db.prepare(
			"SELECT json_extract(core_json, '$.settings') AS settings FROM sessions WHERE code = ?"
		),
		byDevice: db.prepare(
			'SELECT id FROM participants WHERE code = ? AND device_hash = ? ORDER BY joined_at'
		),
		kitInSession: db.prepare(
			`SELECT 1 FROM sessions WHERE json_extract(core_json, '$.kitSlug') = @slug
			 AND json_extract(core_json, '$.phase') != 'ended'
			 AND COALESCE(json_extract(core_json, '$.settings.allowStudy'), 0) = 0
			 AND (CASE WHEN json_extract(core_json, '$.settings.mode') = 'homework'
			      THEN COALESCE(json_extract(core_json, '$.settings.deadline'), @now + 1) > @now
			      ELSE updated_at > @now - @stale END)
			 LIMIT 1`
		),
		ensureReview: db.prepare(
			'UPDATE participants SET review_hash = ? WHERE id = ? AND review_hash IS NULL'
		),
		ensureResume: db.prepare(
			'UPDATE participants SET resume_hash = ?, review_hash = ? WHERE id = ? AND resume_hash IS NULL'
		),
		byResume: db.prepare('SELECT id FROM participants WHERE code = ? AND resume_hash = ?'),
		insertAnswer: db.prepare(
			`INSERT INTO answers (${ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
		),
		keepAnswer: db.prepare(KEEP_ANSWER),
		answers: db.prepare('SELECT * FROM answers WHERE code = ?'),
		setStatus: db.prepare('UPDATE answers SET status = ? WHERE code = ? AND response_id = ?'),
		insertUpvote: db.prepare('INSERT INTO upvotes (code, response_id, voter_id) VALUES (?, ?, ?)'),
		upvotes: db.prepare('SELECT response_id, voter_id FROM upvotes WHERE code = ?'),
		open: db.prepare(
			"SELECT code FROM sessions WHERE json_extract(core_json, '$.phase') = 'open' ORDER BY updated_at DESC LIMIT 500"
		),
		list: db.prepare(
			`SELECT s.code, s.core_json, s.updated_at,
			 (SELECT COUNT(*) FROM participants p WHERE p.code = s.code AND p.removed = 0) AS players,
			 (SELECT COUNT(*) FROM participants p WHERE p.code = s.code AND p.removed = 0
			   AND p.progress >= json_array_length(s.core_json, '$.items')) AS finished,
			 (SELECT COUNT(*) FROM answers a JOIN participants p ON p.id = a.participant_id
			   WHERE a.code = s.code AND p.removed = 0 AND a.credit = 1) AS correct
			 FROM sessions s ORDER BY s.created_at DESC LIMIT ?`
		),
		reportKey: db.prepare('SELECT report_key_hash FROM sessions WHERE code = ?'),
		setReportKey: db.prepare('UPDATE sessions SET report_key_hash = ? WHERE code = ?'),
		deleteUpvotes: db.prepare('DELETE FROM upvotes WHERE code = ?'),
		deleteAnswers: db.prepare('DELETE FROM answers WHERE code = ?'),
		deleteParticipants: db.prepare('DELETE FROM participants WHERE code = ?'),
		deleteSession: db.prepare('DELETE FROM sessions WHERE code = ?'),
		endedBefore: db.prepare(
			"SELECT code FROM sessions WHERE json_extract(core_json, '$.phase') = 'ended' AND updated_at < ?"
		)
	};

	const inTx = db.transaction((fn: () => unknown) => fn());

	const insertAnswer = (code: string, a: Answer) => q.insertAnswer.run(answerRow(code, a));
	/** Logged answers not yet in SQLite, oldest first. */
	const pending: LoggedAnswer[] = [];
	let flushTimer: ReturnType<typeof setTimeout> | null = null;
	/** `fn` in a transaction that first writes the pending answers; the log empties after it. */
	const tx = <T>(fn: () => T): T => {
		const n = pending.length;
		const out = inTx(() => {
			for (let i = 0; i < n; i++) {
				const { code, answer } = pending[i]!;
				// Never twice (the machine refuses a second answer); if it were, keep the first
				// and say so rather than fail every later transaction.
				if (q.keepAnswer.run(answerRow(code, answer)).changes === 0)
					logger.error(
						{ code, participantId: answer.participantId, item: answer.item },
						'a logged answer was in the database already'
					);
			}
			return fn();
		}) as T;
		if (n) {
			pending.splice(0, n);
			try {
				if (!pending.length) log?.clear();
			} catch (e) {
				// Committed all the same; what stays in the log is skipped when replayed.
				logger.error({ err: e }, 'emptying the answer log failed');
			}
		}
		return out;
	};
	const flush = () => {
		if (flushTimer) clearTimeout(flushTimer);
		flushTimer = null;
		if (!pending.length) return;
		try {
			tx(() => undefined);
		} catch (e) {
			// Still in the log, so nothing is lost; try again shortly.
			logger.error({ err: e }, 'writing logged answers to the database failed');
			flushTimer = setTimeout(flush, LOG_RETRY_MS);
			flushTimer.unref?.();
		}
	};

	/** Children first: participants reference the session. */
	const deleteSession = (code: string): DeletedRows =>
		tx(() => ({
			upvotes: q.deleteUpvotes.run(code).changes,
			answers: q.deleteAnswers.run(code).changes,
			participants: q.deleteParticipants.run(code).changes,
			sessions: q.deleteSession.run(code).changes
		}));

	/** A participant's row parameters (no spread copy: a reveal saves every student). */
	const participantParams = (code: string, p: Participant) => ({
		id: p.id,
		code,
		nickname: p.nickname,
		joinedAt: p.joinedAt,
		extraTime: String(p.extraTime),
		removed: p.removed ? 1 : 0,
		score: p.score,
		correct: p.correct,
		streak: p.streak,
		bestStreak: p.bestStreak,
		progress: p.progress
	});

	const insertParticipant = (
		code: string,
		p: Participant,
		tokenHash: string,
		reviewHash: string,
		deviceHash: string | null = null
	) =>
		q.insertParticipant.run({ ...participantParams(code, p), tokenHash, reviewHash, deviceHash });
	const ensureResumeHash = (participantId: string, resumeHash: string, reviewHash: string) =>
		q.ensureResume.run(resumeHash, reviewHash, participantId);
	const saveParticipants = (code: string, ps: Participant[]) => {
		for (const p of ps) q.saveParticipant.run(participantParams(code, p));
	};

	return {
		file,
		kind: 'sqlite',
		commit(code, writes) {
			tx(() => {
				for (const w of writes) {
					switch (w.type) {
						case 'answer':
							insertAnswer(code, w.answer);
							break;
						case 'participants':
							saveParticipants(code, w.participants);
							break;
						case 'core':
							q.saveCore.run(JSON.stringify(w.core), Date.now(), w.core.code);
							break;
						case 'status':
							q.setStatus.run(w.status, code, w.responseId);
							break;
						case 'upvote':
							q.insertUpvote.run(code, w.responseId, w.voterId);
							break;
						case 'joined':
							insertParticipant(code, w.participant, w.tokenHash, w.reviewHash, w.deviceHash);
							ensureResumeHash(w.participant.id, w.resumeHash, w.reviewHash);
							break;
						case 'resume':
							ensureResumeHash(w.participantId, w.resumeHash, w.reviewHash);
							break;
					}
				}
			});
		},
		codeExists: (code) => q.exists.get(code) !== undefined,
		createSession(code, hostTokenHash, state) {
			const now = state.core.createdAt;
			q.insertSession.run(code, hostTokenHash, JSON.stringify(state.core), now, now);
		},
		loadSession(code) {
			flush();
			// Never a room without answers already acked: fail until they are written.
			if (pending.length)
				throw new Error('answers are logged but could not be written to the database yet');
			const row = q.session.get(code) as { host_token_hash: string; core_json: string } | undefined;
			if (!row) return null;
			const core = JSON.parse(row.core_json) as Core;
			const participants: Record<string, Participant> = {};
			for (const r of q.participants.all(code) as Record<string, unknown>[]) {
				const p = participantFromRow(r);
				participants[p.id] = p;
			}
			const answers: RoomState['answers'] = {};
			for (const r of q.answers.all(code) as Record<string, string | number | null>[]) {
				const item = Number(r.item);
				const a: Answer = {
					participantId: String(r.participant_id),
					item,
					response: JSON.parse(String(r.response_json)) as Answer['response'],
					at: Number(r.at),
					credit: r.credit === null ? null : Number(r.credit),
					points: Number(r.points)
				};
				if (r.status) a.status = String(r.status) as Answer['status'];
				if (r.response_id) a.responseId = String(r.response_id);
				(answers[item] ??= {})[a.participantId] = a;
			}
			const upvotes: RoomState['upvotes'] = {};
			for (const r of q.upvotes.all(code) as { response_id: string; voter_id: string }[]) {
				(upvotes[r.response_id] ??= []).push(r.voter_id);
			}
			return {
				hostTokenHash: row.host_token_hash,
				state: roomState(shapedCore(core), participants, answers, upvotes)
			};
		},
		saveCore(core) {
			q.saveCore.run(JSON.stringify(core), Date.now(), core.code);
		},
		insertParticipant,
		sessionSettings(code) {
			const row = q.settings.get(code) as { settings: string | null } | undefined;
			return row?.settings ? (JSON.parse(row.settings) as Core['settings']) : null;
		},
		participantsByDevice(code, deviceHash) {
			return (q.byDevice.all(code, deviceHash) as { id: string }[]).map((r) => r.id);
		},
		kitInSession(slug, now = Date.now()) {
			return q.kitInSession.get({ slug, now, stale: STALE_LIVE_MS }) !== undefined;
		},
		ensureResumeHash,
		participantByResume(code, resumeHash) {
			const row = q.byResume.get(code, resumeHash) as { id: string } | undefined;
			return row?.id ?? null;
		},
		ensureReviewHash(participantId, reviewHash) {
			q.ensureReview.run(reviewHash, participantId);
		},
		saveParticipants,
		participantByToken(code, tokenHash) {
			const row = q.byToken.get(code, tokenHash) as { id: string } | undefined;
			return row?.id ?? null;
		},
		findReview(reviewHash) {
			const row = q.byReview.get(reviewHash) as { id: string; code: string } | undefined;
			return row ? { code: row.code, participantId: row.id } : null;
		},
		insertAnswer,
		logAnswers(code, answers) {
			// In a transaction already: written with it. No log to write to: a transaction now.
			if (db.inTransaction) {
				for (const a of answers) insertAnswer(code, a);
				return;
			}
			if (!log || log.broken) {
				tx(() => {
					for (const a of answers) insertAnswer(code, a);
				});
				return;
			}
			const entries = answers.map((answer) => ({ code, answer }));
			log.append(entries);
			pending.push(...entries);
			if (!flushTimer) {
				flushTimer = setTimeout(flush, logFlushMs);
				flushTimer.unref?.();
			}
		},
		setStatus(code, responseId, status) {
			q.setStatus.run(status, code, responseId);
		},
		insertUpvote(code, responseId, voterId) {
			q.insertUpvote.run(code, responseId, voterId);
		},
		openCodes: () => (q.open.all() as { code: string }[]).map((r) => r.code),
		// One wrapper for every transaction: `db.transaction(fn)` builds four new functions a call.
		tx,
		listSessions(limit = 200, only) {
			flush();
			const rows = q.list.all(limit) as {
				code: string;
				core_json: string;
				updated_at: number;
				players: number;
				finished: number;
				correct: number;
			}[];
			return rows
				.filter((r) => !only || only.includes(r.code))
				.map((r) => {
					const core = JSON.parse(r.core_json) as Core;
					return {
						code: r.code,
						kitSlug: core.kitSlug,
						kitTitle: core.kitTitle,
						createdAt: core.createdAt,
						updatedAt: r.updated_at,
						phase: core.phase,
						mode: core.settings.mode ?? 'live',
						deadline: core.settings.deadline ?? null,
						items: core.items.length,
						questions: core.items.filter((i) => i.kind === 'question').length,
						players: r.players,
						finished: r.finished,
						correctAnswers: r.correct
					};
				});
		},
		reportKeyHash(code) {
			const row = q.reportKey.get(code) as { report_key_hash: string | null } | undefined;
			return row?.report_key_hash ?? null;
		},
		setReportKeyHash(code, hash) {
			q.setReportKey.run(hash, code);
		},
		deleteSession,
		deleteEndedBefore(ms) {
			const codes = (q.endedBefore.all(ms) as { code: string }[]).map((r) => r.code);
			for (const code of codes) deleteSession(code);
			return codes;
		},
		checkpoints: () => mode.current,
		close: () => {
			flush();
			if (flushTimer) clearTimeout(flushTimer);
			log?.close();
			void checkpointer?.terminate();
			db.close();
		}
	};
}

/** An answer as the `answers` table's columns (`ANSWER_COLUMNS`), in order. */
const answerRow = (code: string, a: Answer) => [
	code,
	a.item,
	a.participantId,
	JSON.stringify(a.response),
	a.at,
	a.credit,
	a.points,
	a.status ?? null,
	a.responseId ?? null
];

/** A live session with no change of phase or item for this long is taken as abandoned. */
export const STALE_LIVE_MS = 12 * 60 * 60 * 1000;

/** How long a logged answer may wait for its SQLite write (any transaction writes it sooner). */
const LOG_FLUSH_MS = 20;
const LOG_RETRY_MS = 1000;

/**
 * Opens the answer log beside the database. Answers a previous process logged but never wrote
 * to SQLite (it stopped within `LOG_FLUSH_MS` of them) are written first, so nothing reads the
 * database without them; a line cut short by a crash was never acked and is skipped.
 */
function openAnswerLog(db: Database.Database, file: string): AnswerLog {
	const { log, left, unreadable } = AnswerLog.open(file);
	try {
		if (left.length) {
			// Some may be in already (a stop between the commit and emptying the file).
			const insert = db.prepare(KEEP_ANSWER);
			db.transaction(() => {
				for (const { code, answer } of left) insert.run(answerRow(code, answer));
			})();
		}
		log.clear();
	} catch (e) {
		log.close();
		throw e;
	}
	if (left.length || unreadable)
		logger.warn(
			{ written: left.length, unreadable },
			'answer log: answers from before the last stop written to the database' +
				(unreadable ? '; unreadable lines skipped (cut short, never acknowledged)' : '')
		);
	return log;
}

/**
 * Checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
 * pushes the WAL past 1,000 pages: it copies ~4 MB into the database file and fsyncs it, a 4–10 ms
 * stall on the thread that serves every socket, about once per 300 answers. A worker thread with
 * its own connection runs passive checkpoints instead (they never block a writer), and the
 * server's connection stops checkpointing. Should the worker fail, automatic checkpoints resume.
 */
const CHECKPOINT_EVERY_MS = 1000;
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 2000');
setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.everyMs);
parentPort.postMessage('ready');
`;

function startCheckpointer(
	db: Database.Database,
	file: string,
	everyMs: number,
	mode: { current: 'worker' | 'inline' }
): Worker | null {
	let worker: Worker;
	try {
		worker = new Worker(CHECKPOINTER, {
			eval: true,
			workerData: {
				driver: createRequire(import.meta.url).resolve('better-sqlite3'),
				file,
				everyMs
			}
		});
	} catch (e) {
		logger.error({ err: e }, 'no checkpoint worker; SQLite checkpoints in place');
		return null;
	}
	worker.unref();
	worker.once('message', () => {
		if (!db.open) return;
		db.pragma('wal_autocheckpoint = 0');
		mode.current = 'worker';
	});
	worker.on('error', (e) => {
		logger.error({ err: e }, 'checkpoint worker failed; SQLite checkpoints in place again');
	});
	// However it stops (an error, or an exit nobody asked for), commits checkpoint again; when the
	// repository closes, the database is closed first and there is nothing to restore.
	worker.on('exit', () => {
		mode.current = 'inline';
		if (db.open) db.pragma('wal_autocheckpoint = 1000');
	});
	return worker;
}
