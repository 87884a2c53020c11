/**
 * Sends to students spread over turns of the event loop (as in a lecture hall), forced on here
 * for a small room with slices of 4: every student still gets every phase, once, in order; their
 * own result after the reveal it belongs to; and a removed student hears nothing after removal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	nextEvent,
	record,
	startServer,
	until,
	type TestServer
} from './harness';

let server: TestServer;
beforeAll(async () => {
	server = await startServer(undefined, 0, { spread: { above: 0, slice: 4 } });
});
afterAll(async () => {
	closeClients();
	await server.stop();
});

const ORDER = ['lobby', 'open', 'closed', 'revealed', 'leaderboard', 'ended'];

describe('sends spread over the event loop', () => {
	it('keep each student’s events complete and in order', async () => {
		const kit = server.app.ctx.kits.get('hitting-rock-bottom')!;
		const singles = kit.questions.filter((q) => q.type === 'single').slice(0, 3);
		const { code, hostToken } = newSession(
			server,
			{ timeLimit: null },
			singles.map((q) => `q:${q.id}`)
		);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const students = [];
		for (let i = 0; i < 30; i++) {
			const socket = client(server.url);
			const log = record(socket);
			const r = expectOk(await call(socket, 'room:join', { code, nickname: `S${i}` }));
			students.push({ socket, log, id: r.participantId });
		}
		const cmd = async (type: string) =>
			expectOk(await call(host, 'host:command', { code, command: { type } as never }));

		for (let item = 0; item < singles.length; item++) {
			// Everyone present waits for the open item (a removed student is no longer sent it).
			const present = item === 0 ? students : students.slice(1);
			const opened = present.map((s) =>
				nextEvent(s.socket, 'room:updated', (v) => v.phase === 'open' && v.current === item)
			);
			await cmd(item === 0 ? 'start' : 'next');
			await Promise.all(opened);
			const closed = nextEvent(host, 'host:updated', (v) => v.phase === 'closed');
			const acks = await Promise.all(
				present.map((s) =>
					call(s.socket, 'answer:submit', { code, item, response: { type: 'single', choice: 0 } })
				)
			);
			expect(acks.every((a) => a.ok)).toBe(true);
			await closed;
			const results = present.map((s) =>
				nextEvent(s.socket, 'me:updated', (m) => m.item === item && m.result !== null)
			);
			await cmd('reveal');
			await Promise.all(results);
			if (item === 0) {
				const gone = nextEvent(students[0]!.socket, 'me:removed');
				await cmd('leaderboard');
				expectOk(
					await call(host, 'host:command', {
						code,
						command: { type: 'remove', participantId: students[0]!.id }
					})
				);
				await gone;
			}
		}
		const ended = students
			.slice(1)
			.map((s) => nextEvent(s.socket, 'room:updated', (v) => v.phase === 'ended'));
		await cmd('end');
		await Promise.all(ended);

		for (const [k, s] of students.entries()) {
			const views = s.log
				.filter((e) => e.event === 'room:updated')
				.map((e) => e.payload as never as { phase: string; current: number });
			// Never an older phase after a newer one, never the same one twice.
			const keys = views.map((v) => v.current * 10 + ORDER.indexOf(v.phase));
			expect([...keys].sort((a, b) => a - b)).toEqual(keys);
			expect(new Set(keys).size).toBe(keys.length);
			if (k === 0) {
				// The removed student: the removal is the last thing they hear.
				expect(s.log.at(-1)?.event).toBe('me:removed');
				continue;
			}
			for (let item = 0; item < singles.length; item++) {
				for (const phase of ['open', 'closed', 'revealed'])
					expect(views.some((v) => v.current === item && v.phase === phase)).toBe(true);
				// Their own result comes after the reveal it belongs to.
				const revealedAt = s.log.findIndex(
					(e) =>
						e.event === 'room:updated' &&
						(e.payload as { phase: string; current: number }).phase === 'revealed' &&
						(e.payload as { current: number }).current === item
				);
				const resultAt = s.log.findIndex(
					(e) =>
						e.event === 'me:updated' &&
						(e.payload as { item: number; result: unknown }).item === item &&
						(e.payload as { result: unknown }).result !== null
				);
				expect(revealedAt).toBeGreaterThanOrEqual(0);
				expect(resultAt).toBeGreaterThan(revealedAt);
			}
		}
	});

	it('keep order when the teacher fires commands without waiting for each ack', async () => {
		const kit = server.app.ctx.kits.get('hitting-rock-bottom')!;
		const single = kit.questions.find((q) => q.type === 'single')!;
		const { code, hostToken } = newSession(server, { timeLimit: null }, [`q:${single.id}`]);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const students = [];
		for (let i = 0; i < 12; i++) {
			const socket = client(server.url);
			const log = record(socket);
			const r = expectOk(await call(socket, 'room:join', { code, nickname: `T${i}` }));
			students.push({ socket, log, id: r.participantId });
		}
		const send = (command: Record<string, unknown>) =>
			call(host, 'host:command', { code, command: command as never });
		const opened = students.map((s) =>
			nextEvent(s.socket, 'room:updated', (v) => v.phase === 'open')
		);
		expectOk(await send({ type: 'start' }));
		await Promise.all(opened);
		const closed = nextEvent(host, 'host:updated', (v) => v.phase === 'closed');
		await Promise.all(
			students.map((s) =>
				call(s.socket, 'answer:submit', { code, item: 0, response: { type: 'single', choice: 0 } })
			)
		);
		await closed;

		// A change for one student, then the reveal, back to back.
		const x = students[5]!;
		const both = await Promise.all([
			send({ type: 'extraTime', participantId: x.id, extraTime: 2 }),
			send({ type: 'reveal' })
		]);
		for (const r of both) expectOk(r);
		await until('the student’s result', () =>
			x.log.some((e) => e.event === 'me:updated' && (e.payload as { result: unknown }).result)
		);
		const revealedAt = x.log.findIndex(
			(e) => e.event === 'room:updated' && (e.payload as { phase: string }).phase === 'revealed'
		);
		expect(revealedAt).toBeGreaterThanOrEqual(0);
		// Nothing of the reveal reaches the student before the reveal itself.
		for (const e of x.log.slice(0, revealedAt))
			if (e.event === 'me:updated') expect((e.payload as { result: unknown }).result).toBeNull();

		// A removal, then a broadcast, back to back: the removed student hears nothing after removal.
		const y = students[7]!;
		const locked = students
			.filter((s) => s !== y)
			.map((s) => nextEvent(s.socket, 'room:updated', (v) => v.locked));
		const gone = nextEvent(y.socket, 'me:removed');
		const replies = await Promise.all([
			send({ type: 'remove', participantId: y.id }),
			send({ type: 'lock', locked: true })
		]);
		for (const r of replies) expectOk(r);
		await gone;
		await Promise.all(locked);
		expect(y.log.at(-1)?.event).toBe('me:removed');
	});
});
