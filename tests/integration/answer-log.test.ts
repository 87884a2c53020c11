/**
 * The answer log (`src/lib/server/answer-log.ts`): a live answer is stored before its ack by one
 * append to a file beside the database, and reaches SQLite a moment later. These tests kill a
 * real server in that moment, cut a line short, and hold the log from two places at once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { AnswerLog } from '../../src/lib/server/answer-log';
import type { Answer } from '../../src/lib/room/types';
import { call, client, closeClients, expectOk, nextEvent, startServer, until } from './harness';

const dirs: string[] = [];
afterEach(() => {
	closeClients();
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb() {
	const dir = mkdtempSync(join(tmpdir(), 'quorum-log-'));
	dirs.push(dir);
	return join(dir, 'q.db');
}

/** Answers SQLite holds for a session, read through a separate connection. */
function stored(file: string, code: string) {
	const db = new Database(file, { readonly: true });
	try {
		return db.prepare('SELECT * FROM answers WHERE code = ?').all(code) as Record<
			string,
			unknown
		>[];
	} finally {
		db.close();
	}
}

/** `fixtures/doomed-server.ts` on this database file: a real server in a process to kill. */
function startDoomed(file: string) {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'tests/integration/fixtures/doomed-server.ts', file],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, s) => r(s)));
	const hello = new Promise<{ url: string; code: string; hostToken: string }>((resolve, reject) => {
		child.once('exit', () => reject(new Error('the server exited before listening')));
		createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
	});
	return { process: child, exited, hello };
}

const answer = (participantId: string, extra: Partial<Answer> = {}): Answer => ({
	participantId,
	item: 0,
	response: { type: 'single', choice: 2 },
	at: 1000,
	credit: 1,
	points: 1000,
	...extra
});

describe('the answer log', () => {
	it('keeps an acked answer when the server is killed before writing it to SQLite', async () => {
		const file = tempDb();
		const doomed = startDoomed(file);
		const child = doomed.process;
		const exited = doomed.exited;
		try {
			const hello = await doomed.hello;
			const { url, code, hostToken } = hello;
			const host = client(url);
			expectOk(await call(host, 'host:attach', { code, hostToken }));
			const ada = client(url);
			const joined = expectOk(await call(ada, 'room:join', { code, nickname: 'Ada' }));
			// Ben has yet to answer, so Ada's answer does not close the question (that would be a
			// transaction of its own).
			expectOk(await call(client(url), 'room:join', { code, nickname: 'Ben' }));
			const opened = nextEvent(ada, 'room:updated', (v) => v.phase === 'open');
			expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
			await opened;
			const response = { type: 'single' as const, choice: 2 };
			expectOk(await call(ada, 'answer:submit', { code, item: 0, response }));
			// Killed the moment the ack arrives: no chance to close anything.
			child.kill('SIGKILL');
			expect(await exited).toBe('SIGKILL');

			// At that moment the answer was in the log and not yet in SQLite.
			expect(stored(file, code)).toEqual([]);
			const lines = readFileSync(`${file}-answers`, 'utf8').trim().split('\n');
			expect(lines).toHaveLength(1);
			expect(JSON.parse(lines[0]!)).toMatchObject({ c: code, a: { response } });

			// The next start (the dead server's lock taken over) writes it in before anything reads.
			closeClients();
			const server = await startServer(file);
			try {
				const state = server.repo.loadSession(code)!.state;
				expect(state.answers[0]?.[joined.me.id]).toMatchObject({ response, item: 0 });
				expect(readFileSync(`${file}-answers`, 'utf8')).toBe('');
				expect(stored(file, code)).toHaveLength(1);
				// And Ada, back with her token, sees her answer.
				const back = client(server.url);
				const again = expectOk(await call(back, 'room:join', { code, token: joined.token }));
				expect(again.me.response).toEqual(response);
			} finally {
				await server.stop();
			}
		} finally {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	});

	it('appends one JSON line per answer, multi-byte text included, and reads them back', () => {
		const file = `${tempDb()}-answers`;
		const text = 'Prévu: 漢字 and 😀, "quoted"\\';
		const answers = [
			answer('p1', { response: { type: 'open', text, side: 'for' }, credit: null, points: 0 }),
			answer('p2')
		];
		const first = AnswerLog.open(file);
		first.log.append([{ code: 'ABCDEF', answer: answers[0]! }]);
		first.log.append([{ code: 'ABCDEF', answer: answers[1]! }]);
		const bytes = readFileSync(file);
		// The same bytes as JSON.stringify of each line's object (what a replay parses).
		expect(bytes.toString('utf8')).toBe(
			answers.map((a) => JSON.stringify({ c: 'ABCDEF', a }) + '\n').join('')
		);
		// The size it keeps (to cut back a failed append) counts bytes, not characters.
		expect((first.log as unknown as { size: number }).size).toBe(bytes.length);
		first.log.close();
		const again = AnswerLog.open(file);
		expect(again.left).toEqual(answers.map((a) => ({ code: 'ABCDEF', answer: a })));
		expect(again.unreadable).toBe(0);
		again.log.close();
	});

	it('skips a line cut short by a crash, and writes the whole ones', () => {
		const file = tempDb();
		const whole = JSON.stringify({ c: 'ABCDEF', a: answer('p1') });
		writeFileSync(`${file}-answers`, `${whole}\n{"c":"ABCDEF","a":{"partic`);
		const repo = openDatabase(file, { checkpointEveryMs: 600_000 });
		repo.close();
		expect(stored(file, 'ABCDEF').map((r) => r.participant_id)).toEqual(['p1']);
		expect(readFileSync(`${file}-answers`, 'utf8')).toBe('');
	});

	it('writes logged answers before any other write and any read of the session', () => {
		const file = tempDb();
		// A flush an hour away: only the next transaction or read can write them.
		const repo = openDatabase(file, { checkpointEveryMs: 600_000, logFlushMs: 3_600_000 });
		try {
			repo.logAnswers('ABCDEF', [
				answer('p1', {
					response: { type: 'open', text: 'a reason', side: 'for' },
					credit: null,
					points: 0,
					status: 'approved',
					responseId: 'r1'
				})
			]);
			expect(stored(file, 'ABCDEF')).toEqual([]);
			// Moderation right after: the answer is written first, in the same transaction.
			repo.tx(() => repo.setStatus('ABCDEF', 'r1', 'hidden'));
			expect(stored(file, 'ABCDEF')).toMatchObject([{ response_id: 'r1', status: 'hidden' }]);
			expect(readFileSync(`${file}-answers`, 'utf8')).toBe('');
		} finally {
			repo.close();
		}
	});

	it('loads no session while acked answers cannot be written, and keeps them for later', () => {
		const file = tempDb();
		const repo = openDatabase(file, { checkpointEveryMs: 600_000, logFlushMs: 3_600_000 });
		try {
			// The database refuses answers for a while (a full disk, say).
			const other = new Database(file);
			other.exec(
				"CREATE TRIGGER refuse BEFORE INSERT ON answers BEGIN SELECT RAISE(ABORT, 'full'); END"
			);
			repo.logAnswers('ABCDEF', [answer('p1')]);
			expect(() => repo.loadSession('ABCDEF')).toThrow(/could not be written/);
			expect(() => repo.tx(() => undefined)).toThrow(/full/);
			// Back to normal: the answer goes in with the next write, once.
			other.exec('DROP TRIGGER refuse');
			other.close();
			expect(repo.loadSession('ABCDEF')).toBeNull();
			expect(stored(file, 'ABCDEF').map((r) => r.participant_id)).toEqual(['p1']);
		} finally {
			repo.close();
		}
	});

	it('writes them within the flush delay on its own', async () => {
		const file = tempDb();
		const repo = openDatabase(file, { checkpointEveryMs: 600_000, logFlushMs: 20 });
		try {
			repo.logAnswers('ABCDEF', [answer('p1'), answer('p2')]);
			expect(stored(file, 'ABCDEF')).toHaveLength(0);
			// Nobody asks for them: the 20 ms timer alone writes them (waited for, not slept on).
			await until('the flush timer', () => stored(file, 'ABCDEF').length === 2);
			expect(stored(file, 'ABCDEF')).toHaveLength(2);
		} finally {
			repo.close();
		}
	});

	it('is held by one server at a time, and let go when that server dies', async () => {
		const file = tempDb();
		// Twice in one process: refused.
		const repo = openDatabase(file, { checkpointEveryMs: 600_000 });
		expect(() => openDatabase(file, { checkpointEveryMs: 600_000 })).toThrow(
			/another Quorum server/
		);
		repo.close();
		// A server in another process holds it until it is killed; then it is free at once.
		const child = startDoomed(file);
		try {
			await child.hello;
			expect(() => openDatabase(file, { checkpointEveryMs: 600_000 })).toThrow(
				/another Quorum server/
			);
		} finally {
			child.process.kill('SIGKILL');
		}
		await child.exited;
		openDatabase(file, { checkpointEveryMs: 600_000 }).close();
	});
});
