/**
 * The PostgreSQL schema, as Kysely migrations held here (not files on disk: the bundled server
 * carries them). Kysely's migrator takes an advisory lock and runs each migration in its own
 * transaction, so processes starting together migrate once and the others wait for it.
 *
 * The schema mirrors SQLite's (`db.ts`): the same tables and columns, the core and responses as
 * `jsonb`, times as bigint server ms. Beside them `room_leases`: who runs each room (scaled mode).
 */
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely';
import pg from 'pg';

const statements = (list: string[]): Migration['up'] =>
	async function (db: Kysely<unknown>) {
		for (const s of list) await sql.raw(s).execute(db);
	};

const INIT = [
	`CREATE TABLE sessions (
		code text PRIMARY KEY,
		host_token_hash text NOT NULL,
		core_json jsonb NOT NULL,
		created_at bigint NOT NULL,
		updated_at bigint NOT NULL,
		report_key_hash text
	)`,
	// Open rooms (openCodes, orphanedRooms) and a kit's running sessions (kitInSession).
	`CREATE INDEX sessions_phase ON sessions ((core_json->>'phase'))`,
	`CREATE INDEX sessions_kit ON sessions ((core_json->>'kitSlug'))`,
	`CREATE INDEX sessions_created ON sessions (created_at)`,
	`CREATE TABLE participants (
		id text PRIMARY KEY,
		code text NOT NULL REFERENCES sessions(code),
		token_hash text NOT NULL UNIQUE,
		nickname text NOT NULL,
		joined_at bigint NOT NULL,
		extra_time text NOT NULL,
		removed boolean NOT NULL DEFAULT false,
		score integer NOT NULL DEFAULT 0,
		correct integer NOT NULL DEFAULT 0,
		streak integer NOT NULL DEFAULT 0,
		best_streak integer NOT NULL DEFAULT 0,
		progress integer NOT NULL DEFAULT 0,
		review_hash text,
		device_hash text,
		resume_hash text
	)`,
	`CREATE INDEX participants_code ON participants (code)`,
	`CREATE INDEX participants_device ON participants (code, device_hash) WHERE device_hash IS NOT NULL`,
	`CREATE INDEX participants_resume ON participants (code, resume_hash)`,
	// Review links look a key up across sessions (SQLite scans; here there may be many more rows).
	`CREATE INDEX participants_review ON participants (review_hash)`,
	`CREATE TABLE answers (
		code text NOT NULL,
		item integer NOT NULL,
		participant_id text NOT NULL,
		response_json jsonb NOT NULL,
		at bigint NOT NULL,
		credit double precision,
		points integer NOT NULL,
		status text,
		response_id text,
		PRIMARY KEY (code, item, participant_id)
	)`,
	`CREATE TABLE upvotes (
		code text NOT NULL,
		response_id text NOT NULL,
		voter_id text NOT NULL,
		PRIMARY KEY (code, response_id, voter_id)
	)`,
	`CREATE TABLE room_leases (
		code text PRIMARY KEY REFERENCES sessions(code) ON DELETE CASCADE,
		owner text NOT NULL,
		epoch bigint NOT NULL,
		expires_at timestamptz NOT NULL
	)`
];

export const MIGRATIONS: Record<string, Migration> = {
	'0001_init': {
		up: statements(INIT),
		down: statements(
			['room_leases', 'upvotes', 'answers', 'participants', 'sessions'].map(
				(t) => `DROP TABLE ${t}`
			)
		)
	}
};

/** Brings the database at `url` up to date; throws with the failing migration's error. */
export async function migrate(url: string): Promise<void> {
	const db = new Kysely<unknown>({
		dialect: new PostgresDialect({
			pool: new pg.Pool({ connectionString: url, max: 2, application_name: 'quorum-migrate' })
		})
	});
	try {
		const migrator = new Migrator({
			db,
			provider: { getMigrations: () => Promise.resolve(MIGRATIONS) }
		});
		const { error, results } = await migrator.migrateToLatest();
		if (error) {
			const failed = results?.find((r) => r.status === 'Error');
			throw new Error(
				`PostgreSQL migration ${failed?.migrationName ?? '(before any ran)'} failed: ${String(
					error instanceof Error ? error.message : error
				)}`,
				{ cause: error }
			);
		}
	} finally {
		await db.destroy();
	}
}
