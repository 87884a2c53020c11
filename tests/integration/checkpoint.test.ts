/**
 * SQLite checkpoints run on a worker thread, not inside a commit on the server's thread: the
 * server's commits only append to the WAL, and the worker copies it into the database file.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteRepository } from '../../src/lib/server/db';
import type { Answer } from '../../src/lib/room/types';
import { until } from './harness';

const repos: SqliteRepository[] = [];
const dirs: string[] = [];
afterEach(() => {
	for (const r of repos.splice(0)) r.close();
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(checkpointEveryMs: number) {
	const dir = mkdtempSync(join(tmpdir(), 'quorum-ckpt-'));
	dirs.push(dir);
	const file = join(dir, 'q.db');
	const repo = openDatabase(file, { checkpointEveryMs });
	repos.push(repo);
	return { repo, file };
}

function write(repo: SqliteRepository, n: number) {
	for (let i = 0; i < n; i++) {
		const a: Answer = {
			participantId: `p${i}`,
			item: i % 10,
			response: { type: 'single', choice: 1 },
			at: i,
			credit: 1,
			points: 1000
		};
		repo.tx(() => repo.insertAnswer('ABCDEF', a));
	}
}

describe('checkpoints', () => {
	it('never run inside a commit on the server’s thread once the worker is up', async () => {
		// A worker that would not checkpoint for ten minutes: whatever reaches the database file
		// during the test was copied by a commit on this thread.
		const { repo, file } = open(600_000);
		await until('the checkpoint worker', () => repo.checkpoints() === 'worker');
		const empty = statSync(file).size;
		write(repo, 3000);
		expect(statSync(`${file}-wal`).size).toBeGreaterThan(1_000_000);
		expect(statSync(file).size).toBe(empty);
	});

	it('copy the WAL into the database file from the worker', async () => {
		const { repo, file } = open(100);
		await until('the checkpoint worker', () => repo.checkpoints() === 'worker');
		const empty = statSync(file).size;
		write(repo, 3000);
		await until('the worker to checkpoint', () => statSync(file).size > empty + 100_000);
	});
});
