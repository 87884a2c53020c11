/**
 * The repository over PostgreSQL (scaled mode, `QUORUM_DATABASE_URL`): the same methods and
 * meanings as SQLite's (`db.ts`), every one a promise, and the leases that choose each room's
 * owner. All of scaled mode's SQL is here (the schema is in `migrations.ts`).
 *
 * Invariants:
 * - A fenced write (`fence` a number) commits only if the room's lease still has that epoch. The
 *   check locks the lease row FOR SHARE until the write commits, and a takeover must UPDATE that
 *   row: so a takeover either waits for the write (and then loads it) or the write is refused.
 * - Lease times come from PostgreSQL's clock (`clock_timestamp()`), never a process's: processes
 *   whose clocks disagree still agree on who holds a room. The epoch grows by one on every acquire.
 * - `logAnswers` resolves after its answers are committed; calls arriving while one is in flight
 *   go together in the next statement (see `group-commit.ts`). An answer's key is (code, item,
 *   participant): storing it again changes nothing and is no error, so a resent answer is harmless.
 * - Times are bigint server ms, read back as numbers; the core and responses are jsonb.
 */
import pg from 'pg';
import type { Answer, Core, Participant, RoomState } from '../../room/types';
import { roomState, shapedCore } from '../../room/machine';
import { STALE_LIVE_MS } from '../db';
import { log } from '../log';
import {
	FencedError,
	participantFromRow,
	type DeletedRows,
	type Fence,
	type LeaseStore,
	type Repository,
	type SessionSummary,
	type StoredSession,
	type Write
} from '../repository';
import { groupCommit } from './group-commit';
import { migrate } from './migrations';

/** `Repository` with every method returning a promise, as this one does. */
type Async<T> = {
	[K in keyof T]: T[K] extends (...args: infer A) => infer R
		? (...args: A) => Promise<Awaited<R>>
		: T[K];
};

export type PostgresRepository = Async<Repository> & LeaseStore & { readonly kind: 'postgres' };

export interface PostgresOptions {
	/** Connections in the pool (default 10). */
	poolSize?: number;
	/** Group `logAnswers` calls that arrive while one is being written (default on). */
	groupCommit?: boolean;
	/** Skip the migrations (tests that migrate once themselves). */
	migrate?: boolean;
}

/** bigint (int8, also count(*)) as a number: times in ms and counts stay below 2^53. */
const INT8 = 20;
const types = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === INT8 && format !== 'binary'
			? (v: string) => Number(v)
			: pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser
};

const ANSWER_COLUMNS =
	'code, item, participant_id, response_json, at, credit, points, status, response_id';
const ANSWER_ARRAYS =
	'$1::text[], $2::int[], $3::text[], $4::jsonb[], $5::bigint[], $6::float8[], $7::int[], $8::text[], $9::text[]';

/** Answers not stored yet; one statement whatever their number. */
const INSERT_ANSWERS = `INSERT INTO answers (${ANSWER_COLUMNS})
	SELECT * FROM unnest(${ANSWER_ARRAYS})
	ON CONFLICT (code, item, participant_id) DO NOTHING`;

/**
 * A group of `logAnswers` calls in one statement (one round trip): the fenced rooms' leases are
 * locked in code order (a fixed order: no deadlock with `renewLeases`, which takes its rows in the
 * same order), an answer goes in only if its call's fence matches, and the epochs found come back
 * so each refused call learns it was.
 */
const LOG_ANSWERS = `WITH fence AS MATERIALIZED (
		SELECT code, epoch FROM room_leases WHERE code = ANY($10::text[]) ORDER BY code FOR SHARE
	), written AS (
		INSERT INTO answers (${ANSWER_COLUMNS})
		SELECT a.code, a.item, a.participant_id, a.response_json, a.at, a.credit, a.points, a.status, a.response_id
		FROM unnest(${ANSWER_ARRAYS}, $11::bigint[])
			AS a(code, item, participant_id, response_json, at, credit, points, status, response_id, fence)
		WHERE a.fence IS NULL OR EXISTS (SELECT 1 FROM fence f WHERE f.code = a.code AND f.epoch = a.fence)
		ON CONFLICT (code, item, participant_id) DO NOTHING
	)
	SELECT code, epoch FROM fence`;

const FENCE = 'SELECT epoch FROM room_leases WHERE code = $1 FOR SHARE';

/** ms as an interval, for lease expiry. */
const TTL = "$3::float8 * interval '1 millisecond'";

interface LoggedCall {
	code: string;
	answers: Answer[];
	fence: number | null;
}

/** Answers as the `unnest` arrays of `ANSWER_ARRAYS`, in key order (concurrent inserts of the same keys take them in one order). */
function answerArrays(rows: { code: string; answer: Answer; fence?: number | null }[]): unknown[] {
	const sorted = [...rows].sort(
		(x, y) =>
			(x.code < y.code ? -1 : x.code > y.code ? 1 : 0) ||
			x.answer.item - y.answer.item ||
			(x.answer.participantId < y.answer.participantId ? -1 : 1)
	);
	const cols: unknown[][] = Array.from({ length: 10 }, () => []);
	for (const { code, answer: a, fence } of sorted) {
		cols[0]!.push(code);
		cols[1]!.push(a.item);
		cols[2]!.push(a.participantId);
		cols[3]!.push(JSON.stringify(a.response));
		cols[4]!.push(a.at);
		cols[5]!.push(a.credit);
		cols[6]!.push(a.points);
		cols[7]!.push(a.status ?? null);
		cols[8]!.push(a.responseId ?? null);
		cols[9]!.push(fence ?? null);
	}
	return cols;
}

/** The database without its password, for logs. */
function redacted(url: string): string {
	try {
		const u = new URL(url);
		u.password = '';
		return u.toString();
	} catch {
		return 'postgres (unparsable URL)';
	}
}

type Row = Record<string, unknown>;

const participantOf = (r: Row): Participant => participantFromRow(r);

function answerOf(r: Row): Answer {
	const a: Answer = {
		participantId: String(r.participant_id),
		item: Number(r.item),
		response: r.response_json as Answer['response'],
		at: Number(r.at),
		credit: r.credit === null ? null : Number(r.credit),
		points: Number(r.points)
	};
	if (r.status) a.status = String(r.status) as Answer['status'];
	if (r.response_id) a.responseId = String(r.response_id);
	return a;
}

/**
 * Opens (and migrates) the database at `url`. Several processes may open it at once: the
 * migrator's lock lets one migrate and the others wait.
 */
export async function openPostgres(
	url: string,
	options: PostgresOptions = {}
): Promise<PostgresRepository> {
	if (options.migrate !== false) await migrate(url);
	const pool = new pg.Pool({
		connectionString: url,
		max: options.poolSize ?? 10,
		application_name: 'quorum',
		connectionTimeoutMillis: 5000,
		// A server that hangs (rather than drops the connection) fails a query here instead of
		// holding the room's commits and their acks forever; nothing unstored is ever acked.
		query_timeout: 10_000,
		keepAlive: true,
		types
	});
	// An idle connection that breaks (the server restarted) is dropped from the pool; without a
	// listener the error would end the process.
	pool.on('error', (err) =>
		log.warn({ error: err.message }, 'PostgreSQL: an idle connection failed')
	);

	const transaction = async <T>(
		fn: (c: pg.PoolClient) => Promise<T>,
		begin = 'BEGIN'
	): Promise<T> => {
		const c = await pool.connect();
		try {
			await c.query(begin);
			const out = await fn(c);
			await c.query('COMMIT');
			c.release();
			return out;
		} catch (e) {
			try {
				await c.query('ROLLBACK');
				c.release();
			} catch (broken) {
				// The connection itself failed: drop it rather than hand it out again.
				c.release(broken instanceof Error ? broken : true);
			}
			throw e;
		}
	};

	const writeAnswers = (c: pg.PoolClient, code: string, answers: Answer[]) =>
		c.query({
			name: 'insert-answers',
			text: INSERT_ANSWERS,
			values: answerArrays(answers.map((answer) => ({ code, answer }))).slice(0, 9)
		});

	/** One write of `commit`; consecutive answers were merged into one `answer` list. */
	const apply = async (c: pg.PoolClient, code: string, w: Write) => {
		switch (w.type) {
			case 'answer':
				return writeAnswers(c, code, [w.answer]);
			case 'participants': {
				// One row per student (an UPDATE … FROM applies one match per row): the last wins, as
				// SQLite's updates one by one would leave it.
				const ps = [...new Map(w.participants.map((p) => [p.id, p])).values()];
				if (!ps.length) return;
				return c.query(
					`UPDATE participants p SET extra_time = u.extra_time, removed = u.removed, score = u.score,
					 correct = u.correct, streak = u.streak, best_streak = u.best_streak, progress = u.progress
					 FROM unnest($2::text[], $3::text[], $4::boolean[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])
					   AS u(id, extra_time, removed, score, correct, streak, best_streak, progress)
					 WHERE p.id = u.id AND p.code = $1`,
					[
						code,
						ps.map((p) => p.id),
						ps.map((p) => String(p.extraTime)),
						ps.map((p) => p.removed),
						ps.map((p) => p.score),
						ps.map((p) => p.correct),
						ps.map((p) => p.streak),
						ps.map((p) => p.bestStreak),
						ps.map((p) => p.progress)
					]
				);
			}
			case 'core':
				return c.query(
					'UPDATE sessions SET core_json = $1::jsonb, updated_at = $2 WHERE code = $3',
					[JSON.stringify(w.core), Date.now(), w.core.code]
				);
			case 'status':
				return c.query('UPDATE answers SET status = $1 WHERE code = $2 AND response_id = $3', [
					w.status,
					code,
					w.responseId
				]);
			case 'upvote':
				return c.query('INSERT INTO upvotes (code, response_id, voter_id) VALUES ($1, $2, $3)', [
					code,
					w.responseId,
					w.voterId
				]);
			case 'joined': {
				const p = w.participant;
				return c.query(
					`INSERT INTO participants (id, code, token_hash, review_hash, resume_hash, device_hash, nickname,
					 joined_at, extra_time, removed, score, correct, streak, best_streak, progress)
					 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
					[
						p.id,
						code,
						w.tokenHash,
						w.reviewHash,
						w.resumeHash,
						w.deviceHash,
						p.nickname,
						p.joinedAt,
						String(p.extraTime),
						p.removed,
						p.score,
						p.correct,
						p.streak,
						p.bestStreak,
						p.progress
					]
				);
			}
			case 'resume':
				return c.query(
					'UPDATE participants SET resume_hash = $1, review_hash = $2 WHERE id = $3 AND resume_hash IS NULL',
					[w.resumeHash, w.reviewHash, w.participantId]
				);
		}
	};

	const commit = (code: string, writes: Write[], fence?: Fence): Promise<void> =>
		transaction(async (c) => {
			if (typeof fence === 'number') {
				const r = await c.query<{ epoch: number }>({ name: 'fence', text: FENCE, values: [code] });
				if (r.rows[0]?.epoch !== fence) throw new FencedError(code, fence);
			}
			for (let i = 0; i < writes.length;) {
				const w = writes[i]!;
				if (w.type !== 'answer') {
					await apply(c, code, w);
					i++;
					continue;
				}
				// A run of answers: one statement.
				const run: Answer[] = [];
				for (; i < writes.length && writes[i]!.type === 'answer'; i++)
					run.push((writes[i] as { answer: Answer }).answer);
				await writeAnswers(c, code, run);
			}
		});

	/** One statement for a group of calls; each fenced call whose room moved on gets its error. */
	const logBatch = async (calls: LoggedCall[]): Promise<(Error | null)[]> => {
		const rows = calls.flatMap((call) =>
			call.answers.map((answer) => ({ code: call.code, answer, fence: call.fence }))
		);
		const fenced = [...new Set(calls.filter((c) => c.fence !== null).map((c) => c.code))];
		const cols = answerArrays(rows);
		const r = await pool.query<{ code: string; epoch: number }>({
			name: 'log-answers',
			text: LOG_ANSWERS,
			values: [...cols.slice(0, 9), fenced, cols[9]]
		});
		const epochs = new Map(r.rows.map((row) => [row.code, row.epoch]));
		return calls.map((call) =>
			call.fence !== null && epochs.get(call.code) !== call.fence
				? new FencedError(call.code, call.fence)
				: null
		);
	};
	const grouped = options.groupCommit === false ? null : groupCommit(logBatch);

	/** Children first: participants reference the session (leases go with it: ON DELETE CASCADE). */
	const deleteCodes = async (c: pg.PoolClient, codes: string[]): Promise<DeletedRows> => {
		const count = async (table: string) =>
			(await c.query(`DELETE FROM ${table} WHERE code = ANY($1::text[])`, [codes])).rowCount ?? 0;
		const upvotes = await count('upvotes');
		const answers = await count('answers');
		const participants = await count('participants');
		return { upvotes, answers, participants, sessions: await count('sessions') };
	};

	const one = async <T extends Row>(text: string, values: unknown[]): Promise<T | undefined> =>
		(await pool.query<T>(text, values)).rows[0];

	return {
		file: redacted(url),
		kind: 'postgres',
		async codeExists(code) {
			return (await one('SELECT 1 FROM sessions WHERE code = $1', [code])) !== undefined;
		},
		async createSession(code, hostTokenHash, state: RoomState) {
			const now = state.core.createdAt;
			await pool.query(
				'INSERT INTO sessions (code, host_token_hash, core_json, created_at, updated_at) VALUES ($1, $2, $3::jsonb, $4, $4)',
				[code, hostTokenHash, JSON.stringify(state.core), now]
			);
		},
		// One snapshot for the four reads: a write landing between them cannot half-appear.
		loadSession: (code) =>
			transaction(async (c): Promise<StoredSession | null> => {
				const session = await c.query<{ host_token_hash: string; core_json: Core }>(
					'SELECT host_token_hash, core_json FROM sessions WHERE code = $1',
					[code]
				);
				const row = session.rows[0];
				if (!row) return null;
				const participants: RoomState['participants'] = {};
				const ps = await c.query(
					'SELECT * FROM participants WHERE code = $1 ORDER BY joined_at, id',
					[code]
				);
				for (const r of ps.rows) participants[String(r.id)] = participantOf(r);
				const answers: RoomState['answers'] = {};
				for (const r of (await c.query('SELECT * FROM answers WHERE code = $1', [code])).rows) {
					const a = answerOf(r);
					(answers[a.item] ??= {})[a.participantId] = a;
				}
				const upvotes: RoomState['upvotes'] = {};
				const votes = await c.query<{ response_id: string; voter_id: string }>(
					'SELECT response_id, voter_id FROM upvotes WHERE code = $1',
					[code]
				);
				for (const r of votes.rows) (upvotes[r.response_id] ??= []).push(r.voter_id);
				return {
					hostTokenHash: row.host_token_hash,
					state: roomState(shapedCore(row.core_json), participants, answers, upvotes)
				};
			}, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'),
		commit,
		async logAnswers(code, answers, fence) {
			if (!answers.length) return;
			const call = { code, answers, fence: typeof fence === 'number' ? fence : null };
			if (grouped) return grouped.add(call);
			const [error] = await logBatch([call]);
			if (error) throw error;
		},
		async sessionSettings(code) {
			const row = await one<{ settings: Core['settings'] | null }>(
				"SELECT core_json->'settings' AS settings FROM sessions WHERE code = $1",
				[code]
			);
			return row?.settings ?? null;
		},
		async participantsByDevice(code, deviceHash) {
			const r = await pool.query<{ id: string }>(
				'SELECT id FROM participants WHERE code = $1 AND device_hash = $2 ORDER BY joined_at, id',
				[code, deviceHash]
			);
			return r.rows.map((row) => row.id);
		},
		async kitInSession(kitSlug, now = Date.now()) {
			const row = await one(
				`SELECT 1 FROM sessions WHERE core_json->>'kitSlug' = $1
				 AND core_json->>'phase' <> 'ended'
				 AND NOT COALESCE((core_json->'settings'->>'allowStudy')::boolean, false)
				 AND CASE WHEN core_json->'settings'->>'mode' = 'homework'
				     THEN COALESCE((core_json->'settings'->>'deadline')::float8, $2::float8 + 1) > $2::float8
				     ELSE updated_at > $2::float8 - $3::float8 END
				 LIMIT 1`,
				[kitSlug, now, STALE_LIVE_MS]
			);
			return row !== undefined;
		},
		async participantByResume(code, resumeHash) {
			const row = await one<{ id: string }>(
				'SELECT id FROM participants WHERE code = $1 AND resume_hash = $2',
				[code, resumeHash]
			);
			return row?.id ?? null;
		},
		async participantByToken(code, tokenHash) {
			const row = await one<{ id: string }>(
				'SELECT id FROM participants WHERE code = $1 AND token_hash = $2',
				[code, tokenHash]
			);
			return row?.id ?? null;
		},
		async findReview(reviewHash) {
			const row = await one<{ id: string; code: string }>(
				'SELECT id, code FROM participants WHERE review_hash = $1',
				[reviewHash]
			);
			return row ? { code: row.code, participantId: row.id } : null;
		},
		async openCodes() {
			const r = await pool.query<{ code: string }>(
				"SELECT code FROM sessions WHERE core_json->>'phase' = 'open' ORDER BY updated_at DESC LIMIT 500"
			);
			return r.rows.map((row) => row.code);
		},
		async listSessions(limit = 200, only): Promise<SessionSummary[]> {
			const r = await pool.query<{
				code: string;
				core_json: Core;
				updated_at: number;
				players: number;
				finished: number;
				correct: number;
			}>(
				`SELECT s.code, s.core_json, s.updated_at,
				 (SELECT count(*) FROM participants p WHERE p.code = s.code AND NOT p.removed) AS players,
				 (SELECT count(*) FROM participants p WHERE p.code = s.code AND NOT p.removed
				   AND p.progress >= jsonb_array_length(s.core_json->'items')) AS finished,
				 (SELECT count(*) FROM answers a JOIN participants p ON p.id = a.participant_id
				   WHERE a.code = s.code AND NOT p.removed AND a.credit = 1) AS correct
				 FROM sessions s ORDER BY s.created_at DESC LIMIT $1`,
				[limit]
			);
			// As SQLite: `only` picks among the newest `limit`.
			return r.rows
				.filter((row) => !only || only.includes(row.code))
				.map(({ code, core_json: core, updated_at, players, finished, correct }) => ({
					code,
					kitSlug: core.kitSlug,
					kitTitle: core.kitTitle,
					createdAt: core.createdAt,
					updatedAt: updated_at,
					phase: core.phase,
					mode: core.settings.mode ?? 'live',
					deadline: core.settings.deadline ?? null,
					items: core.items.length,
					questions: core.items.filter((i) => i.kind === 'question').length,
					players,
					finished,
					correctAnswers: correct
				}));
		},
		async reportKeyHash(code) {
			const row = await one<{ report_key_hash: string | null }>(
				'SELECT report_key_hash FROM sessions WHERE code = $1',
				[code]
			);
			return row?.report_key_hash ?? null;
		},
		async setReportKeyHash(code, hash) {
			await pool.query('UPDATE sessions SET report_key_hash = $1 WHERE code = $2', [hash, code]);
		},
		deleteSession: (code) => transaction((c) => deleteCodes(c, [code])),
		deleteEndedBefore: (ms) =>
			transaction(async (c) => {
				const r = await c.query<{ code: string }>(
					"SELECT code FROM sessions WHERE core_json->>'phase' = 'ended' AND updated_at < $1 FOR UPDATE",
					[ms]
				);
				const codes = r.rows.map((row) => row.code);
				if (codes.length) await deleteCodes(c, codes);
				return codes;
			}),
		async close() {
			await grouped?.drain();
			await pool.end();
		},

		// Leases: see LeaseStore in repository.ts.
		async acquireLease(code, owner, ttlMs) {
			const row = await one<{ epoch: number }>(
				`INSERT INTO room_leases (code, owner, epoch, expires_at)
				 VALUES ($1, $2, 1, clock_timestamp() + ${TTL})
				 ON CONFLICT (code) DO UPDATE
				   SET owner = EXCLUDED.owner, epoch = room_leases.epoch + 1, expires_at = EXCLUDED.expires_at
				   WHERE room_leases.expires_at <= clock_timestamp() OR room_leases.owner = EXCLUDED.owner
				 RETURNING epoch`,
				[code, owner, ttlMs]
			);
			return row?.epoch ?? null;
		},
		async renewLeases(owner, held, ttlMs) {
			if (!held.length) return [];
			// Rows locked in code order, as `LOG_ANSWERS` locks them.
			const r = await pool.query<{ code: string }>(
				`UPDATE room_leases l SET expires_at = clock_timestamp() + ${TTL}
				 WHERE l.code IN (
				   SELECT k.code FROM room_leases k
				   JOIN unnest($2::text[], $4::bigint[]) AS h(code, epoch) ON h.code = k.code AND h.epoch = k.epoch
				   WHERE k.owner = $1 ORDER BY k.code FOR UPDATE OF k)
				 AND l.owner = $1
				 RETURNING l.code`,
				[owner, held.map((h) => h.code), ttlMs, held.map((h) => h.epoch)]
			);
			return r.rows.map((row) => row.code);
		},
		async leaseOf(code) {
			const row = await one<{ owner: string; epoch: number; live: boolean }>(
				'SELECT owner, epoch, expires_at > clock_timestamp() AS live FROM room_leases WHERE code = $1',
				[code]
			);
			return row ? { owner: row.owner, epoch: row.epoch, live: row.live } : null;
		},
		async releaseLease(code, owner, epoch) {
			await pool.query(
				`UPDATE room_leases SET expires_at = clock_timestamp() - interval '1 second'
				 WHERE code = $1 AND owner = $2 AND epoch = $3`,
				[code, owner, epoch]
			);
		},
		async orphanedRooms(limit) {
			// Homework runs in phase 'open' too, until it ends.
			const r = await pool.query<{ code: string }>(
				`SELECT s.code FROM sessions s LEFT JOIN room_leases l ON l.code = s.code
				 WHERE s.core_json->>'phase' = 'open'
				   AND (l.code IS NULL OR l.expires_at <= clock_timestamp())
				 ORDER BY s.updated_at DESC LIMIT $1`,
				[limit]
			);
			return r.rows.map((row) => row.code);
		}
	};
}
