/**
 * Issue 16: the engines underneath go away for a while. Three production processes behind the
 * shipped nginx, a room of 30 students spread over them.
 * - Redis restarted mid-question (its append-only file kept): answers before, during and after
 *   are all acked in the end and counted once; the room's broadcasts reach everyone again.
 * - PostgreSQL stopped for a few seconds mid-question: an answer during the outage is refused
 *   with an error (never acked and dropped); sent again once it is back, it is stored; every
 *   acked answer is in PostgreSQL once.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { call, expectOk, nextEvent, type Client } from '../integration/harness';
import { TEACHER_PASSCODE } from '../support/cluster';
import { createSessionOverHttp } from '../support/http-session';
import { waitUntil } from '../support/processes';
import {
	addressFor,
	scaledMissing,
	socketTo,
	startScaled,
	storedAnswers,
	Student,
	type Scaled
} from './scaled';

const missing = scaledMissing();
if (missing) console.log(`SKIPPED scaled-mode outage suite: ${missing}`);

const N = 30;
let s: Scaled;
beforeAll(async () => {
	if (!missing) s = await startScaled(3);
});
afterAll(async () => {
	await s?.stop();
});

async function openRoom() {
	const { code, hostToken } = await createSessionOverHttp(s.nginx.url, TEACHER_PASSCODE, {
		timeLimit: 'none'
	});
	const host: Client = socketTo(s.nginx.url);
	host.on('connect', () => void call(host, 'host:attach', { code, hostToken }));
	await new Promise<void>((r) => host.once('connect', () => r()));
	expectOk(await call(host, 'host:attach', { code, hostToken }));
	const students = Array.from(
		{ length: N },
		(_, i) => new Student(s.nginx.url, code, `S${i}`, addressFor(i))
	);
	await Promise.all(students.map((st) => st.join()));
	const opened = nextEvent(host, 'host:updated', (v) => v.phase === 'open', 20_000);
	expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
	const item = (await opened).current;
	return { code, host, students, item };
}

async function reveal(room: Awaited<ReturnType<typeof openRoom>>) {
	const heard = nextEvent(room.host, 'host:updated', (v) => v.phase === 'revealed', 30_000);
	await waitUntil(
		'the reveal',
		async () => {
			if (!room.host.connected) return false;
			const r = await call(room.host, 'host:command', {
				code: room.code,
				command: { type: 'reveal' }
			});
			return r.ok;
		},
		{ ms: 20_000, every: 250 }
	);
	return heard;
}

describe.skipIf(missing)('Redis and PostgreSQL outages', () => {
	it('Redis restarted mid-question: every answer acked and counted once', async () => {
		onTestFailed(() => console.error(s.logs()));
		const room = await openRoom();
		const [before, during, after] = [
			room.students.slice(0, 10),
			room.students.slice(10, 20),
			room.students.slice(20)
		];
		const answer = (list: Student[]) =>
			Promise.all(list.map((st, i) => st.answer(room.item, { type: 'single', choice: i % 4 })));
		expect((await answer(before)).filter((r) => !r.ok)).toEqual([]);
		const restarting = s.redis.restart();
		const mid = answer(during);
		await restarting;
		expect((await mid).filter((r) => !r.ok)).toEqual([]);
		expect((await answer(after)).filter((r) => !r.ok)).toEqual([]);
		// Fan-out works again: every student hears the reveal, with everyone counted once.
		const heard = Promise.all(
			room.students.map((st) =>
				nextEvent(st.socket, 'room:updated', (v) => v.phase === 'revealed', 30_000)
			)
		);
		expect((await reveal(room)).reveal?.answered).toBe(N);
		expect((await heard).every((v) => v.reveal?.answered === N)).toBe(true);
		const stored = (await storedAnswers(s, room.code)).get(room.item) ?? [];
		expect(stored.length).toBe(N);
		expect(new Set(stored)).toEqual(new Set(room.students.map((st) => st.id)));
		for (const st of room.students) st.close();
		room.host.disconnect();
	});

	it('PostgreSQL stopped for a few seconds: answers are refused or stored, never acked and lost', async () => {
		onTestFailed(() => console.error(s.logs()));
		const room = await openRoom();
		const first = room.students.slice(0, 10);
		await Promise.all(
			first.map((st, i) => st.answer(room.item, { type: 'single', choice: i % 4 }))
		);
		await s.pg.halt();
		const haltedAt = Date.now();
		// During the outage: whatever comes back acked must be stored; the rest is refused.
		const during = room.students.slice(10);
		const pending = during.map((st, i) => st.answer(room.item, { type: 'single', choice: i % 4 }));
		// Give them time to reach the servers and fail.
		await waitUntil(
			'answers refused during the outage',
			() => during.every((st) => st.refusals > 0 || st.acked.has(room.item)),
			{ ms: 20_000, every: 100 }
		);
		const ackedDuring = during.filter((st) => st.acked.has(room.item)).length;
		// Down for a few seconds in all (the owner's lease runs out meanwhile).
		await new Promise((r) => setTimeout(r, Math.max(0, haltedAt + 4000 - Date.now())));
		await s.pg.start();
		// Back: the students send what was refused again, and it is stored.
		await waitUntil(
			'every answer acked after the outage',
			() => {
				for (const st of during) if (st.waiting) st.retry();
				return room.students.every((st) => st.acked.has(room.item));
			},
			{ ms: 30_000, every: 500 }
		);
		await Promise.all(pending);
		const stored = (await storedAnswers(s, room.code)).get(room.item) ?? [];
		expect(new Set(stored).size).toBe(stored.length);
		expect(new Set(stored)).toEqual(new Set(room.students.map((st) => st.id)));
		expect((await reveal(room)).reveal?.answered).toBe(N);
		console.log(`PostgreSQL outage: ${ackedDuring} of ${during.length} answers acked during it`);
		for (const st of room.students) st.close();
		room.host.disconnect();
	});
});
