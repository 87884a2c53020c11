import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	nextEvent,
	sleep,
	startServer,
	type TestServer
} from './harness';
import { buildReview } from '../../src/lib/server/review';
import type { Kit } from '../../src/lib/kit/types';
import type { MyView } from '../../src/lib/room/view';

let server: TestServer;
let kit: Kit;
beforeAll(async () => {
	server = await startServer();
	kit = server.app.ctx.kits.get('hitting-rock-bottom')!;
});
afterAll(async () => {
	closeClients();
	await server.stop();
});
afterEach(() => closeClients());

const singles = () => kit.questions.filter((q) => q.type === 'single').slice(0, 3);
const right = (i: number) => ({
	type: 'single' as const,
	choice: 'ABCDEFGH'.indexOf((singles()[i] as { answer: string }).answer)
});
const wrong = (i: number) => ({
	type: 'single' as const,
	choice: ('ABCDEFGH'.indexOf((singles()[i] as { answer: string }).answer) + 1) % 4
});

describe('homework sessions', () => {
	it('students work at their own pace, see feedback only for what they answered, and the teacher sees progress', async () => {
		const { code, hostToken } = newSession(
			server,
			{ mode: 'homework', timeLimit: null },
			singles().map((q) => `q:${q.id}`)
		);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const a = client(server.url);
		const b = client(server.url);
		const ja = expectOk(await call(a, 'room:join', { code, nickname: 'Ada' }));
		expectOk(await call(b, 'room:join', { code, nickname: 'Ben' }));
		// Not started yet.
		expect(await call(a, 'answer:submit', { code, item: 0, response: right(0) })).toMatchObject({
			ok: false,
			error: 'bad_phase'
		});
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		// Teacher-paced commands make no sense here.
		expect(await call(host, 'host:command', { code, command: { type: 'reveal' } })).toMatchObject({
			ok: false,
			error: 'bad_phase'
		});

		// Before answering, a student's own item carries no correctness data.
		const resumed = expectOk(
			await call(client(server.url), 'room:join', { code, token: ja.token })
		);
		expect(resumed.me.hw?.item?.id).toBe(singles()[0]!.id);
		expect(resumed.me.hw?.reveal).toBeNull();
		expect(JSON.stringify(resumed)).not.toContain(singles()[0]!.explanation.slice(0, 30));

		// Homework: answering is the reveal, so the ack is the whole view.
		const fed = expectOk(
			await call(a, 'answer:submit', { code, item: 0, response: right(0) })
		) as MyView;
		expect(fed.result).toMatchObject({ correct: true, points: 1000 });
		expect(fed.hw?.reveal?.explanation).toBe(singles()[0]!.explanation);
		expect(fed.hw?.reveal?.distribution).toBeNull();
		expect(await call(a, 'answer:submit', { code, item: 1, response: right(1) })).toMatchObject({
			ok: false,
			error: 'wrong_item'
		});
		expect(await call(a, 'answer:submit', { code, item: 0, response: right(0) })).toMatchObject({
			ok: false,
			error: 'already_answered'
		});
		expect(await call(b, 'homework:advance', { code })).toMatchObject({
			ok: false,
			error: 'invalid_response'
		});
		const moved = expectOk(await call(a, 'homework:advance', { code }));
		expect(moved.item).toBe(1);
		expectOk(await call(a, 'answer:submit', { code, item: 1, response: wrong(1) }));

		// The teacher's roster follows each student's progress through the changed rows.
		await nextEvent(host, 'host:roster', (rows) =>
			rows.some((p) => p.nickname === 'Ada' && p.progress === 1 && p.correct === 1)
		);
		const full = expectOk(await call(host, 'host:attach', { code, hostToken }));
		expect(full.roster.find((p) => p.nickname === 'Ben')?.progress).toBe(0);
		expect(full.roster.find((p) => p.nickname === 'Ada')?.progress).toBe(1);

		// The review link lists only what Ada got wrong, with the evidence.
		const review = (await buildReview(server.app.ctx, ja.reviewKey))!;
		expect(review.asked).toBe(2);
		expect(review.missed.map((m) => m.questionId)).toEqual([singles()[1]!.id]);
		expect(review.missed[0]!.evidence[0]!.anchor).toMatch(/^p-\d+$/);
		expect(await buildReview(server.app.ctx, 'no-such-token-xxxxxxxxxxxxxxx')).toBeNull();
	});

	/**
	 * Homework with a deadline `ms` away, Ada joined, started by the teacher; `ended` is listened
	 * for before the start (a deadline passed during a slow setup ends it at once).
	 */
	async function startedHomework(ms: number) {
		const { code, hostToken } = newSession(
			server,
			{ mode: 'homework', timeLimit: null, deadline: Date.now() + ms },
			singles().map((q) => `q:${q.id}`)
		);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const a = client(server.url);
		expectOk(await call(a, 'room:join', { code, nickname: 'Ada' }));
		const ended = nextEvent(host, 'host:updated', (v) => v.phase === 'ended', ms + 10_000);
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		return { code, host, a, ended };
	}

	it('ends by itself at the deadline and refuses later answers', async () => {
		const { code, a, ended } = await startedHomework(600);
		await ended;
		expect(await call(a, 'answer:submit', { code, item: 0, response: right(0) })).toMatchObject({
			ok: false,
			error: 'room_ended'
		});
	});

	it('ends at the deadline after students have answered too', async () => {
		// An answer must not disarm the deadline: the homework ends on time by itself. The deadline
		// leaves a slow machine seconds to set up and answer first.
		const { code, a, ended } = await startedHomework(2500);
		expectOk(await call(a, 'answer:submit', { code, item: 0, response: right(0) }));
		await ended;
	});
});

describe('review after a live session', () => {
	it('shows only revealed questions, and only my own misses', async () => {
		const { code, hostToken } = newSession(
			server,
			{ timeLimit: null },
			singles().map((q) => `q:${q.id}`)
		);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const a = client(server.url);
		const ja = expectOk(await call(a, 'room:join', { code, nickname: 'Ada' }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		expectOk(await call(a, 'answer:submit', { code, item: 0, response: wrong(0) }));
		await sleep(20);
		// Not revealed yet: nothing to review.
		expect((await buildReview(server.app.ctx, ja.reviewKey))!.missed).toEqual([]);
		expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'next' } }));
		const r = (await buildReview(server.app.ctx, ja.reviewKey))!;
		expect(r.missed.map((m) => m.questionId)).toEqual([singles()[0]!.id]);
		expect(r.missed[0]!.yours).toMatch(/^[A-D]\. /);
		expectOk(await call(host, 'host:command', { code, command: { type: 'end' } }));
		// Ended during the second question: it counts as asked (unanswered); the third never was.
		const ended = (await buildReview(server.app.ctx, ja.reviewKey))!;
		expect(ended.missed.map((m) => m.questionId)).toEqual(
			singles()
				.slice(0, 2)
				.map((q) => q.id)
		);
		expect(ended.asked).toBe(2);
	});
});

describe('resume codes', () => {
	it('a second device takes the same place with the resume code; a wrong or foreign code gets nothing', async () => {
		const items = singles().map((q) => `q:${q.id}`);
		const { code, hostToken } = newSession(server, { mode: 'homework', timeLimit: null }, items);
		const other = newSession(server, { mode: 'homework', timeLimit: null }, items);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const phone = client(server.url);
		const first = expectOk(await call(phone, 'room:join', { code, nickname: 'Ada' }));
		// About 59 bits from the unambiguous alphabet; never the token, never the review key.
		expect(first.resumeCode).toMatch(/^[A-HJKMNP-Z2-9]{12}$/);
		expect(first.token).not.toContain(first.resumeCode);
		expect(first.reviewKey).not.toContain(first.resumeCode);
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		expectOk(await call(phone, 'answer:submit', { code, item: 0, response: right(0) }));
		expectOk(await call(phone, 'homework:advance', { code }));

		// Typed on a laptop, in lower case with dashes: the same participant, on item 2.
		const laptop = client(server.url);
		const typed = first.resumeCode.toLowerCase().replace(/(.{4})(?!$)/g, '$1-');
		const again = expectOk(await call(laptop, 'room:join', { code, resume: typed }));
		expect(again.participantId).toBe(first.participantId);
		expect(again.reviewKey).toBe(first.reviewKey);
		expect(again.resumeCode).toBe(first.resumeCode);
		expect(again.me).toMatchObject({ nickname: 'Ada', score: first.me.score + 1000, item: 1 });
		// Its own later reconnects send the code it keeps.
		const refreshed = client(server.url);
		expect(
			expectOk(await call(refreshed, 'room:join', { code, resume: again.token })).participantId
		).toBe(first.participantId);
		// The token path still works, and its resume code is the same.
		const phone2 = client(server.url);
		const back = expectOk(await call(phone2, 'room:join', { code, token: first.token }));
		expect(back.resumeCode).toBe(first.resumeCode);

		const stranger = client(server.url);
		const wrongCode = first.resumeCode.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
		for (const payload of [
			{ code, resume: wrongCode },
			{ code: other.code, resume: first.resumeCode }
		])
			expect(await call(stranger, 'room:join', payload)).toMatchObject({
				ok: false,
				error: 'bad_resume'
			});
	});
});
