/**
 * A writing item over real sockets: the teacher's controls receive every text with its author;
 * no other student and not the projector ever receives a text, before or after the reveal.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/tokens';
import { buildReport } from '../../src/lib/report/figures';
import { ANSWER_COLUMNS, answerRows } from '../../src/lib/report/csv';
import { reportXlsx } from '../../src/lib/server/report-page';
import { readSheet } from 'read-excel-file/node';
import { unzipSync, strFromU8 } from 'fflate';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	nextEvent,
	record,
	startServer,
	type TestServer
} from './harness';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	closeClients();
	await server.stop();
});
afterEach(() => closeClients());

const essay = (k: number) =>
	`Essay ${k} MARK${k}Q: the break was a bold move, as paragraph 16 says, but paragraph 3 shows the cost.`;

describe('a writing item', () => {
	it('reaches the teacher with names; students and the projector get only the count', async () => {
		const { code, hostToken } = newSession(server, { timeLimit: null }, [
			'p:bold-or-self-defeating-essay'
		]);
		const host = client(server.url);
		const hostLog = record(host);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const screen = client(server.url);
		const screenLog = record(screen);
		expectOk(await call(screen, 'screen:watch', { code, key: hashToken(hostToken) }));
		const students = [];
		const logs = [];
		for (const k of [0, 1, 2]) {
			const s = client(server.url);
			logs.push(record(s));
			expectOk(await call(s, 'room:join', { code, nickname: `Writer ${k}` }));
			students.push(s);
		}
		const opened = nextEvent(students[0]!, 'room:updated', (v) => v.phase === 'open');
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		const view = await opened;
		expect(view.item).toMatchObject({
			type: 'writing',
			minWords: 150,
			maxLength: 2500,
			rubric: expect.arrayContaining(['Answers the strongest point on the other side.'])
		});

		// Refused: empty, longer than the item allows, the wrong shape.
		for (const response of [
			{ type: 'writing', text: '   ' },
			{ type: 'writing', text: 'x'.repeat(2501) },
			{ type: 'wordcloud', text: 'frozen' }
		] as const) {
			const r = await call(students[0]!, 'answer:submit', { code, item: 0, response });
			expect(r.ok).toBe(false);
		}

		const hostSees = nextEvent(host, 'host:updated', (v) => v.poll?.writings?.length === 2);
		for (const k of [0, 1])
			expectOk(
				await call(students[k]!, 'answer:submit', {
					code,
					item: 0,
					response: { type: 'writing', text: essay(k) }
				})
			);
		const seen = await hostSees;
		// Handed in one after the other, within a millisecond maybe: compared in author order.
		const byAuthor = <T extends { author: string }>(xs: T[] = []) =>
			[...xs].sort((a, b) => a.author.localeCompare(b.author));
		expect(byAuthor(seen.poll?.writings)).toEqual([
			{ author: 'Writer 0', text: essay(0), words: 19 },
			{ author: 'Writer 1', text: essay(1), words: 19 }
		]);
		expect(seen.poll?.responses).toBe(2);

		const revealed = nextEvent(students[2]!, 'room:updated', (v) => v.phase === 'revealed');
		expectOk(await call(host, 'host:command', { code, command: { type: 'close' } }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
		expect((await revealed).poll).toEqual({ responses: 2 });

		// Nobody but the teacher ever had another student's text; each student only their own.
		const text = (log: { payload: unknown }[]) => JSON.stringify(log.map((l) => l.payload));
		expect(text(hostLog)).toContain('MARK1Q');
		expect(text(screenLog)).not.toMatch(/MARK\dQ/);
		expect(text(logs[2]!)).not.toMatch(/MARK\dQ/);
		expect(text(logs[0]!)).not.toContain('MARK1Q');
		expect(text(logs[1]!)).not.toContain('MARK0Q');

		// The teacher's report holds every text, and the export one row each.
		expectOk(await call(host, 'host:command', { code, command: { type: 'end' } }));
		const state = server.repo.loadSession(code)!.state;
		expect(
			byAuthor(buildReport(state, 0.5).polls[0]!.results.writings).map((w) => w.author)
		).toEqual(['Writer 0', 'Writer 1']);
		const rows = answerRows(state).map((r) => r.map(String).join('|'));
		expect(rows.filter((r) => r.includes('MARK0Q') || r.includes('MARK1Q'))).toHaveLength(2);

		// The Excel export holds the same rows, as values: a text starting with "=" is no formula.
		const xlsx = Buffer.from(await (await reportXlsx(code, state, 50)).arrayBuffer());
		const sheet = (await readSheet(xlsx, 'Answers')).map((r) => r.map((c) => String(c ?? '')));
		expect(sheet).toEqual(
			[ANSWER_COLUMNS, ...answerRows(state)].map((r) => r.map((c) => String(c)))
		);
		const files = unzipSync(new Uint8Array(xlsx));
		const xml = Object.keys(files)
			.filter((f) => f.startsWith('xl/worksheets/'))
			.map((f) => strFromU8(files[f]!))
			.join('');
		expect(xml).not.toContain('<f>');
		expect((await readSheet(xlsx, 'Students')).length).toBe(4);
	});
});
