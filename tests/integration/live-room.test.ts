import { markAnswered, mergeRoster } from '../../src/lib/client/roster';
import { hashToken } from '../../src/lib/server/tokens';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	nextEvent,
	record,
	sleep,
	startServer,
	type Client,
	type TestServer
} from './harness';
import type { Kit } from '../../src/lib/kit/types';

let server: TestServer;
let kit: Kit;
beforeAll(async () => {
	server = await startServer();
	kit = server.app.ctx.kits.get('hitting-rock-bottom')!;
	expect(kit).toBeTruthy();
});
afterAll(async () => {
	closeClients();
	await server.stop();
});
afterEach(() => closeClients());

async function joinStudents(code: string, n: number) {
	const students: { socket: Client; token: string; id: string }[] = [];
	for (let i = 0; i < n; i++) {
		const socket = client(server.url);
		const r = expectOk(await call(socket, 'room:join', { code, nickname: `Student ${i + 1}` }));
		students.push({ socket, token: r.token, id: r.participantId });
	}
	return students;
}

/** An untimed session of the kit's first `items` questions, the teacher attached, `n` students in. */
async function hostedRoom(items: number, n: number) {
	const ids = kit.questions.slice(0, items).map((q) => `q:${q.id}`);
	const { code, hostToken } = newSession(server, { timeLimit: null }, ids);
	const host = client(server.url);
	expectOk(await call(host, 'host:attach', { code, hostToken }));
	return { code, host, students: await joinStudents(code, n) };
}

/** A correct response for a question item, in displayed terms, worked out from the kit. */
function rightAnswer(view: { item: { id: string; items?: string[] } | null }) {
	const q = kit.questions.find((x) => x.id === view.item?.id)!;
	switch (q.type) {
		case 'single':
			return { type: 'single' as const, choice: 'ABCDEFGH'.indexOf(q.answer) };
		case 'multiple':
			return { type: 'multiple' as const, choices: q.answer.map((l) => 'ABCDEFGH'.indexOf(l)) };
		case 'truefalse':
			return { type: 'truefalse' as const, value: q.answer };
		case 'ordering':
			return { type: 'ordering' as const, order: q.items.map((t) => view.item!.items!.indexOf(t)) };
		case 'short':
			return { type: 'short' as const, text: q.accept[0]! };
		case 'numeric':
			return { type: 'numeric' as const, value: q.answer };
	}
}

describe('live room over real sockets', () => {
	it('a host, a projector and 30 students play a whole quiz; no correctness data before the reveal', async () => {
		const questions = kit.questions.slice(0, 6).map((q) => `q:${q.id}`);
		const { code, hostToken } = newSession(server, { timeLimit: null }, questions);
		const host = client(server.url);
		const hostView = expectOk(await call(host, 'host:attach', { code, hostToken }));
		expect(hostView.phase).toBe('lobby');
		// The controls keep the roster from the attach reply plus each batch of changed rows.
		let roster = hostView.roster;
		let rowsSent = 0;
		let answeredSent = 0;
		host.on('host:roster', (rows) => {
			rowsSent += rows.length;
			roster = mergeRoster(roster, rows);
		});
		host.on('host:answered', ({ item, ids }) => {
			answeredSent += ids.length;
			roster = markAnswered(roster, item, ids);
		});
		const screen = client(server.url);
		expectOk(await call(screen, 'screen:watch', { code, key: hashToken(hostToken) }));
		const students = await joinStudents(code, 30);
		const logs = students.map((s) => record(s.socket));

		for (let i = 0; i < questions.length; i++) {
			const opened = nextEvent(
				students[0]!.socket,
				'room:updated',
				(v) => v.phase === 'open' && v.current === i
			);
			expectOk(
				await call(host, 'host:command', { code, command: { type: i === 0 ? 'start' : 'next' } })
			);
			const view = await opened;
			const closed = nextEvent(
				host,
				'host:updated',
				(v) => v.phase === 'closed' && v.current === i
			);
			// Half answer right, half send a valid wrong-ish answer (or the same), all at once.
			const acks = await Promise.all(
				students.map((s, k) =>
					call(s.socket, 'answer:submit', {
						code,
						item: i,
						response: k % 2 === 0 ? rightAnswer(view) : rightAnswer(view)
					})
				)
			);
			expect(acks.every((a) => a.ok)).toBe(true);
			await closed; // everyone answered: closes by itself
			const revealed = nextEvent(
				students[0]!.socket,
				'room:updated',
				(v) => v.phase === 'revealed'
			);
			expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
			const r = await revealed;
			expect(r.reveal?.correctCount).toBe(30);
			expect(r.reveal?.explanation).toBe(kit.questions[i]!.explanation);
		}
		const ended = nextEvent(screen, 'screen:updated', (v) => v.phase === 'ended');
		const hostEnded = nextEvent(host, 'host:updated', (v) => v.phase === 'ended');
		expectOk(await call(host, 'host:command', { code, command: { type: 'end' } }));
		const final = await ended;
		await hostEnded;
		// Merged changes give the same roster as a fresh attach, for far fewer rows than a whole
		// roster per update: 30 joins, then per question 30 new scores as rows and at most 30
		// answers as ids.
		const fresh = expectOk(await call(client(server.url), 'host:attach', { code, hostToken }));
		expect(roster).toEqual(fresh.roster);
		expect(roster.every((r) => r.correct === questions.length)).toBe(true);
		expect(rowsSent).toBeLessThanOrEqual(30 + questions.length * 30);
		expect(answeredSent).toBeGreaterThan(0);
		expect(answeredSent).toBeLessThanOrEqual(questions.length * 30);
		expect(final.podium?.length).toBe(3);
		expect(final.summary?.every((s) => s.correctShare === 1)).toBe(true);

		// Inspect every payload each student received before each reveal.
		for (const log of logs) {
			for (const { event, payload } of log) {
				if (event !== 'room:updated') continue;
				const v = payload as { phase: string; current: number };
				if (v.phase !== 'open' && v.phase !== 'closed') continue;
				const q = kit.questions[v.current]!;
				const json = JSON.stringify(payload);
				expect(json).not.toContain(q.explanation.slice(0, 40));
				for (const quote of q.evidence)
					if (!JSON.stringify(q.prompt).includes(quote)) expect(json).not.toContain(quote);
				expect(json).not.toMatch(/"answer"|"accept"|"reveal":\{|"correct"/);
			}
		}
	});

	it('refuses duplicates, late answers, host commands from students, malformed payloads and other rooms', async () => {
		const { code, hostToken } = newSession(server, { timeLimit: null }, [
			`q:${kit.questions[0]!.id}`,
			`q:${kit.questions[1]!.id}`
		]);
		const other = newSession(server, { timeLimit: null });
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const [a, b] = await joinStudents(code, 2);
		expect((await call(a!.socket, 'host:command', { code, command: { type: 'start' } })).ok).toBe(
			false
		);
		expect(await call(a!.socket, 'host:attach', { code, hostToken: 'x'.repeat(32) })).toMatchObject(
			{ ok: false, error: 'not_host' }
		);
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		const first = expectOk(
			await call(a!.socket, 'answer:submit', {
				code,
				item: 0,
				response: { type: 'single', choice: 0 }
			})
		);
		// Live: the ack carries what answering changed, nothing more.
		expect(first).toMatchObject({
			item: 0,
			response: { type: 'single', choice: 0 },
			responseId: null,
			result: null
		});
		expect(Object.keys(first).sort()).toEqual([
			'deadline',
			'item',
			'response',
			'responseId',
			'responseStatus',
			'result'
		]);
		expect(
			await call(a!.socket, 'answer:submit', {
				code,
				item: 0,
				response: { type: 'single', choice: 1 }
			})
		).toMatchObject({ ok: false, error: 'already_answered' });
		expect(
			await call(a!.socket, 'answer:submit', {
				code: other.code,
				item: 0,
				response: { type: 'single', choice: 1 }
			})
		).toMatchObject({ ok: false, error: 'not_joined' });
		for (const bad of [null, 42]) {
			expect(await call(b!.socket, 'answer:submit', bad as never)).toMatchObject({
				ok: false,
				error: 'bad_request'
			});
		}
		for (const bad of [
			{ code },
			{ code, item: -1, response: { type: 'single', choice: 0 } },
			{ code, item: 0, response: { type: 'single', choice: 0, extra: 1 } },
			{ code, item: 0, response: { type: 'nope' } }
		]) {
			expect(await call(b!.socket, 'answer:submit', bad as never)).toMatchObject({
				ok: false,
				error: 'invalid_payload'
			});
		}
		expectOk(await call(host, 'host:command', { code, command: { type: 'close' } }));
		expect(
			await call(b!.socket, 'answer:submit', {
				code,
				item: 0,
				response: { type: 'single', choice: 0 }
			})
		).toMatchObject({ ok: false, error: 'question_closed' });
		const stored = server.app.realtime.hub.get(code)!.state.answers[0]!;
		expect(Object.keys(stored)).toHaveLength(1);
	});

	it('a student who refreshes mid-question comes back with the same points and sees the open question', async () => {
		const { code, host, students } = await hostedRoom(2, 2);
		const [s, t] = students;
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		const view = { item: { id: kit.questions[0]!.id } };
		expectOk(
			await call(s!.socket, 'answer:submit', {
				code,
				item: 0,
				response: rightAnswer(view as never)
			})
		);
		expectOk(
			await call(t!.socket, 'answer:submit', {
				code,
				item: 0,
				response: rightAnswer(view as never)
			})
		);
		await sleep(50);
		expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'next' } }));
		s!.socket.disconnect();
		const again = client(server.url);
		const back = expectOk(await call(again, 'room:join', { code, token: s!.token }));
		expect(back.participantId).toBe(s!.id);
		expect(back.me.score).toBeGreaterThan(0);
		expect(back.view.phase).toBe('open');
		expect(back.view.current).toBe(1);
		expect(
			await call(client(server.url), 'room:join', { code, token: 'not-a-real-token-at-all-xx' })
		).toMatchObject({ ok: false, error: 'bad_token' });
	});

	it('a student’s own result reaches each of their open tabs once, and no one else’s', async () => {
		const { code, host, students } = await hostedRoom(1, 2);
		const [s, t] = students;
		// A second tab of the first student: the same participant, its own socket.
		const tab = client(server.url);
		expect(expectOk(await call(tab, 'room:join', { code, token: s!.token })).participantId).toBe(
			s!.id
		);
		const logs = [s!.socket, tab, t!.socket].map((c) => record(c));
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		const view = { item: { id: kit.questions[0]!.id } };
		for (const c of [s!.socket, t!.socket])
			expectOk(
				await call(c, 'answer:submit', { code, item: 0, response: rightAnswer(view as never) })
			);
		const results = [s!.socket, tab, t!.socket].map((c) =>
			nextEvent(c, 'me:updated', (m) => m.item === 0 && m.result !== null)
		);
		expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
		const [first, second, other] = await Promise.all(results);
		expect(first!.id).toBe(s!.id);
		expect(second).toEqual(first);
		expect(other!.id).toBe(t!.id);
		expect(first!.result?.correct).toBe(true);
		// Once per tab, and only their own.
		await sleep(100);
		const mine = (log: { event: string; payload: unknown }[]) =>
			log.filter((e) => e.event === 'me:updated' && (e.payload as { result: unknown }).result);
		expect(logs.map((l) => mine(l).length)).toEqual([1, 1, 1]);
		expect(logs.map((l) => mine(l).map((e) => (e.payload as { id: string }).id))).toEqual([
			[s!.id],
			[s!.id],
			[t!.id]
		]);
	});

	it('survives a server restart mid-question with every acknowledged answer', async () => {
		const ids = kit.questions.slice(0, 2).map((q) => `q:${q.id}`);
		const { code, hostToken } = newSession(server, { timeLimit: null }, ids);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const students = await joinStudents(code, 5);
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		for (const s of students.slice(0, 3))
			expectOk(
				await call(s.socket, 'answer:submit', {
					code,
					item: 0,
					response: { type: 'single', choice: 0 }
				})
			);
		const port = Number(new URL(server.url).port);
		const dbFile = server.dbFile;
		closeClients();
		await server.stop();
		server = await startServer(dbFile, port);
		kit = server.app.ctx.kits.get('hitting-rock-bottom')!;
		const host2 = client(server.url);
		const hv = expectOk(await call(host2, 'host:attach', { code, hostToken }));
		expect(hv.phase).toBe('open');
		expect(hv.answered).toBe(3);
		const rejoined = await Promise.all(
			students.map(async (s) => {
				const c = client(server.url);
				return { c, r: expectOk(await call(c, 'room:join', { code, token: s.token })) };
			})
		);
		expect(rejoined[0]!.r.me.response).toEqual({ type: 'single', choice: 0 });
		expect(
			await call(rejoined[0]!.c, 'answer:submit', {
				code,
				item: 0,
				response: { type: 'single', choice: 1 }
			})
		).toMatchObject({ ok: false, error: 'already_answered' });
		const closed = nextEvent(host2, 'host:updated', (v) => v.phase === 'closed');
		for (const { c } of rejoined.slice(3))
			expectOk(
				await call(c, 'answer:submit', { code, item: 0, response: { type: 'single', choice: 0 } })
			);
		await closed;
		expectOk(await call(host2, 'host:command', { code, command: { type: 'reveal' } }));
		expect(
			server.app.realtime.hub.get(code)!.state.answers[0] &&
				Object.keys(server.app.realtime.hub.get(code)!.state.answers[0]!)
		).toHaveLength(5);
	});
});

describe('after a restart', () => {
	it('the first student back does not close the question on the others', async () => {
		const { code, hostToken } = newSession(server, { timeLimit: null }, [
			`q:${kit.questions[0]!.id}`
		]);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const a = client(server.url);
		const b = client(server.url);
		const ja = expectOk(await call(a, 'room:join', { code, nickname: 'Ada' }));
		const jb = expectOk(await call(b, 'room:join', { code, nickname: 'Ben' }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		const port = Number(new URL(server.url).port);
		const dbFile = server.dbFile;
		closeClients();
		await server.stop();
		server = await startServer(dbFile, port);
		kit = server.app.ctx.kits.get('hitting-rock-bottom')!;
		const a2 = client(server.url);
		expectOk(await call(a2, 'room:join', { code, token: ja.token }));
		expectOk(
			await call(a2, 'answer:submit', { code, item: 0, response: { type: 'single', choice: 0 } })
		);
		const b2 = client(server.url);
		const back = expectOk(await call(b2, 'room:join', { code, token: jb.token }));
		expect(back.view.phase).toBe('open');
		expectOk(
			await call(b2, 'answer:submit', { code, item: 0, response: { type: 'single', choice: 1 } })
		);
	});
});

describe('identities and keys', () => {
	it('the projector needs its key; a review key cannot rejoin; one socket is one student; floods are limited', async () => {
		const { code, hostToken } = newSession(server, { timeLimit: null }, [
			`q:${kit.questions[0]!.id}`
		]);
		const host = client(server.url);
		const attached = expectOk(await call(host, 'host:attach', { code, hostToken }));
		expect(attached.screenKey).toBe(hashToken(hostToken));
		const nosy = client(server.url);
		expect(await call(nosy, 'screen:watch', { code, key: 'guess' })).toMatchObject({
			ok: false,
			error: 'not_screen'
		});
		const a = client(server.url);
		const ja = expectOk(await call(a, 'room:join', { code, nickname: 'Ada' }));
		expect(ja.reviewKey).not.toBe(ja.token);
		expect(
			await call(client(server.url), 'room:join', { code, token: ja.reviewKey })
		).toMatchObject({ ok: false, error: 'bad_token' });
		expect(await call(a, 'room:join', { code, nickname: 'Ada2' })).toMatchObject({
			ok: false,
			error: 'already_joined'
		});
		// The same socket turning projector leaves its student behind as away.
		const away = nextEvent(host, 'host:roster', (rows) =>
			rows.some((p) => p.nickname === 'Ada' && !p.connected)
		);
		const counted = nextEvent(host, 'host:updated', (v) => v.connected === 0);
		expect(await call(a, 'screen:watch', { code, key: attached.screenKey })).toMatchObject({
			ok: true
		});
		await away;
		await counted;
		// A flood from one socket is cut off, with a clear error, long before it hurts anyone.
		const flood = client(server.url);
		const replies = await Promise.all(
			Array.from({ length: 40 }, () => call(flood, 'screen:watch', { code, key: 'x' }))
		);
		expect(replies.filter((r) => !r.ok && r.error === 'rate_limited').length).toBeGreaterThan(10);
	});
});
