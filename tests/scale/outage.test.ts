/**
 * Issue 16: the engines underneath go away for a while. Three production processes behind the
 * shipped nginx, a room of 30 students spread over them.
 * - Redis restarted mid-question (its append-only file kept): answers before, during and after
 *   are all acked in the end and counted once; the room's broadcasts reach everyone again.
 * - PostgreSQL stopped for a few seconds mid-question: an answer during the outage is refused
 *   with an error (never acked and dropped); sent again once it is back, it is stored; every
 *   acked answer is in PostgreSQL once.
 */
import { describe, expect, it, onTestFailed } from 'vitest';
import { nextEvent } from '../integration/harness';
import { waitUntil } from '../support/processes';
import {
	closeRoom,
	openRoom as openRoomIn,
	reveal,
	scaledSuite,
	storedAnswers,
	type Scaled,
	type Student
} from './scaled';

const N = 30;
let s: Scaled;
const missing = scaledSuite(3, 'outage', (started) => (s = started));

const openRoom = () => openRoomIn(s, N, 'none');

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
		closeRoom(room);
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
		closeRoom(room);
	});
});
