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
const urls = new WeakMap<object, string>();

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
	urls.set(repo, url);
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
			{
				type: 'participants',
				participants: [
					{ ...newcomer, progress: 1 },
					{ ...newcomer, progress: 2 }
				]
			},
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

/** An open room in a fresh database (leases need the session; orphans need phase 'open'). */
async function openRoom(repo: Repository, code: string) {
	const room = withCode(homeworkRoom(), code);
	await put(repo, { ...room, participants: {}, answers: {}, upvotes: {} });
}

/** Waits until `check` holds, polling (the lease's expiry is PostgreSQL's clock, not ours). */
async function until(check: () => Promise<boolean>, ms = 5000) {
	const end = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > end) throw new Error('timed out waiting');
		await new Promise((r) => setTimeout(r, 20));
	}
}

/**
 * Ends every lease in `repo`'s database now, as waiting out its time would, without racing a
 * short lease against a loaded machine's scheduling.
 */
async function expireLeases(repo: PostgresRepository) {
	const admin = new pg.Client({ connectionString: urls.get(repo) });
	await admin.connect();
	try {
		await admin.query(
			"UPDATE room_leases SET expires_at = clock_timestamp() - interval '1 second'"
		);
	} finally {
		await admin.end();
	}
}

describe.skipIf(Boolean(missing))('PostgreSQL only', () => {
	it('fences a stale owner: its writes are refused whole and its renewals find nothing', async () => {
		const repo = await freshPostgres();
		await openRoom(repo, 'FEN234');
		expect(await repo.leaseOf('FEN234')).toBeNull();
		expect(await repo.orphanedRooms(10)).toEqual(['FEN234']);
		expect(await repo.acquireLease('FEN234', 'A', 10_000)).toBe(1);
		expect(await repo.orphanedRooms(10)).toEqual([]);
		expect(await repo.acquireLease('FEN234', 'B', 10_000)).toBeNull();
		expect(await repo.renewLeases('A', [{ code: 'FEN234', epoch: 1 }], 10_000)).toEqual(['FEN234']);
		await repo.commit('FEN234', [{ type: 'answer', answer: answer('gus', 0, 100) }], 1);

		// A stops renewing (it froze); its lease runs out.
		await expireLeases(repo);
		expect((await repo.leaseOf('FEN234'))!.live).toBe(false);
		expect(await repo.orphanedRooms(10)).toEqual(['FEN234']);
		expect(await repo.acquireLease('FEN234', 'B', 10_000)).toBe(2);
		expect(await repo.leaseOf('FEN234')).toEqual({ owner: 'B', epoch: 2, live: true });

		// A wakes up: everything it writes at epoch 1 is refused, all of it.
		const stale = repo.commit(
			'FEN234',
			[
				{ type: 'answer', answer: answer('hal', 0, 200) },
				{ type: 'core', core: { ...homeworkRoom().core, code: 'FEN234', phase: 'ended' } }
			],
			1
		);
		await expect(stale).rejects.toBeInstanceOf(FencedError);
		await expect(stale).rejects.toMatchObject({ code: 'FEN234', epoch: 1 });
		await expect(repo.logAnswers('FEN234', [answer('ivy', 0, 300)], 1)).rejects.toBeInstanceOf(
			FencedError
		);
		expect(await repo.renewLeases('A', [{ code: 'FEN234', epoch: 1 }], 10_000)).toEqual([]);
		await repo.releaseLease('FEN234', 'A', 1);
		expect((await repo.leaseOf('FEN234'))!.live).toBe(true);

		// B writes at its epoch; a fence on a room with no lease is refused too.
		await repo.logAnswers('FEN234', [answer('ivy', 0, 400)], 2);
		await expect(
			repo.commit('NOLEASE', [{ type: 'answer', answer: answer('x', 0, 1) }], 1)
		).rejects.toBeInstanceOf(FencedError);
		const { state } = (await repo.loadSession('FEN234'))!;
		expect(state.core.phase).toBe('open');
		expect(Object.keys(state.answers[0]!).sort()).toEqual(['gus', 'ivy']);
		expect(state.answers[0]!.ivy!.points).toBe(400);

		// The holder acquiring again moves the epoch on; releasing frees the room for anyone.
		expect(await repo.acquireLease('FEN234', 'B', 10_000)).toBe(3);
		await repo.releaseLease('FEN234', 'B', 2);
		expect((await repo.leaseOf('FEN234'))!.live).toBe(true);
		await repo.releaseLease('FEN234', 'B', 3);
		expect(await repo.leaseOf('FEN234')).toEqual({ owner: 'B', epoch: 3, live: false });
		expect(await repo.acquireLease('FEN234', 'C', 10_000)).toBe(4);
		// The lease goes with its session.
		await repo.deleteSession('FEN234');
		expect(await repo.leaseOf('FEN234')).toBeNull();
	});

	it('lets exactly one of two processes take a room at once', async () => {
		const repo = await freshPostgres();
		const codes = Array.from({ length: 20 }, (_, i) => `RACE${String(i).padStart(2, '0')}`);
		for (const code of codes) await openRoom(repo, code);
		// Twice: rooms never leased (both INSERT), then rooms whose lease expired (both UPDATE).
		// The leases are long, so a pair's second call meeting a lease that already ran out (the
		// pool opening a connection while the machine is busy) cannot pass for a race won twice.
		for (const round of [1, 2]) {
			const results = await Promise.all(
				codes.map((code) =>
					Promise.all([
						repo.acquireLease(code, `A${round}`, 60_000),
						repo.acquireLease(code, `B${round}`, 60_000)
					])
				)
			);
			for (const pair of results) {
				expect(pair.filter((e) => e !== null)).toEqual([round]);
			}
			await expireLeases(repo);
			for (const code of codes) expect((await repo.leaseOf(code))!.live).toBe(false);
		}
	});

	it('never loses an acknowledged write to a takeover', async () => {
		// A's lease has expired; it keeps writing while B takes the room and loads it. Every
		// write of A that succeeded must be in what B loaded; the others were refused.
		const repo = await freshPostgres();
		await openRoom(repo, 'TKO234');
		expect(await repo.acquireLease('TKO234', 'A', 1)).toBe(1);
		await until(async () => !(await repo.leaseOf('TKO234'))!.live);
		const acked: string[] = [];
		const refused: string[] = [];
		let next = 0;
		// Four writers in a loop, half of them answers alone, until the takeover has refused some.
		const writer = async () => {
			while (refused.length < 10) {
				const n = next++;
				const id = `s${n}`;
				const write =
					n % 2
						? repo.logAnswers('TKO234', [answer(id, 0, n)], 1)
						: repo.commit('TKO234', [{ type: 'answer', answer: answer(id, 0, n) }], 1);
				await write.then(
					() => acked.push(id),
					(e: unknown) => {
						expect(e).toBeInstanceOf(FencedError);
						refused.push(id);
					}
				);
			}
		};
		const writers = Promise.all([writer(), writer(), writer(), writer()]);
		await until(() => Promise.resolve(acked.length >= 10));
		expect(await repo.acquireLease('TKO234', 'B', 10_000)).toBe(2);
		const loaded = (await repo.loadSession('TKO234'))!.state;
		await writers;
		// Anything stored is something acked (refused writes left nothing).
		const final = (await repo.loadSession('TKO234'))!.state;
		expect(Object.keys(final.answers[0] ?? {}).sort()).toEqual([...acked].sort());
		// Nothing acked may be missing from B's load: A's acked writes all landed before it.
		expect(Object.keys(loaded.answers[0] ?? {}).sort()).toEqual([...acked].sort());
	});

	it.each(['commit', 'logAnswers'] as const)(
		'makes a takeover wait for a fenced %s in flight, then load it',
		async (how) => {
			const repo = await freshPostgres();
			await openRoom(repo, 'WAIT23');
			expect(await repo.acquireLease('WAIT23', 'A', 1)).toBe(1);
			await until(async () => !(await repo.leaseOf('WAIT23'))!.live);
			const url = urls.get(repo);
			const [blocker, monitor] = [new pg.Client(url), new pg.Client(url)];
			await Promise.all([blocker.connect(), monitor.connect()]);
			const waiting = async () =>
				(
					await monitor.query(
						"SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
					)
				).rows[0].n as number;
			try {
				// Another transaction holds the answer's key: A's write passes its fence check, then waits.
				await blocker.query('BEGIN');
				await blocker.query(
					`INSERT INTO answers (code, item, participant_id, response_json, at, points)
					 VALUES ('WAIT23', 0, 'zed', '{}', 1, 1)`
				);
				const order: string[] = [];
				const zed = answer('zed', 0, 5);
				const write = (
					how === 'commit'
						? repo.commit('WAIT23', [{ type: 'answer', answer: zed }], 1)
						: repo.logAnswers('WAIT23', [zed], 1)
				).then(() => order.push('write'));
				await until(async () => (await waiting()) >= 1);
				const take = repo.acquireLease('WAIT23', 'B', 10_000).then((epoch) => {
					order.push('take');
					return epoch;
				});
				// B's takeover must wait for A's write (it holds the lease row FOR SHARE).
				await until(async () => (await waiting()) >= 2);
				expect(order).toEqual([]);
				await blocker.query('ROLLBACK');
				await write;
				expect(await take).toBe(2);
				// Both went through; which promise settles first in this process is not the
				// database's order (the group commit adds turns of its own): the write's row is.
				expect([...order].sort()).toEqual(['take', 'write']);
				expect((await repo.loadSession('WAIT23'))!.state.answers[0]!.zed!.points).toBe(5);
			} finally {
				await Promise.all([blocker.end(), monitor.end()]);
			}
		}
	);

	it('resolves a grouped answer only once another connection can read it', async () => {
		const repo = await freshPostgres();
		const codes = Array.from({ length: 20 }, (_, i) => `GRP${String(i).padStart(3, '0')}`);
		for (const code of codes) await openRoom(repo, code);
		const epochs = new Map<string, number>();
		for (const code of codes) epochs.set(code, (await repo.acquireLease(code, 'A', 60_000))!);
		const reader = new pg.Client({ connectionString: urls.get(repo) });
		await reader.connect();
		try {
			const seen: boolean[] = [];
			await Promise.all(
				Array.from({ length: 400 }, async (_, i) => {
					const code = codes[i % codes.length]!;
					const id = `p${i}`;
					await repo.logAnswers(code, [answer(id, 0, i)], epochs.get(code));
					const r = await reader.query(
						'SELECT 1 FROM answers WHERE code = $1 AND item = 0 AND participant_id = $2',
						[code, id]
					);
					seen.push(r.rowCount === 1);
				})
			);
			expect(seen).toHaveLength(400);
			expect(seen.every(Boolean)).toBe(true);
		} finally {
			await reader.end();
		}
	});

	it('measures group commit: 2,000 concurrent answers, grouped and one by one', async () => {
		const figures: Record<string, number> = {};
		for (const grouped of [true, false]) {
			const repo = await freshPostgres({ groupCommit: grouped });
			const codes = Array.from({ length: 100 }, (_, i) => `BEN${String(i).padStart(3, '0')}`);
			for (const code of codes) await openRoom(repo, code);
			const epochs = new Map<string, number>();
			for (const code of codes) epochs.set(code, (await repo.acquireLease(code, 'A', 60_000))!);
			const started = performance.now();
			await Promise.all(
				Array.from({ length: 2000 }, (_, i) => {
					const code = codes[i % codes.length]!;
					return repo.logAnswers(code, [answer(`p${i}`, 0, i)], epochs.get(code));
				})
			);
			figures[grouped ? 'grouped' : 'one by one'] = Math.round(performance.now() - started);
			const stored = await Promise.all(codes.map((c) => repo.loadSession(c)));
			expect(stored.reduce((n, s) => n + Object.keys(s!.state.answers[0] ?? {}).length, 0)).toBe(
				2000
			);
		}
		console.log(`group commit, 2,000 concurrent logAnswers (ms to all resolved):`, figures);
	});

	it('migrates once when four processes open a fresh database together', async () => {
		const url = await server!.createDatabase('fourstart');
		const repos = await Promise.all([1, 2, 3, 4].map(() => openPostgres(url)));
		open.push(...repos);
		const client = new pg.Client({ connectionString: url });
		await client.connect();
		try {
			const r = await client.query('SELECT name FROM kysely_migration');
			expect(r.rows).toEqual([{ name: '0001_init' }]);
		} finally {
			await client.end();
		}
		await openRoom(repos[0]!, 'MIG234');
		expect(await repos[3]!.codeExists('MIG234')).toBe(true);
		// A fifth finds nothing to do; its URL's password stays out of `file` (logs print it).
		const withPassword = url.replace('quorum@', 'quorum:s3cret@');
		const fifth = await openPostgres(withPassword);
		open.push(fifth);
		expect(fifth.file).toBe(url);
		expect(await fifth.codeExists('MIG234')).toBe(true);
	});

	it('stores an answer again inside a commit without error', async () => {
		const repo = await freshPostgres();
		await put(repo, withCode(homeworkRoom(), 'RET234'));
		await repo.commit('RET234', [{ type: 'answer', answer: answer('gus', 0, 5) }]);
		expect((await repo.loadSession('RET234'))!.state.answers[0]!.gus!.points).toBe(1000);
	});

	// Last: it stops the shared server for a moment.
	it('refuses writes while PostgreSQL is down and writes again once it is back', async () => {
		const repo = await freshPostgres();
		await openRoom(repo, 'OUT234');
		const epoch = (await repo.acquireLease('OUT234', 'A', 60_000))!;
		await repo.logAnswers('OUT234', [answer('ann', 0, 1)], epoch);
		await server!.halt();
		try {
			await expect(repo.logAnswers('OUT234', [answer('bob', 0, 2)], epoch)).rejects.toThrow();
			await expect(
				repo.commit('OUT234', [{ type: 'answer', answer: answer('cat', 0, 3) }], epoch)
			).rejects.toThrow();
		} finally {
			await server!.start();
		}
		// Resent after the outage: stored once, the first answer kept.
		await repo.logAnswers('OUT234', [answer('ann', 0, 9), answer('bob', 0, 2)], epoch);
		const { state } = (await repo.loadSession('OUT234'))!;
		expect(Object.keys(state.answers[0]!).sort()).toEqual(['ann', 'bob']);
		expect(state.answers[0]!.ann!.points).toBe(1);
	});
});
