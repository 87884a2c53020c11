/**
 * The two stores through one interface: every `Repository` method gives the same answers over
 * SQLite (a temporary file, with its answer log) and over a real PostgreSQL cluster started for
 * this file. Then what only PostgreSQL does: leases and fencing, group commit, migrations run by
 * several processes at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, RoomState } from '../../src/lib/room/types';
import { openDatabase, STALE_LIVE_MS } from '../../src/lib/server/db';
import { openPostgres, type PostgresRepository } from '../../src/lib/server/pg/repository';
import { FencedError, type Repository, type Write } from '../../src/lib/server/repository';
import { postgresMissing, startPostgres, type TestPostgres } from '../support/postgres';
import { homeworkRoom, liveRoom } from '../unit/report-fixture';

const missing = postgresMissing();
if (missing) console.log(`PostgreSQL tests skipped: ${missing}`);

let server: TestPostgres | null = null;
let databases = 0;
const dirs: string[] = [];
const open: { close(): unknown }[] = [];

beforeAll(async () => {
	if (!missing) server = await startPostgres();
});
afterEach(async () => {
	for (const r of open.splice(0)) await r.close();
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
	await server?.stop();
});

/** A new, empty PostgreSQL database. */
async function freshPostgres(options = {}): Promise<PostgresRepository> {
	const url = await server!.createDatabase(`t${++databases}`);
	const repo = await openPostgres(url, options);
	open.push(repo);
	return repo;
}

const stores: { name: string; skip: boolean; open(): Promise<Repository> }[] = [
	{
		name: 'SQLite',
		skip: false,
		open() {
			const dir = mkdtempSync(join(tmpdir(), 'quorum-conf-'));
			dirs.push(dir);
			const repo = openDatabase(join(dir, 'q.db'), { checkpointEveryMs: 600_000 });
			open.push(repo);
			return Promise.resolve(repo);
		}
	},
	{ name: 'PostgreSQL', skip: Boolean(missing), open: () => freshPostgres() }
];

const withCode = (room: RoomState, code: string, createdAt = room.core.createdAt): RoomState => ({
	...room,
	core: { ...room.core, code, createdAt }
});

/** Stores a room as the hub would: the session, then its students, answers and upvotes. */
async function put(repo: Repository, room: RoomState, hostHash = 'host-hash') {
	const code = room.core.code;
	await repo.createSession(code, hostHash, room);
	const writes: Write[] = Object.values(room.participants).map((p) => ({
		type: 'joined',
		participant: p,
		tokenHash: `token-${p.id}`,
		reviewHash: `review-${p.id}`,
		resumeHash: `resume-${p.id}`,
		deviceHash: `device-${code}`
	}));
	for (const byId of Object.values(room.answers))
		for (const answer of Object.values(byId)) writes.push({ type: 'answer', answer });
	for (const [responseId, voters] of Object.entries(room.upvotes))
		for (const voterId of voters) writes.push({ type: 'upvote', responseId, voterId });
	await repo.commit(code, writes);
}

/** Upvote lists in one order: neither store promises one. */
function sorted(state: RoomState): RoomState {
	const upvotes = Object.fromEntries(
		Object.entries(state.upvotes).map(([k, v]) => [k, [...v].sort()])
	);
	return { ...state, upvotes };
}

const answer = (participantId: string, item: number, points: number): Answer => ({
	participantId,
	item,
	response: { type: 'single', choice: 1 },
	at: 1000 + points,
	credit: 1,
	points
});

describe.each(stores)('the repository over $name', ({ skip, open: openStore }) => {
	it.skipIf(skip)('stores a room and loads it back whole', async () => {
		const repo = await openStore();
		const room = withCode(liveRoom(), 'LIV234');
		expect(await repo.codeExists('LIV234')).toBe(false);
		await put(repo, room);
		expect(await repo.codeExists('LIV234')).toBe(true);
		const stored = await repo.loadSession('LIV234');
		expect(stored?.hostTokenHash).toBe('host-hash');
		expect(sorted(stored!.state)).toEqual(sorted(room));
		expect(await repo.loadSession('NOPE23')).toBeNull();
		expect(await repo.sessionSettings('LIV234')).toEqual(room.core.settings);
		expect(await repo.sessionSettings('NOPE23')).toBeNull();
	});

	it.skipIf(skip)('applies every kind of write, in order', async () => {
		const repo = await openStore();
		const room = withCode(homeworkRoom(), 'WRT234');
		await put(repo, room);
		const gus = room.participants.gus!;
		const newcomer = { ...gus, id: 'kim', nickname: 'Kim', joinedAt: 9000, progress: 0 };
		await repo.commit('WRT234', [
			{ type: 'core', core: { ...room.core, phase: 'ended', current: 2 } },
			{
				type: 'participants',
				participants: [{ ...gus, score: 42, removed: true, extraTime: 'untimed' }]
			},
			{
				type: 'joined',
				participant: newcomer,
				tokenHash: 'token-kim',
				reviewHash: 'review-kim',
				resumeHash: 'resume-kim',
				deviceHash: null
			},
			// Written after the join in the same batch: the order of the list holds.
			{ type: 'participants', participants: [{ ...newcomer, progress: 2 }] },
			{ type: 'answer', answer: answer('kim', 0, 700) },
			{ type: 'answer', answer: answer('kim', 1, 800) },
			{ type: 'upvote', responseId: 'rx', voterId: 'kim' },
			// A resume code is stored once: hal has one already, so this changes nothing.
			{ type: 'resume', participantId: 'hal', resumeHash: 'other', reviewHash: 'other-review' }
		]);
		const { state } = (await repo.loadSession('WRT234'))!;
		expect(state.core.phase).toBe('ended');
		expect(state.participants.gus).toMatchObject({
			score: 42,
			removed: true,
			extraTime: 'untimed'
		});
		expect(state.participants.kim).toMatchObject({ nickname: 'Kim', progress: 2, joinedAt: 9000 });
		expect(state.answers[1]?.kim?.points).toBe(800);
		expect(state.upvotes.rx).toEqual(['kim']);
		expect(await repo.participantByResume('WRT234', 'resume-hal')).toBe('hal');
		expect(await repo.participantByResume('WRT234', 'other')).toBeNull();
		expect(await repo.findReview('other-review')).toBeNull();
		expect(await repo.participantByResume('WRT234', 'resume-kim')).toBe('kim');
		expect(await repo.findReview('review-kim')).toEqual({ code: 'WRT234', participantId: 'kim' });
		expect(await repo.openCodes()).toEqual([]);
	});

	it.skipIf(skip)('stores an answer twice as once, the first kept, with no error', async () => {
		const repo = await openStore();
		await put(repo, withCode(homeworkRoom(), 'DUP234'));
		await repo.logAnswers('DUP234', [answer('ivy', 1, 500)]);
		await repo.logAnswers('DUP234', [answer('ivy', 1, 900)]);
		const { state } = (await repo.loadSession('DUP234'))!;
		expect(state.answers[1]?.ivy?.points).toBe(500);
		expect(Object.keys(state.answers[1]!).sort()).toEqual(['gus', 'ivy']);
	});

	it.skipIf(skip)('looks students up by token, device, resume code and review key', async () => {
		const repo = await openStore();
		await put(repo, withCode(homeworkRoom(), 'LKP234'));
		expect(await repo.participantByToken('LKP234', 'token-hal')).toBe('hal');
		expect(await repo.participantByToken('OTHER2', 'token-hal')).toBeNull();
		expect(await repo.participantByToken('LKP234', 'token-nobody')).toBeNull();
		expect(await repo.participantsByDevice('LKP234', 'device-LKP234')).toEqual([
			'gus',
			'hal',
			'ivy'
		]);
		expect(await repo.participantsByDevice('LKP234', 'device-else')).toEqual([]);
		expect(await repo.participantByResume('LKP234', 'resume-ivy')).toBe('ivy');
		expect(await repo.findReview('review-gus')).toEqual({ code: 'LKP234', participantId: 'gus' });
		expect(await repo.reportKeyHash('LKP234')).toBeNull();
		await repo.setReportKeyHash('LKP234', 'rk');
		expect(await repo.reportKeyHash('LKP234')).toBe('rk');
		expect(await repo.reportKeyHash('NOPE23')).toBeNull();
	});

	it.skipIf(skip)('lists sessions newest first with the same figures', async () => {
		const repo = await openStore();
		await put(repo, withCode(liveRoom(), 'OLD234', 1000));
		await put(repo, withCode(homeworkRoom(), 'NEW234', 2000));
		const list = await repo.listSessions();
		expect(list).toEqual([
			{
				code: 'NEW234',
				kitSlug: 'kit',
				kitTitle: 'A kit',
				createdAt: 2000,
				updatedAt: 2000,
				phase: 'open',
				mode: 'homework',
				deadline: 99_000,
				items: 3,
				questions: 3,
				players: 3,
				finished: 1,
				correctAnswers: 3
			},
			{
				code: 'OLD234',
				kitSlug: 'kit',
				kitTitle: 'A kit',
				createdAt: 1000,
				updatedAt: 1000,
				phase: 'ended',
				mode: 'live',
				deadline: null,
				items: 7,
				questions: 4,
				// Dan is removed: not counted, nor his right answer.
				players: 4,
				finished: 0,
				correctAnswers: 3
			}
		]);
		expect((await repo.listSessions(1)).map((s) => s.code)).toEqual(['NEW234']);
		expect((await repo.listSessions(10, ['OLD234'])).map((s) => s.code)).toEqual(['OLD234']);
		expect(await repo.openCodes()).toEqual(['NEW234']);
	});

	it.skipIf(skip)('tells whether a kit is in session', async () => {
		const repo = await openStore();
		const now = 10 * STALE_LIVE_MS;
		const live = (code: string, phase: 'open' | 'ended', allowStudy = false): RoomState => {
			const room = withCode(liveRoom(), code, now - 1000);
			room.core = {
				...room.core,
				kitSlug: code.toLowerCase(),
				phase,
				settings: { ...room.core.settings, allowStudy }
			};
			return room;
		};
		const homework = (code: string, deadline: number | null) => {
			const room = withCode(homeworkRoom(), code, now - 1000);
			room.core = {
				...room.core,
				kitSlug: code.toLowerCase(),
				settings: { ...room.core.settings, deadline }
			};
			return room;
		};
		const rooms = [
			live('LIVEON', 'open'),
			live('ENDED2', 'ended'),
			live('STUDY2', 'open', true),
			homework('HWOPEN', now + 1000),
			homework('HWPAST', now - 1),
			homework('HWNONE', null)
		];
		for (const room of rooms)
			await repo.createSession(room.core.code, 'h', { ...room, participants: {} });
		const cases: [string, number, boolean][] = [
			['liveon', now, true],
			// Untouched for longer than STALE_LIVE_MS: abandoned.
			['liveon', now - 1000 + STALE_LIVE_MS + 1, false],
			['ended2', now, false],
			['study2', now, false],
			['hwopen', now, true],
			['hwopen', now + 1000, false],
			['hwpast', now, false],
			['hwnone', now + 100 * STALE_LIVE_MS, true],
			['nothing', now, false]
		];
		for (const [slug, at, expected] of cases)
			expect([slug, at, await repo.kitInSession(slug, at)]).toEqual([slug, at, expected]);
	});

	it.skipIf(skip)('deletes a session with every row of it, and ended ones by age', async () => {
		const repo = await openStore();
		await put(repo, withCode(liveRoom(), 'DEL234', 1000));
		await put(repo, withCode(homeworkRoom('ended'), 'HWEND2', 1000));
		expect(await repo.deleteSession('DEL234')).toEqual({
			sessions: 1,
			participants: 5,
			answers: 21,
			upvotes: 5
		});
		expect(await repo.loadSession('DEL234')).toBeNull();
		expect(await repo.deleteSession('DEL234')).toEqual({
			sessions: 0,
			participants: 0,
			answers: 0,
			upvotes: 0
		});
		// Put back, still ended but changed recently (a commit stamps it now): not old enough.
		await put(repo, withCode(liveRoom(), 'DEL234', 1000));
		await repo.commit('DEL234', [{ type: 'core', core: withCode(liveRoom(), 'DEL234').core }]);
		await put(
			repo,
			withCode({ ...liveRoom(), participants: {}, answers: {}, upvotes: {} }, 'OPN234')
		);
		const room = (await repo.loadSession('OPN234'))!.state;
		await repo.commit('OPN234', [{ type: 'core', core: { ...room.core, phase: 'open' } }]);
		expect(await repo.deleteEndedBefore(5000)).toEqual(['HWEND2']);
		expect(await repo.codeExists('HWEND2')).toBe(false);
		expect(await repo.codeExists('DEL234')).toBe(true);
		expect(await repo.deleteEndedBefore(Date.now() + 60_000)).toEqual(['DEL234']);
		expect(await repo.codeExists('OPN234')).toBe(true);
	});
});
