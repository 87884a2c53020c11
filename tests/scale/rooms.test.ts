/**
 * Issue 16: four production processes on PostgreSQL and Redis behind the shipped nginx. 200
 * students in one room and 20 in another, spread over the processes by nginx: every role sees
 * the same phases, no payload crosses rooms, no answer key before the reveal, and every acked
 * answer is stored once in PostgreSQL.
 */
import { describe, expect, it, onTestFailed } from 'vitest';
import { call, expectOk, nextEvent } from '../integration/harness';
import { TEACHER_PASSCODE } from '../support/cluster';
import { createSessionOverHttp } from '../support/http-session';
import {
	ownerOf,
	addressFor,
	scaledSuite,
	socketTo,
	storedAnswers,
	Student,
	type Scaled
} from './scaled';

let s: Scaled;
const missing = scaledSuite(4, 'rooms', (started) => (s = started));

/** Fields that only a reveal may carry to a student. */
const KEY = /"(answer|accept|correctOrder|explanation|evidence|correct)"\s*:/;

describe.skipIf(missing)('four processes behind nginx', () => {
	it('200 + 20 students in two rooms: same phases everywhere, nothing crosses, no key early', async () => {
		onTestFailed(() => console.error(s.logs()));
		const a = await createSessionOverHttp(s.nginx.url, TEACHER_PASSCODE, { timeLimit: 'none' });
		const b = await createSessionOverHttp(s.nginx.url, TEACHER_PASSCODE, { timeLimit: 'none' });
		// A mistyped code is told so (and counted), whichever process the socket reached.
		const stray = socketTo(s.nginx.url, false, addressFor(240));
		const wrongCode = await call(stray, 'room:join', { code: 'ZZZZZZ', nickname: 'Stray' });
		expect(wrongCode).toMatchObject({ ok: false, error: 'no_room' });
		stray.disconnect();
		const hostA = socketTo(s.nginx.url);
		const hostB = socketTo(s.nginx.url);
		const attached = expectOk(
			await call(hostA, 'host:attach', { code: a.code, hostToken: a.hostToken })
		);
		expect(attached.phase).toBe('lobby');
		expectOk(await call(hostB, 'host:attach', { code: b.code, hostToken: b.hostToken }));

		const roomA = Array.from(
			{ length: 200 },
			(_, i) => new Student(s.nginx.url, a.code, `A${i}`, addressFor(i))
		);
		const roomB = Array.from(
			{ length: 20 },
			(_, i) => new Student(s.nginx.url, b.code, `B${i}`, addressFor(200 + i))
		);
		const everyone = [...roomA, ...roomB];
		for (let i = 0; i < everyone.length; i += 20)
			await Promise.all(everyone.slice(i, i + 20).map((st) => st.join()));

		// Every process holds some of the sockets: nginx spread them (least_conn).
		const owner = await ownerOf(s, a.code);
		expect(owner, 'room A has an owner').toBeDefined();

		const openA = Promise.all(
			roomA.map((st) => nextEvent(st.socket, 'room:updated', (v) => v.phase === 'open', 20_000))
		);
		const hostOpen = nextEvent(hostA, 'host:updated', (v) => v.phase === 'open', 20_000);
		expectOk(await call(hostA, 'host:command', { code: a.code, command: { type: 'start' } }));
		const views = await openA;
		await hostOpen;
		const item = views[0]!.current;
		expect(new Set(views.map((v) => v.current))).toEqual(new Set([item]));
		// Room B is still in its lobby: none of its students heard room A start.
		expect(roomB.every((st) => st.views.every((v) => v.phase === 'lobby'))).toBe(true);

		const closed = nextEvent(hostA, 'host:updated', (v) => v.phase === 'closed', 30_000);
		const acks = await Promise.all(
			roomA.map((st, i) => st.answer(item, { type: 'single', choice: i % 4 }))
		);
		expect(acks.filter((r) => !r.ok)).toEqual([]);
		// The last answer closes the question (everyone answered), once.
		expect((await closed).answered).toBe(200);

		// Before the reveal no student frame carries the key; none of room B's mention room A.
		for (const st of everyone) {
			for (const f of st.frames) expect(JSON.stringify(f.payload)).not.toMatch(KEY);
		}
		for (const st of roomB)
			for (const f of st.frames) expect(JSON.stringify(f.payload)).not.toContain(a.code);
		for (const st of roomA)
			for (const f of st.frames) expect(JSON.stringify(f.payload)).not.toContain(b.code);

		const revealed = Promise.all(
			roomA.map((st) => nextEvent(st.socket, 'room:updated', (v) => v.phase === 'revealed', 20_000))
		);
		const mine = Promise.all(
			roomA.map((st) =>
				nextEvent(
					st.socket,
					'me:updated',
					(m) => m.result !== null && m.result !== undefined,
					20_000
				)
			)
		);
		expectOk(await call(hostA, 'host:command', { code: a.code, command: { type: 'reveal' } }));
		const reveals = await revealed;
		expect(reveals.every((v) => v.reveal?.answered === 200)).toBe(true);
		// Each student's own result reached them, whichever process holds their socket.
		expect((await mine).length).toBe(200);

		// The audit: every acked answer stored once in PostgreSQL, nothing else.
		const stored = await storedAnswers(s, a.code);
		const ids = stored.get(item) ?? [];
		expect(ids.length).toBe(200);
		expect(new Set(ids)).toEqual(new Set(roomA.map((st) => st.id)));
		expect((await storedAnswers(s, b.code)).size).toBe(0);

		for (const st of everyone) st.close();
		hostA.disconnect();
		hostB.disconnect();
	});

	it('per-address limits are shared by every process: 130 new players from one address, 120 pass', async () => {
		onTestFailed(() => console.error(s.logs()));
		const { code } = await createSessionOverHttp(s.nginx.url, TEACHER_PASSCODE, {
			timeLimit: 'none'
		});
		// One school address, its joins spread by nginx over four processes: each process alone
		// would let 120 through (480 in all); counted in Redis, the address gets 120.
		const sockets = Array.from({ length: 130 }, () => socketTo(s.nginx.url, false, '127.0.0.250'));
		const replies = [];
		for (let i = 0; i < sockets.length; i += 26)
			replies.push(
				...(await Promise.all(
					sockets
						.slice(i, i + 26)
						.map((sock, j) => call(sock, 'room:join', { code, nickname: `L${i + j}` }))
				))
			);
		const refused = replies.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error));
		expect(replies.filter((r) => r.ok).length).toBe(120);
		expect(new Set(refused)).toEqual(new Set(['too_many_joins']));
		for (const sock of sockets) sock.disconnect();
	});
});
