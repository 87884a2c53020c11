/**
 * Reports over a session played with real sockets: every question type and every poll type,
 * a removed student, a student who answers nothing, hostile nicknames. Then the report's figures
 * and both CSV exports checked row by row against the answers given; access tried with every kind
 * of key; deletion counted in rows; retention deleting only what it should.
 */
import Database from 'better-sqlite3';
import type { Cookies } from '@sveltejs/kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
import {
	ANSWER_COLUMNS,
	answerRows,
	summaryRows,
	toCsv,
	SUMMARY_COLUMNS
} from '../../src/lib/report/csv';
import { buildReport } from '../../src/lib/report/figures';
import type { AnyResponse } from '../../src/lib/room/types';
import { canReadReport, grantReport, heldReports } from '../../src/lib/server/report-access';
import { pruneSessions, retentionDays } from '../../src/lib/server/retention';
import { buildReview } from '../../src/lib/server/review';
import { resetTeacherGate, TEACHER_COOKIE, teacherCookieValue } from '../../src/lib/server/teacher';
import { readCsv } from '../unit/csv-reader';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	closeClients();
	await server.stop();
});
afterEach(() => closeClients());

/** A browser's cookies for the report routes: what `cookies.set` stores, `get` gives back. */
class Jar {
	values = new Map<string, string>();
	get = (name: string) => this.values.get(name);
	getAll = () => [...this.values].map(([name, value]) => ({ name, value }));
	set = (name: string, value: string) => void this.values.set(name, value);
	delete = (name: string) => void this.values.delete(name);
	serialize = () => '';
	get cookies() {
		return this as unknown as Cookies;
	}
}

const ITEMS = [
	'p:bold-or-self-defeating:before',
	'q:ostentatious-meaning',
	'q:cooperation-collapse-reasons',
	'q:decree-duma-echo',
	'q:argument-structure',
	'q:city-liberated',
	'q:days-before-publication',
	'p:only-way-is-up',
	'p:main-trigger',
	'p:bold-or-self-defeating-why',
	'p:relations-in-one-word',
	'p:bold-or-self-defeating:after'
];
const ANN = 'Ann';
const HOSTILE = '=HYPERLINK("http://x")';
const QUOTED = 'O"Neil, Jo';
const RTL = 'مريم';
const DEE = 'Dee';

type Plan = Partial<Record<string, AnyResponse | 'perm:right' | 'perm:swap' | 'perm:reverse'>>;
/** What each student sends, item by item (ordering in kit order, turned into displayed order). */
const PLAN: Plan[] = [
	{
		[ANN]: { type: 'scale', value: 2 },
		[HOSTILE]: { type: 'scale', value: 4 },
		[QUOTED]: { type: 'scale', value: 3 },
		[DEE]: { type: 'scale', value: 5 }
	},
	{
		[ANN]: { type: 'single', choice: 2 },
		[HOSTILE]: { type: 'single', choice: 0 },
		[QUOTED]: { type: 'single', choice: 0 },
		[DEE]: { type: 'single', choice: 2 }
	},
	{
		[ANN]: { type: 'multiple', choices: [0, 2, 4] },
		[HOSTILE]: { type: 'multiple', choices: [0, 1] },
		[QUOTED]: { type: 'multiple', choices: [0, 2] }
	},
	{
		[ANN]: { type: 'truefalse', value: true },
		[HOSTILE]: { type: 'truefalse', value: false },
		[QUOTED]: { type: 'truefalse', value: true }
	},
	{ [ANN]: 'perm:right', [HOSTILE]: 'perm:reverse', [QUOTED]: 'perm:swap' },
	{
		[ANN]: { type: 'short', text: 'Palmyra' },
		[HOSTILE]: { type: 'short', text: 'Moscow' },
		[QUOTED]: { type: 'short', text: 'TADMUR' }
	},
	{
		[ANN]: { type: 'numeric', value: 9 },
		[HOSTILE]: { type: 'numeric', value: 8 },
		[QUOTED]: { type: 'numeric', value: 9 }
	},
	{
		[ANN]: { type: 'scale', value: 5 },
		[HOSTILE]: { type: 'scale', value: 1 },
		[QUOTED]: { type: 'scale', value: 3 }
	},
	{
		[ANN]: { type: 'choice', choices: [0] },
		[HOSTILE]: { type: 'choice', choices: [2] },
		[QUOTED]: { type: 'choice', choices: [2] }
	},
	{
		[ANN]: { type: 'open', text: 'Planned, "carefully", yes', side: 'for' },
		[HOSTILE]: { type: 'open', text: '=1+1', side: 'against' },
		[QUOTED]: { type: 'open', text: 'It backfired', side: 'against' }
	},
	{
		[ANN]: { type: 'wordcloud', text: 'Frozen' },
		[HOSTILE]: { type: 'wordcloud', text: 'frozen!' },
		[QUOTED]: { type: 'wordcloud', text: 'Cold' }
	},
	{
		[ANN]: { type: 'scale', value: 4 },
		[HOSTILE]: { type: 'scale', value: 1 },
		[QUOTED]: { type: 'scale', value: 3 }
	}
];
const KIT_ORDER = {
	'perm:right': [0, 1, 2, 3, 4, 5],
	'perm:swap': [1, 0, 2, 3, 4, 5],
	'perm:reverse': [5, 4, 3, 2, 1, 0]
};

interface Student {
	name: string;
	socket: Client;
	token: string;
	reviewKey: string;
	id: string;
}

/** Plays the whole session; Dee is removed after item 1, the RTL student never answers. */
async function play() {
	const { code, hostToken } = newSession(server, { timeLimit: null, speedScoring: false }, ITEMS);
	const host = client(server.url);
	const attached = expectOk(await call(host, 'host:attach', { code, hostToken }));
	const students: Student[] = [];
	for (const name of [ANN, HOSTILE, QUOTED, RTL, DEE]) {
		const socket = client(server.url);
		const r = expectOk(await call(socket, 'room:join', { code, nickname: name }));
		students.push({ name, socket, token: r.token, reviewKey: r.reviewKey, id: r.participantId });
	}
	const by = (name: string) => students.find((s) => s.name === name)!;
	const cmd = async (command: Parameters<typeof call<'host:command'>>[2]['command']) =>
		expectOk(await call(host, 'host:command', { code, command }));
	const perm = server.repo.loadSession(code)!.state.core.items[4]!;
	const display = (kit: number[]) =>
		kit.map((k) => (perm.kind === 'question' ? perm.perm! : []).indexOf(k));
	const responseIds: Record<string, string> = {};
	for (const [item, plan] of PLAN.entries()) {
		await cmd({ type: item === 0 ? 'start' : 'next' });
		for (const [name, r] of Object.entries(plan)) {
			if (name === DEE && item > 1) continue;
			const response: AnyResponse =
				typeof r === 'string' ? { type: 'ordering', order: display(KIT_ORDER[r]) } : r!;
			const ack = expectOk(await call(by(name).socket, 'answer:submit', { code, item, response }));
			if ('responseId' in ack && ack.responseId) responseIds[name] = ack.responseId;
		}
		if (item === 9) {
			await cmd({ type: 'moderate', responseId: responseIds[ANN]!, status: 'approved' });
			await cmd({ type: 'moderate', responseId: responseIds[HOSTILE]!, status: 'approved' });
			await cmd({ type: 'moderate', responseId: responseIds[QUOTED]!, status: 'hidden' });
			for (const [voter, author] of [
				[QUOTED, ANN],
				[ANN, HOSTILE],
				[RTL, ANN]
			] as const)
				expectOk(
					await call(by(voter).socket, 'response:upvote', {
						code,
						responseId: responseIds[author]!
					})
				);
		}
		await cmd({ type: 'close' });
		await cmd({ type: 'reveal' });
		if (item === 1) await cmd({ type: 'remove', participantId: by(DEE).id });
	}
	await cmd({ type: 'end' });
	return { code, hostToken, screenKey: attached.screenKey, students, by };
}

describe('a session’s report, played with real sockets', () => {
	let game: Awaited<ReturnType<typeof play>>;
	beforeAll(async () => {
		game = await play();
	});

	const state = () => server.repo.loadSession(game.code)!.state;

	it('lists questions hardest first with counts, shares, distributions and misconceptions', () => {
		const r = buildReport(state(), 0.5);
		// Mean credit: single 1/3; ordering (1 + 0 + 3/5)/3; multiple (1 + 0 + 2/3)/3; then the
		// true/false, short and numeric at 2/3 each, in session order.
		expect(r.questions.map((q) => q.id)).toEqual([
			'ostentatious-meaning',
			'argument-structure',
			'cooperation-collapse-reasons',
			'decree-duma-echo',
			'city-liberated',
			'days-before-publication'
		]);
		const q = (id: string) => r.questions.find((x) => x.id === id)!;
		// Dee's right answer is gone with her; the RTL student never answered.
		expect(q('ostentatious-meaning')).toMatchObject({
			answered: 3,
			unanswered: 1,
			correct: 1,
			shareCorrect: 1 / 3,
			misconception: { label: 'A. Quiet and kept well out of the public eye', count: 2 }
		});
		expect(q('ostentatious-meaning').distribution.map((d) => [d.count, d.marked])).toEqual([
			[2, false],
			[0, false],
			[1, true],
			[0, false]
		]);
		expect(q('cooperation-collapse-reasons')).toMatchObject({ correct: 1, partial: 1 });
		expect(q('cooperation-collapse-reasons').meanCredit).toBeCloseTo(5 / 9, 10);
		expect(q('argument-structure').meanCredit).toBeCloseTo(1.6 / 3, 10);
		expect(q('city-liberated').misconception).toEqual({ label: 'Moscow', count: 1 });
		expect(q('days-before-publication').misconception).toEqual({ label: '8 days', count: 1 });
		expect(q('decree-duma-echo').misconception).toEqual({ label: 'False', count: 1 });
		for (const x of r.questions) {
			expect(x.medianSeconds).toBeGreaterThanOrEqual(0);
			expect(x.medianSeconds).toBeLessThan(30);
			expect(x.evidence[0]?.anchor).toMatch(/^p-\d+$/);
		}
		expect(r.removed).toBe(1);
	});

	it('lists students with correct counts, accuracy and who needs help', () => {
		const r = buildReport(state(), 0.5);
		expect(
			r.students.map((s) => [
				s.nickname,
				s.correct,
				s.answered,
				s.unanswered,
				s.points,
				s.needsHelp
			])
		).toEqual([
			[ANN, 6, 6, 0, 6000, false],
			[HOSTILE, 0, 6, 0, 0, true],
			[QUOTED, 3, 6, 0, Math.round((2 / 3) * 1000) + 600 + 3000, false],
			[RTL, 0, 0, 6, 0, true]
		]);
		expect(r.students[2]!.accuracy).toBeCloseTo((2 / 3 + 1 + 0.6 + 1 + 1) / 6, 10);
	});

	it('tallies polls, the before/after movement, approved arguments and the word cloud', () => {
		const polls = buildReport(state(), 0.5).polls;
		expect(polls.map((p) => p.index)).toEqual([0, 7, 8, 9, 10, 11]);
		expect(polls[0]!.results.counts).toEqual([0, 1, 1, 1, 0]); // Dee's 5 is gone
		expect(polls[1]!.results.counts).toEqual([1, 0, 1, 0, 1]);
		expect(polls[2]!.results.counts).toEqual([1, 0, 2, 0, 0]);
		expect(polls[3]!.results.open).toEqual([
			expect.objectContaining({
				text: 'Planned, "carefully", yes',
				side: 'for',
				upvotes: 2,
				author: ANN
			}),
			expect.objectContaining({ text: '=1+1', side: 'against', upvotes: 1, author: HOSTILE })
		]);
		expect(polls[4]!.results.words).toEqual([
			{ word: 'frozen', count: 2 },
			{ word: 'cold', count: 1 }
		]);
		expect(polls[5]!.results.shift).toEqual({
			towardAgree: 1,
			towardDisagree: 1,
			stayed: 1,
			before: [0, 1, 1, 1, 0]
		});
	});

	it('exports one row per student per item, and it reads back row by row', () => {
		const rows = readCsv(toCsv(ANSWER_COLUMNS, answerRows(state())));
		expect(rows[0]).toEqual(ANSWER_COLUMNS);
		const body = rows.slice(1);
		expect(body).toHaveLength(4 * ITEMS.length);
		const cell = (name: string, item: number, col: string) =>
			body.find(
				(r) => r[0] === (name === HOSTILE ? `'${name}` : name) && r[1] === String(item + 1)
			)![ANSWER_COLUMNS.indexOf(col)];
		const names = [ANN, `'${HOSTILE}`, QUOTED, RTL];
		expect([...new Set(body.map((r) => r[0]))]).toEqual(names);
		// [item, column, Ann, hostile, quoted, rtl]
		const expected: [number, string, string, string, string, string][] = [
			[0, 'response', '2 (Disagree)', '4 (Agree)', '3 (Neither agree nor disagree)', ''],
			[1, 'correct', 'yes', 'no', 'no', ''],
			[
				1,
				'response',
				'C. Deliberately showy and meant to be noticed',
				'A. Quiet and kept well out of the public eye',
				'A. Quiet and kept well out of the public eye',
				''
			],
			[2, 'credit', '1', '0', '0.667', ''],
			[2, 'correct', 'yes', 'no', 'partly', ''],
			[3, 'response', 'True', 'False', 'True', ''],
			[4, 'credit', '1', '0', '0.6', ''],
			[4, 'points', '1000', '0', '600', ''],
			[5, 'response', 'Palmyra', 'Moscow', 'TADMUR', ''],
			[5, 'correct', 'yes', 'no', 'yes', ''],
			[6, 'response', '9 days', '8 days', '9 days', ''],
			[
				8,
				'response',
				'A. Syria: the airstrike, the convoy and Aleppo',
				'C. The U.S. election campaign and the interference charge',
				'C. The U.S. election campaign and the interference charge',
				''
			],
			[
				9,
				'response',
				'For: Planned, "carefully", yes',
				'Against: =1+1',
				'Against: It backfired',
				''
			],
			[9, 'status', 'approved', 'approved', 'hidden', ''],
			[10, 'response', 'Frozen', 'frozen!', 'Cold', ''],
			[11, 'response', '4 (Agree)', '1 (Strongly disagree)', '3 (Neither agree nor disagree)', '']
		];
		for (const [item, col, ...want] of expected)
			expect(
				[ANN, HOSTILE, QUOTED, RTL].map((n) => cell(n, item, col)),
				`${item} ${col}`
			).toEqual(want);
		for (const n of [ANN, HOSTILE, QUOTED]) expect(cell(n, 1, 'answered')).toBe('yes');
		expect(body.filter((r) => r[0] === RTL).every((r) => r[6] === 'no')).toBe(true);
		for (const r of body) if (r[11] !== '') expect(Number(r[11])).toBeGreaterThanOrEqual(0);
	});

	it('exports one summary row per student, names intact and formulas inert', () => {
		const rows = readCsv(toCsv(SUMMARY_COLUMNS, summaryRows(buildReport(state(), 0.5))));
		expect(rows.map((r) => r.slice(0, 8))).toEqual([
			SUMMARY_COLUMNS.slice(0, 8),
			[ANN, '6', '6', '0', '6', '100', '6000', 'no'],
			[`'${HOSTILE}`, '6', '6', '0', '0', '0', '0', 'yes'],
			[QUOTED, '6', '6', '0', '3', '71.1', '4267', 'no'],
			[RTL, '6', '0', '6', '0', '0', '0', 'yes']
		]);
		// Missed: in session order, ids as the kit names them.
		expect(rows[2]![8]).toBe(
			'ostentatious-meaning cooperation-collapse-reasons decree-duma-echo argument-structure city-liberated days-before-publication'
		);
	});

	it('is listed with its counts: students not removed, their full-credit answers, its questions', () => {
		const [row] = server.repo.listSessions(500, [game.code]);
		// Ann 6 + the quoted student 3 full-credit answers; Dee's are gone with her.
		expect(row).toMatchObject({
			code: game.code,
			kitSlug: 'hitting-rock-bottom',
			phase: 'ended',
			mode: 'live',
			deadline: null,
			items: 12,
			questions: 6,
			players: 4,
			correctAnswers: 9
		});
		expect(server.repo.listSessions(500, []).length).toBe(0);
	});

	it('opens to the host key and the unlocked teacher only, never to other keys', async () => {
		const { repo } = server;
		const { code, hostToken, screenKey, by } = game;
		const ann = by(ANN);
		const tryKey = (value: string | undefined) => {
			const jar = new Jar();
			if (value !== undefined) jar.values.set(`quorum_report_${code}`, value);
			return canReadReport(repo, jar.cookies, code);
		};
		expect(await tryKey(undefined)).toBe(false);
		expect(await tryKey(ann.token)).toBe(false);
		expect(await tryKey(ann.reviewKey)).toBe(false);
		expect(await tryKey(screenKey)).toBe(false);
		expect(await tryKey(hostToken)).toBe(false);
		// Keys other than the host token are refused at the door too.
		for (const wrong of [ann.token, ann.reviewKey, screenKey, ''])
			expect(await grantReport(repo, new Jar().cookies, code, wrong, false)).toBe(false);
		// The host token grants a cookie that is not the token, for this session only.
		const jar = new Jar();
		expect(await grantReport(repo, jar.cookies, code, hostToken, false)).toBe(true);
		const granted = jar.get(`quorum_report_${code}`)!;
		expect(granted).not.toContain(hostToken);
		expect(await canReadReport(repo, jar.cookies, code)).toBe(true);
		expect(await heldReports(repo, jar.cookies)).toEqual([code]);
		const other = newSession(server);
		expect(await canReadReport(repo, jar.cookies, other.code)).toBe(false);
		expect(await grantReport(repo, new Jar().cookies, other.code, hostToken, false)).toBe(false);
		// With a passcode gate: the unlocked teacher reads every report; a forged cookie nothing.
		process.env.QUORUM_TEACHER_PASSCODE = 'report-test-passcode';
		resetTeacherGate();
		try {
			const teacher = new Jar();
			teacher.values.set(TEACHER_COOKIE, teacherCookieValue('report-test-passcode'));
			expect(await canReadReport(repo, teacher.cookies, code)).toBe(true);
			expect(await canReadReport(repo, teacher.cookies, other.code)).toBe(true);
			expect(await canReadReport(repo, teacher.cookies, 'NOSUCH')).toBe(false);
			const forged = new Jar();
			forged.values.set(TEACHER_COOKIE, teacherCookieValue('guess'));
			expect(await canReadReport(repo, forged.cookies, code)).toBe(false);
		} finally {
			delete process.env.QUORUM_TEACHER_PASSCODE;
			resetTeacherGate();
		}
	});
});

describe('a homework session’s report while it is open', () => {
	it('says who finished and who has not started, and updates as students go on', async () => {
		const items = ['q:ostentatious-meaning', 'q:decree-duma-echo'];
		const { code, hostToken } = newSession(server, { mode: 'homework', timeLimit: null }, items);
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const join = async (nickname: string) => {
			const socket = client(server.url);
			expectOk(await call(socket, 'room:join', { code, nickname }));
			return socket;
		};
		const [fin, mid, idle] = [await join('Fin'), await join('Mid'), await join('Idle')];
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		const answer = async (s: Client, item: number, response: AnyResponse) => {
			expectOk(await call(s, 'answer:submit', { code, item, response }));
			expectOk(await call(s, 'homework:advance', { code }));
		};
		await answer(fin, 0, { type: 'single', choice: 2 });
		await answer(fin, 1, { type: 'truefalse', value: true });
		await answer(mid, 0, { type: 'single', choice: 1 });
		const report = () => buildReport(server.repo.loadSession(code)!.state, 0.5);
		const r = report();
		expect(r.ended).toBe(false);
		expect(
			r.students.map((s) => [s.nickname, s.asked, s.correct, s.finished, s.notStarted, s.needsHelp])
		).toEqual([
			['Fin', 2, 2, true, false, false],
			['Mid', 1, 0, false, false, true],
			['Idle', 0, 0, false, true, false]
		]);
		// Not reached yet, rather than not answered.
		expect(r.questions.map((q) => [q.id, q.status, q.answered, q.unanswered])).toEqual([
			['ostentatious-meaning', 'open', 2, 1],
			['decree-duma-echo', 'open', 1, 2]
		]);
		expect(
			answerRows(server.repo.loadSession(code)!.state).map((row) => [row[0], row[1], row[6]])
		).toEqual([
			['Fin', 1, 'yes'],
			['Fin', 2, 'yes'],
			['Mid', 1, 'yes'],
			['Mid', 2, 'no'],
			['Idle', 1, 'no'],
			['Idle', 2, 'no']
		]);
		// Reloaded later: Idle has started.
		await answer(idle, 0, { type: 'single', choice: 2 });
		expect(report().students[2]).toMatchObject({ notStarted: false, asked: 1, correct: 1 });
	});
});

describe('deleting and expiring sessions', () => {
	const count = (file: string, code: string) => {
		const db = new Database(file, { readonly: true });
		try {
			const n = (sql: string) => (db.prepare(sql).get(code) as { n: number }).n;
			return {
				sessions: n('SELECT COUNT(*) AS n FROM sessions WHERE code = ?'),
				participants: n('SELECT COUNT(*) AS n FROM participants WHERE code = ?'),
				answers: n('SELECT COUNT(*) AS n FROM answers WHERE code = ?'),
				upvotes: n('SELECT COUNT(*) AS n FROM upvotes WHERE code = ?')
			};
		} finally {
			db.close();
		}
	};

	it('deletes every row of a session and nothing of another; its review links go', async () => {
		const game = await play();
		const other = await play();
		const { repo } = server;
		repo.tx(() => undefined); // logged answers written, so a second connection sees them
		const before = count(server.dbFile, game.code);
		// 5 joined; 4 students × 12 items less the RTL student's 12 plus Dee's 2; 3 upvotes.
		expect(before).toEqual({ sessions: 1, participants: 5, answers: 3 * 12 + 2, upvotes: 3 });
		const otherBefore = count(server.dbFile, other.code);
		const review = game.by(ANN).reviewKey;
		expect(await buildReview(server.app.ctx, review)).not.toBeNull();

		expect(repo.deleteSession(game.code)).toEqual(before);
		expect(count(server.dbFile, game.code)).toEqual({
			sessions: 0,
			participants: 0,
			answers: 0,
			upvotes: 0
		});
		expect(count(server.dbFile, other.code)).toEqual(otherBefore);
		expect(await buildReview(server.app.ctx, review)).toBeNull();
		expect(await buildReview(server.app.ctx, other.by(ANN).reviewKey)).not.toBeNull();
		const jar = new Jar();
		expect(await grantReport(repo, jar.cookies, game.code, game.hostToken, false)).toBe(false);
	});

	it('retention deletes only ended sessions older than N days, at start and on demand', async () => {
		const { repo } = server;
		const ended = await play();
		const recent = await play();
		const running = newSession(server);
		const day = 24 * 60 * 60 * 1000;
		const now = Date.now();
		const age = (code: string, days: number) => {
			const db = new Database(server.dbFile);
			db.prepare('UPDATE sessions SET updated_at = ? WHERE code = ?').run(now - days * day, code);
			db.close();
		};
		age(ended.code, 10);
		age(recent.code, 2);
		age(running.code, 30);
		expect(await pruneSessions(repo, 7, now)).toEqual([ended.code]);
		expect(repo.codeExists(ended.code)).toBe(false);
		expect(repo.codeExists(recent.code)).toBe(true);
		expect(repo.codeExists(running.code)).toBe(true);
		expect(count(server.dbFile, ended.code).participants).toBe(0);

		// At start: a server started with QUORUM_RETENTION_DAYS=1 on the same file.
		age(recent.code, 2);
		const file = server.dbFile;
		await server.stop();
		process.env.QUORUM_RETENTION_DAYS = '1';
		try {
			server = await startServer(file);
		} finally {
			delete process.env.QUORUM_RETENTION_DAYS;
		}
		expect(server.repo.codeExists(recent.code)).toBe(false);
		expect(server.repo.codeExists(running.code)).toBe(true);
	});

	it.each([
		[undefined, null],
		['', null],
		['30', 30],
		[' 7 ', 7],
		['0', null],
		['-3', null],
		['soon', null]
	])('QUORUM_RETENTION_DAYS=%j keeps %s days', (raw, days) => {
		expect(retentionDays(raw === undefined ? {} : { QUORUM_RETENTION_DAYS: raw })).toBe(days);
	});
});
