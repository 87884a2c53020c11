/**
 * SQLite checkpoints run on a worker thread, not inside a commit on the server's thread: the
 * database file must fill up from the WAL while the server only appends.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Repository } from '../../src/lib/server/db';
import type { Answer } from '../../src/lib/room/types';

let repo: Repository | null = null;
let dir = '';
afterEach(() => {
	repo?.close();
	repo = null;
	rmSync(dir, { recursive: true, force: true });
});

describe('checkpoints', () => {
	it('copy the WAL into the database file off the event loop, while commits go on', async () => {
		dir = mkdtempSync(join(tmpdir(), 'quorum-ckpt-'));
		const file = join(dir, 'q.db');
		repo = openDatabase(file);
		const db = repo;
		const empty = statSync(file).size;
		// Let the worker report in, which turns the in-commit checkpoint off.
		await new Promise((r) => setTimeout(r, 300));
		for (let i = 0; i < 3000; i++) {
			const a: Answer = {
				participantId: `p${i}`,
				item: i % 10,
				response: { type: 'single', choice: 1 },
				at: i,
				credit: 1,
				points: 1000
			};
			db.tx(() => db.insertAnswer('ABCDEF', a));
		}
		// Only the WAL has grown: this thread never copied a page into the database file.
		expect(statSync(file).size).toBe(empty);
		expect(statSync(`${file}-wal`).size).toBeGreaterThan(1_000_000);
		// Within a couple of the worker's rounds, the rows are in the database file itself.
		const deadline = Date.now() + 5000;
		while (statSync(file).size === empty && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 100));
		expect(statSync(file).size).toBeGreaterThan(empty + 100_000);
	});
});
