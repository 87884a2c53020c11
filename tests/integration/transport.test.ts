/**
 * The transport's defences over real sockets: every event answered, the handshake's Origin
 * checked, per-address limits on connections, joins and wrong codes, host commands limited per
 * room and free of writes when they repeat the state, hostile ids refused, and a command that
 * failed in the database leaving its room usable.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, NO_LIMITS, type LimitConfig } from '../../src/lib/server/limits';
import { defaultItems as kitItems } from '../../src/lib/server/sessions';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	startServer,
	type Client,
	type TestServer
} from './harness';

let server: TestServer | null = null;
afterEach(async () => {
	closeClients();
	await server?.stop();
	server = null;
});

async function start(limits: Partial<LimitConfig> = {}) {
	server = await startServer(undefined, 0, { limits: { ...DEFAULT_LIMITS, ...limits } });
	return server;
}

/** Emits raw arguments (whatever a hostile client may send) and resolves with the ack. */
function raw(s: Client, event: string, ...args: unknown[]): Promise<unknown> {
	return new Promise((resolve) =>
		(s.emit as (e: string, ...a: unknown[]) => void)(event, ...args, resolve)
	);
}

const defaultItems = (srv: TestServer) => kitItems(srv.app.ctx, 'hitting-rock-bottom');

/** Whether a socket with these headers gets through the handshake. */
function connects(url: string, extraHeaders: Record<string, string> = {}): Promise<boolean> {
	return new Promise((resolve) => {
		const s = connect(url, { transports: ['websocket'], reconnection: false, extraHeaders });
		s.on('connect', () => {
			s.disconnect();
			resolve(true);
		});
		s.on('connect_error', () => {
			s.disconnect();
			resolve(false);
		});
	});
}

/** A session whose first item is a single-choice question (answered with choice 0 below). */
async function hostOf(srv: TestServer) {
	const kit = srv.app.ctx.kits.get('hitting-rock-bottom')!;
	const single = kit.questions.find((q) => q.type === 'single')!;
	const { code, hostToken } = newSession(srv, {}, [`q:${single.id}`, ...defaultItems(srv)]);
	const host = client(srv.url);
	expectOk(await call(host, 'host:attach', { code, hostToken }));
	return { code, host };
}

describe('every event is answered', () => {
	it('unknown events, missing or malformed payloads and extra arguments get an error ack', async () => {
		const srv = await start();
		const { code } = newSession(srv);
		// A fresh socket for each: a stranger's bucket holds 5.
		const s = () => client(srv.url);
		expect(await raw(s(), 'no:such', { code })).toMatchObject({
			ok: false,
			error: 'unknown_event'
		});
		expect(await raw(s(), 'constructor')).toMatchObject({ ok: false, error: 'unknown_event' });
		expect(await raw(s(), 'room:join')).toMatchObject({ ok: false, error: 'bad_request' });
		expect(await raw(s(), 'answer:submit', 'text')).toMatchObject({ error: 'bad_request' });
		expect(await raw(s(), 'host:command', null)).toMatchObject({ error: 'bad_request' });
		const extra = await raw(s(), 'room:join', { code, nickname: 'Ann' }, 'extra');
		expect(extra).toMatchObject({ ok: false, error: 'bad_request' });
		// Without an ack nothing is sent back, and the socket still works.
		const last = s();
		(last.emit as (e: string, ...a: unknown[]) => void)('room:join');
		(last.emit as (e: string, ...a: unknown[]) => void)('no:such', 1, 2, 3);
		expectOk(await call(last, 'room:join', { code, nickname: 'Ann' }));
	});
});

describe('the handshake’s Origin', () => {
	it('allows no Origin, the server’s own, QUORUM_PUBLIC_URL and QUORUM_ALLOWED_ORIGINS; refuses others', async () => {
		const srv = await start();
		const host = new URL(srv.url).host;
		expect(await connects(srv.url)).toBe(true);
		expect(await connects(srv.url, { origin: `http://${host}` })).toBe(true);
		expect(await connects(srv.url, { origin: 'http://evil.example' })).toBe(false);
		expect(await connects(srv.url, { origin: 'null' })).toBe(false);
		const saved = { ...process.env };
		try {
			process.env.QUORUM_PUBLIC_URL = 'https://quiz.school.example/';
			process.env.QUORUM_ALLOWED_ORIGINS = 'https://a.example, https://b.example:8443';
			expect(await connects(srv.url, { origin: 'https://quiz.school.example' })).toBe(true);
			expect(await connects(srv.url, { origin: 'https://b.example:8443' })).toBe(true);
			expect(await connects(srv.url, { origin: 'https://b.example' })).toBe(false);
		} finally {
			process.env.QUORUM_PUBLIC_URL = saved.QUORUM_PUBLIC_URL;
			process.env.QUORUM_ALLOWED_ORIGINS = saved.QUORUM_ALLOWED_ORIGINS;
			if (saved.QUORUM_PUBLIC_URL === undefined) delete process.env.QUORUM_PUBLIC_URL;
			if (saved.QUORUM_ALLOWED_ORIGINS === undefined) delete process.env.QUORUM_ALLOWED_ORIGINS;
		}
	});
});

describe('per-address limits', () => {
	it('a class of 60 behind one address joins within a minute under the default limits', async () => {
		const srv = await start();
		const { code } = newSession(srv);
		const acks = await Promise.all(
			Array.from({ length: 60 }, (_, i) =>
				call(client(srv.url), 'room:join', { code, nickname: `Pupil ${i}` })
			)
		);
		expect(acks.filter((a) => !a.ok)).toEqual([]);
	});

	it('connections past the limit are refused at the handshake', async () => {
		const srv = await start({ connections: { points: 3, duration: 60 } });
		expect([await connects(srv.url), await connects(srv.url), await connects(srv.url)]).toEqual([
			true,
			true,
			true
		]);
		expect(await connects(srv.url)).toBe(false);
	});

	it('joins past the limit are refused with when to retry; a rejoin with a token still passes', async () => {
		const srv = await start({ joins: { points: 3, duration: 60 } });
		const { code } = newSession(srv);
		const first = expectOk(await call(client(srv.url), 'room:join', { code, nickname: 'A' }));
		expectOk(await call(client(srv.url), 'room:join', { code, nickname: 'B' }));
		expectOk(await call(client(srv.url), 'room:join', { code, nickname: 'C' }));
		const r = await call(client(srv.url), 'room:join', { code, nickname: 'D' });
		expect(r).toMatchObject({ ok: false, error: 'too_many_joins' });
		expect(!r.ok && r.retryAfter).toBeGreaterThan(0);
		expect(!r.ok && r.message).toMatch(/Try again in \d+ seconds?\./);
		expectOk(await call(client(srv.url), 'room:join', { code, token: first.token }));
	});

	it('guessing codes slows, then stops new players, even with the right code', async () => {
		const srv = await start({
			wrongCodes: { points: 5, duration: 60, blockDuration: 30, slowAfter: 2, slowMs: 150 }
		});
		const { code, hostToken } = newSession(srv);
		const ann = expectOk(await call(client(srv.url), 'room:join', { code, nickname: 'Ann' }));
		const times: number[] = [];
		for (let i = 0; i < 5; i++) {
			const t = performance.now();
			const r = await call(client(srv.url), 'room:join', {
				code: 'ZZZZZ' + (i + 2),
				nickname: 'x'
			});
			times.push(performance.now() - t);
			expect(r).toMatchObject({ ok: false, error: 'no_room' });
		}
		// The 3rd wrong code waits 150 ms, the 5th 450 ms.
		expect(times[4]!).toBeGreaterThanOrEqual(440);
		expect(times[2]!).toBeGreaterThanOrEqual(140);
		const stopped = await call(client(srv.url), 'room:join', { code: 'ZZZZZZ', nickname: 'x' });
		expect(stopped).toMatchObject({ ok: false, error: 'too_many_attempts', retryAfter: 30 });
		// Stopped: the right code too, and the teacher's key, from this address.
		expect(await call(client(srv.url), 'room:join', { code, nickname: 'x' })).toMatchObject({
			error: 'too_many_attempts'
		});
		const wrongKey = { code, hostToken: 'x'.repeat(32) };
		expect(await call(client(srv.url), 'host:attach', wrongKey)).toMatchObject({
			error: 'too_many_attempts'
		});
		expect(
			await call(client(srv.url), 'host:attach', { code: 'ZZZZZZ', hostToken: 'x'.repeat(32) })
		).toMatchObject({ error: 'too_many_attempts' });
		// Secrets nobody guesses still pass: the teacher and a returning student share the address.
		expectOk(await call(client(srv.url), 'host:attach', { code, hostToken }));
		expectOk(await call(client(srv.url), 'room:join', { code, token: ann.token }));
	});

	it('a socket that has not joined gets a smaller bucket than a student', async () => {
		const srv = await start();
		const s = client(srv.url);
		const acks = await Promise.all(
			Array.from({ length: 12 }, () => raw(s, 'homework:advance', { code: 'ABCDEF' }))
		);
		const limited = acks.filter((a) => (a as { error: string }).error === 'rate_limited');
		expect(limited.length).toBeGreaterThanOrEqual(6);
	});
});

describe('host commands', () => {
	it('are limited per room; another room is not held up', async () => {
		const srv = await start();
		const { code, host } = await hostOf(srv);
		const other = await hostOf(srv);
		const acks = await Promise.all(
			Array.from({ length: 300 }, (_, i) =>
				call(host, 'host:command', { code, command: { type: 'lock', locked: i % 2 === 0 } })
			)
		);
		const passed = acks.filter((a) => a.ok).length;
		expect(passed).toBe(DEFAULT_LIMITS.hostCommands.points);
		expect(acks.at(-1)).toMatchObject({ ok: false, error: 'rate_limited' });
		expectOk(
			await call(other.host, 'host:command', {
				code: other.code,
				command: { type: 'lock', locked: true }
			})
		);
	});

	it('1,000 lock commands repeating the state write nothing', async () => {
		server = await startServer(undefined, 0, { limits: NO_LIMITS });
		const srv = server;
		const { code, host } = await hostOf(srv);
		expectOk(await call(host, 'host:command', { code, command: { type: 'lock', locked: true } }));
		const db = new Database(srv.dbFile, { readonly: true });
		const stamp = () =>
			(
				db.prepare('SELECT updated_at FROM sessions WHERE code = ?').get(code) as {
					updated_at: number;
				}
			).updated_at;
		const before = stamp();
		const wal = () => statSync(`${srv.dbFile}-wal`).size;
		const walBefore = wal();
		await new Promise((r) => setTimeout(r, 5));
		const acks = await Promise.all(
			Array.from({ length: 1000 }, () =>
				call(host, 'host:command', { code, command: { type: 'lock', locked: true } })
			)
		);
		expect(acks.every((a) => a.ok)).toBe(true);
		expect(stamp()).toBe(before);
		expect(wal() - walBefore).toBeLessThan(64 * 1024);
		db.close();
	});

	it('hostile participant ids are refused cleanly and the controls keep working', async () => {
		const srv = await start();
		const { code, host } = await hostOf(srv);
		const student = client(srv.url);
		expectOk(await call(student, 'room:join', { code, nickname: 'Ann' }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
			for (const command of [
				{ type: 'remove' as const, participantId: id },
				{ type: 'extraTime' as const, participantId: id, extraTime: 2 as const }
			])
				expect(await call(host, 'host:command', { code, command })).toMatchObject({
					ok: false,
					error: 'not_participant'
				});
			expect(
				await call(host, 'host:command', {
					code,
					command: { type: 'moderate', responseId: id, status: 'approved' }
				})
			).toMatchObject({ ok: false, error: 'not_found' });
			expect(await call(student, 'response:upvote', { code, responseId: id })).toMatchObject({
				ok: false,
				error: 'not_found'
			});
		}
		const live = srv.app.realtime.hub.get(code)!;
		expect(live.timer).not.toBeNull();
		expectOk(await call(host, 'host:command', { code, command: { type: 'close' } }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
	});

	it('a command that failed in the database leaves the room usable, its timer armed', async () => {
		const srv = await start();
		const { code, host } = await hostOf(srv);
		const student = client(srv.url);
		expectOk(await call(student, 'room:join', { code, nickname: 'Ann' }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		// A real failure: a second connection makes SQLite refuse every update of the session.
		const db = new Database(srv.dbFile);
		db.exec(`CREATE TRIGGER refuse BEFORE UPDATE ON sessions
			BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`);
		expect(await call(host, 'host:command', { code, command: { type: 'pause' } })).toMatchObject({
			ok: false,
			error: 'internal'
		});
		db.exec('DROP TRIGGER refuse');
		db.close();
		// Not applied, and the room answers the next command (it used to say `bad_phase` from
		// now on), with its timer armed again.
		expectOk(await call(host, 'host:command', { code, command: { type: 'extend', seconds: 10 } }));
		const live = srv.app.realtime.hub.get(code)!;
		expect(live.state.core.pausedAt).toBeNull();
		expect(live.timer).not.toBeNull();
		expectOk(
			await call(student, 'answer:submit', {
				code,
				item: 0,
				response: { type: 'single', choice: 0 }
			})
		);
		// Everyone answered: the question closed by itself.
		expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
	});
});
