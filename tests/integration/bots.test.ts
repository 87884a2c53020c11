/**
 * Issue 12, the bots half, over real sockets: bulk remove, a removed student stays out (token,
 * device, a dropped connection), the join check, look-alike and invisible nicknames, and
 * the profanity filter on real names.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { currentCheck } from '../../src/lib/server/join-check';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	nextEvent,
	record,
	startServer,
	type Client,
	type TestServer
} from './harness';

let server: TestServer;
/** How far the rooms' clock runs ahead of the wall's (one test moves it, and puts it back). */
let ahead = 0;
beforeAll(async () => {
	server = await startServer(undefined, 0, { clock: () => Date.now() + ahead });
});
afterAll(async () => {
	closeClients();
	await server.stop();
});
afterEach(() => {
	closeClients();
	ahead = 0;
});

async function hostOf(settings = {}) {
	const { code, hostToken } = newSession(server, settings);
	const host = client(server.url);
	const attached = expectOk(await call(host, 'host:attach', { code, hostToken }));
	return { code, host, attached };
}

/**
 * Recovery resumes from the last room broadcast a socket received (its offset): a student who
 * has heard none is simply new. Lock the room (no one else joins these) and wait for the update.
 */
async function heardBroadcast(host: Client, student: Client, code: string) {
	const heard = nextEvent(student, 'room:updated');
	expectOk(await call(host, 'host:command', { code, command: { type: 'lock', locked: true } }));
	await heard;
}

const DEVICE = (n: number) => `device-${String(n).padStart(12, '0')}`;

async function join(
	code: string,
	nickname: string,
	extra: { device?: string; check?: string } = {}
) {
	const socket = client(server.url);
	const r = await call(socket, 'room:join', { code, nickname, ...extra });
	return { socket, r };
}

describe('bulk remove', () => {
	it('removes a selection and everyone who joined in the last N seconds; they hear no more', async () => {
		const { code, host } = await hostOf();
		const kept = await join(code, 'Kept');
		expectOk(kept.r);
		// The "recent" ones join a minute later by the room's clock, so a slow machine taking
		// seconds over the joins below cannot make one of them look old.
		const { hub } = server.app.realtime;
		ahead += 60_000;
		const bots = [];
		for (let i = 0; i < 5; i++) bots.push(await join(code, `Bot ${i}`));
		const picked = [bots[0]!, bots[1]!];
		const removedEvents = bots.map((b) => nextEvent(b.socket, 'me:removed'));
		expectOk(
			await call(host, 'host:command', {
				code,
				command: {
					type: 'removeMany',
					participantIds: picked.map((b) => expectOk(b.r).participantId)
				}
			})
		);
		await Promise.all(removedEvents.slice(0, 2));
		expectOk(
			await call(host, 'host:command', { code, command: { type: 'removeRecent', seconds: 30 } })
		);
		await Promise.all(removedEvents);
		const state = hub.get(code)!.state;
		expect(state.participants[expectOk(kept.r).participantId]!.removed).toBe(false);
		for (const b of bots)
			expect(state.participants[expectOk(b.r).participantId]!.removed).toBe(true);
		// No room update reaches a removed student; the kept one hears the start.
		const logs = bots.map((b) => record(b.socket));
		const started = nextEvent(kept.socket, 'room:updated', (v) => v.phase === 'open');
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		await started;
		for (const log of logs) expect(log.filter((e) => e.event === 'room:updated')).toEqual([]);
		// Answering is refused to every one of them.
		for (const b of bots)
			expect(
				await call(b.socket, 'answer:submit', {
					code,
					item: 0,
					response: { type: 'scale', value: 3 }
				})
			).toMatchObject({ ok: false });
	});

	it('a hostile id refuses the command and leaves the controls working', async () => {
		const { code, host } = await hostOf();
		expectOk((await join(code, 'Ana')).r);
		for (const id of ['__proto__', 'constructor', 'toString']) {
			expect(
				await call(host, 'host:command', { code, command: { type: 'remove', participantId: id } })
			).toMatchObject({ ok: false, error: 'not_participant' });
			expect(
				await call(host, 'host:command', {
					code,
					command: { type: 'removeMany', participantIds: [id] }
				})
			).toMatchObject({ ok: false, error: 'not_participant' });
		}
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
	});
});

describe('a removed student stays out', () => {
	it('their token is refused, and so is their device under a new name', async () => {
		const { code, host } = await hostOf();
		const a = await join(code, 'Mallory', { device: DEVICE(1) });
		const { token, participantId } = expectOk(a.r);
		expectOk(
			await call(host, 'host:command', { code, command: { type: 'remove', participantId } })
		);
		const again = client(server.url);
		expect(await call(again, 'room:join', { code, token })).toMatchObject({
			ok: false,
			error: 'removed',
			message: 'The teacher removed you from this session.'
		});
		expect((await join(code, 'Mallory2', { device: DEVICE(1) })).r).toMatchObject({
			ok: false,
			error: 'removed'
		});
		// Another device is someone else.
		expectOk((await join(code, 'Trent', { device: DEVICE(2) })).r);
	});

	it('a removed student whose connection dropped is not put back when it comes back', async () => {
		const { code, host } = await hostOf();
		const student = connect(server.url, { transports: ['websocket'], reconnection: false });
		await new Promise<void>((r) => student.once('connect', () => r()));
		const { participantId, token } = expectOk(
			await call(student as Client, 'room:join', { code, nickname: 'Ghost' })
		);
		await heardBroadcast(host, student as Client, code);
		// The network drops (not a goodbye); the teacher removes them meanwhile.
		const gone = nextEvent(host, 'host:roster', (rows) =>
			rows.some((r) => r.id === participantId && !r.connected)
		);
		student.io.engine.close();
		await gone;
		expectOk(
			await call(host, 'host:command', { code, command: { type: 'remove', participantId } })
		);
		const log = record(student as Client);
		await new Promise<void>((r) => {
			student.once('connect', () => r());
			student.connect();
		});
		// A new connection (no state recovery): in no room until it joins, and the token is refused.
		expect(student.recovered).toBeFalsy();
		expect(await call(student as Client, 'room:join', { code, token })).toMatchObject({
			ok: false,
			error: 'removed'
		});
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		// The start reaches every student before its ack; a second command to be sure.
		expectOk(await call(host, 'host:command', { code, command: { type: 'lock', locked: false } }));
		expect(log.filter((e) => e.event === 'room:updated')).toEqual([]);
		expect(
			await call(student as Client, 'answer:submit', {
				code,
				item: 0,
				response: { type: 'scale', value: 3 }
			})
		).toMatchObject({ ok: false, error: 'not_joined' });
		student.disconnect();
	});

	it('a student still in the room comes back with the token after a dropped connection', async () => {
		const { code, host } = await hostOf();
		const student = connect(server.url, { transports: ['websocket'], reconnection: false });
		await new Promise<void>((r) => student.once('connect', () => r()));
		const { token } = expectOk(
			await call(student as Client, 'room:join', { code, nickname: 'Stays' })
		);
		await heardBroadcast(host, student as Client, code);
		const dropped = new Promise<void>((r) => student.once('disconnect', () => r()));
		student.io.engine.close();
		await dropped;
		await new Promise<void>((r) => {
			student.once('connect', () => r());
			student.connect();
		});
		const back = expectOk(await call(student as Client, 'room:join', { code, token }));
		expect(back.view.phase).toBe('lobby');
		const opened = nextEvent(student as Client, 'room:updated', (v) => v.phase === 'open');
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		await opened;
		student.disconnect();
	});
});

describe('homework: one identity per device', () => {
	it('a second nickname from the same device is refused; its token still works', async () => {
		const { code } = await hostOf({ mode: 'homework', timeLimit: null });
		const first = expectOk((await join(code, 'Hana', { device: DEVICE(3) })).r);
		expect((await join(code, 'Throwaway', { device: DEVICE(3) })).r).toMatchObject({
			ok: false,
			error: 'device_joined'
		});
		const back = client(server.url);
		expectOk(await call(back, 'room:join', { code, token: first.token, device: DEVICE(3) }));
		expectOk((await join(code, 'Other', { device: DEVICE(4) })).r);
	});
});

describe('join check', () => {
	it('needs the code from the projector, which students are never sent', async () => {
		const { code, host, attached } = await hostOf({ joinCheck: true });
		const screen = client(server.url);
		expectOk(await call(screen, 'screen:watch', { code, key: attached.screenKey }));
		const shown = expectOk(await call(screen, 'screen:check', { code }));
		expect(shown.check).toMatch(/^\d{4}$/);
		expect(shown.changesAt).toBeGreaterThan(Date.now() - 1000);
		expect(expectOk(await call(host, 'screen:check', { code })).check).toBe(shown.check);

		expect((await join(code, 'NoCheck')).r).toMatchObject({ ok: false, error: 'join_check' });
		// Wrong for every window the server could accept (the previous one is random too).
		const secret = server.app.realtime.hub.get(code)!.hostTokenHash;
		const accepted = [-10_000, 0, 10_000].map(
			(d) => currentCheck(secret, code, Date.now() + d).check
		);
		let wrong = shown.check!;
		while (accepted.includes(wrong)) wrong = String((Number(wrong) + 1) % 10000).padStart(4, '0');
		expect((await join(code, 'Wrong', { check: wrong })).r).toMatchObject({
			ok: false,
			error: 'join_check'
		});
		// The check may have turned over meanwhile; the previous one is still accepted.
		const student = await join(code, 'Checked', { check: shown.check! });
		const me = expectOk(student.r);
		expect(JSON.stringify(me)).not.toContain(
			shown.check === '0000' ? '"check"' : `"${shown.check}"`
		);
		expect(await call(student.socket, 'screen:check', { code })).toMatchObject({
			ok: false,
			error: 'not_screen'
		});
		const stranger = client(server.url);
		expect(await call(stranger, 'screen:check', { code })).toMatchObject({ ok: false });

		// A two-window-old check is refused (derived the same way as the server does).
		const old = currentCheck(secret, code, Date.now() - 25_000).check;
		if (
			old !== currentCheck(secret, code, Date.now()).check &&
			old !== currentCheck(secret, code, Date.now() - 10_000).check
		)
			expect((await join(code, 'Late', { check: old })).r).toMatchObject({
				ok: false,
				error: 'join_check'
			});

		// The teacher turns it off: the room code is enough again, and the projector shows none.
		expectOk(await call(host, 'host:command', { code, command: { type: 'joinCheck', on: false } }));
		expect(expectOk(await call(screen, 'screen:check', { code })).check).toBeNull();
		expectOk((await join(code, 'Free')).r);
		// A rejoin with a token never needs it.
		expectOk(await call(host, 'host:command', { code, command: { type: 'joinCheck', on: true } }));
		expectOk(await call(client(server.url), 'room:join', { code, token: me.token }));
	});
});

describe('nicknames', () => {
	it('look-alikes and invisible characters beside "Alice" are refused with a clear message', async () => {
		const { code } = await hostOf();
		expectOk((await join(code, 'Alice')).r);
		for (const nick of ['Alice\u200b', '\u0410lice', '\u202eAlice', 'ALICE', 'Ａｌｉｃｅ'])
			expect((await join(code, nick)).r).toMatchObject({
				ok: false,
				error: 'nickname_taken',
				message: expect.stringContaining('already uses that nickname')
			});
		for (const nick of ['\u200b', '\u202e', ' \u200d '])
			expect((await join(code, nick)).r).toMatchObject({
				ok: false,
				error: 'nickname_empty',
				message: expect.stringContaining('letters or digits')
			});
		expect((await join(code, 'x'.repeat(25))).r).toMatchObject({
			ok: false,
			error: 'nickname_long',
			message: expect.stringContaining('at most 24')
		});
		expect((await join(code, 'y'.repeat(10_000))).r).toMatchObject({
			ok: false,
			error: 'invalid_payload'
		});
		// Stored as shown: stripped of its zero-width space.
		const bob = expectOk((await join(code, 'Bob\u200b')).r);
		expect(bob.me.nickname).toBe('Bob');
	});

	it('ordinary names pass the profanity filter; abuse does not', async () => {
		const { code } = await hostOf();
		for (const nick of ['Analia', 'Shitij', 'crash17', 'Cash17', 'Dick'])
			expectOk((await join(code, nick)).r);
		for (const nick of ['sh1t', 'f u c k', 'dickhead'])
			expect((await join(code, nick)).r).toMatchObject({ ok: false, error: 'nickname_blocked' });
	});
});
