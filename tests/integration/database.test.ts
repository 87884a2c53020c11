/**
 * The database file across releases: one made before a schema change opens, is brought up to
 * date, and keeps every row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('an older database file', () => {
	it('gets its answers table rebuilt WITHOUT ROWID, every answer kept', () => {
		const dir = mkdtempSync(join(tmpdir(), 'quorum-db-'));
		dirs.push(dir);
		const file = join(dir, 'old.db');
		// The answers table as the first release created it: a rowid table with a key index.
		const old = new Database(file);
		old.exec(`CREATE TABLE answers (
			code TEXT NOT NULL, item INTEGER NOT NULL, participant_id TEXT NOT NULL,
			response_json TEXT NOT NULL, at INTEGER NOT NULL, credit REAL, points INTEGER NOT NULL,
			status TEXT, response_id TEXT, PRIMARY KEY (code, item, participant_id))`);
		const insert = old.prepare('INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
		insert.run('ABCDEF', 0, 'p1', '{"type":"single","choice":2}', 10, 1, 1000, null, null);
		insert.run(
			'ABCDEF',
			1,
			'p1',
			'{"type":"open","text":"x","side":"for"}',
			20,
			null,
			0,
			'approved',
			'r1'
		);
		old.close();

		const repo = openDatabase(file, { checkpointEveryMs: 600_000 });
		repo.close();
		// Opening again finds nothing left to migrate.
		openDatabase(file, { checkpointEveryMs: 600_000 }).close();

		const db = new Database(file, { readonly: true });
		const sql = (
			db.prepare("SELECT sql FROM sqlite_master WHERE name = 'answers'").get() as {
				sql: string;
			}
		).sql;
		expect(sql).toMatch(/WITHOUT ROWID/);
		expect(db.prepare('SELECT * FROM answers ORDER BY item').all()).toEqual([
			{
				code: 'ABCDEF',
				item: 0,
				participant_id: 'p1',
				response_json: '{"type":"single","choice":2}',
				at: 10,
				credit: 1,
				points: 1000,
				status: null,
				response_id: null
			},
			{
				code: 'ABCDEF',
				item: 1,
				participant_id: 'p1',
				response_json: '{"type":"open","text":"x","side":"for"}',
				at: 20,
				credit: null,
				points: 0,
				status: 'approved',
				response_id: 'r1'
			}
		]);
		expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'answers_keyed'").get()).toBe(
			undefined
		);
		db.close();
	});
});
