/**
 * Shared by the scaled-mode suites: PostgreSQL, Redis, N production processes and the shipped
 * nginx in front; students as real socket.io-clients through nginx (websocket only) that rejoin
 * with their token after a lost connection and resend an answer whose ack never came, as the
 * student page does (`src/lib/client/live.svelte.ts`).
 */
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { io as connect } from 'socket.io-client';
import { call, expectOk, nextEvent, type Client } from '../integration/harness';
import { TEACHER_PASSCODE } from '../support/cluster';
import { createSessionOverHttp } from '../support/http-session';
import { waitUntil } from '../support/processes';
import type { Ack } from '../../src/lib/protocol';
import type { MyView, PublicView } from '../../src/lib/room/view';
import { processLogs, startProcesses, stopProcesses, type ProcessHandle } from '../support/cluster';
import { startNginx, type NginxHandle } from '../support/nginx';
import { postgresMissing, startPostgres, type TestPostgres } from '../support/postgres';
import { startRedis, type RedisHandle } from '../support/redis';

export interface Scaled {
	pg: TestPostgres;
	redis: RedisHandle;
	procs: ProcessHandle[];
	nginx: NginxHandle;
	db: pg.Pool;
	stop(): Promise<void>;
	logs(): string;
}

/** Why the scaled suites cannot run here, or null. */
export function scaledMissing(): string | null {
	return postgresMissing();
}

/**
 * A suite's cluster of `n` processes: started before its tests, stopped after, handed to `use`.
 * Returns why it cannot run here (the suite skips, and says so), or null.
 */
export function scaledSuite(n: number, name: string, use: (s: Scaled) => void): string | null {
	const missing = scaledMissing();
	if (missing) console.log(`SKIPPED scaled-mode ${name} suite: ${missing}`);
	let started: Scaled | undefined;
	beforeAll(async () => {
		if (missing) return;
		started = await startScaled(n);
		use(started);
	});
	afterAll(async () => {
		await started?.stop();
	});
	return missing;
}

export async function startScaled(n: number, env: Record<string, string> = {}): Promise<Scaled> {
	const pgHandle = await startPostgres();
	if (!pgHandle) throw new Error(postgresMissing() ?? 'no PostgreSQL');
	const redis = await startRedis();
	const procs = await startProcesses(n, {
		QUORUM_DATABASE_URL: pgHandle.url,
		QUORUM_REDIS_URL: redis.url,
		// The address nginx saw (students come from several 127.0.0.x, like several classrooms).
		QUORUM_TRUST_PROXY: '1',
		...env
	});
	const nginx = await startNginx(procs.map((p) => p.port));
	const db = new pg.Pool({ connectionString: pgHandle.url, max: 2 });
	// The outage test stops PostgreSQL under the pool: an idle connection breaks, and is replaced.
	db.on('error', () => {});
	return {
		pg: pgHandle,
		redis,
		procs,
		nginx,
		db,
		logs: () => `${processLogs(procs)}\n${nginx.log()}`,
		async stop() {
			await db.end().catch(() => {});
			await nginx.stop();
			await stopProcesses(procs);
			await redis.stop();
			await pgHandle.stop();
		}
	};
}

/** The process that runs a room now (its lease), or undefined. */
export async function ownerOf(s: Scaled, code: string): Promise<ProcessHandle | undefined> {
	const r = await s.db.query<{ owner: string; live: boolean }>(
		'SELECT owner, expires_at > clock_timestamp() AS live FROM room_leases WHERE code = $1',
		[code]
	);
	const row = r.rows[0];
	if (!row?.live) return undefined;
	const pid = Number(row.owner.split('-')[0]);
	return s.procs.find((p) => p.pid === pid);
}

export async function epochOf(s: Scaled, code: string): Promise<number> {
	const r = await s.db.query<{ epoch: string }>('SELECT epoch FROM room_leases WHERE code = $1', [
		code
	]);
	return Number(r.rows[0]?.epoch ?? 0);
}

/** Stored answers of a room per item: participant ids (the audit of every acked answer). */
export async function storedAnswers(s: Scaled, code: string): Promise<Map<number, string[]>> {
	const r = await s.db.query<{ item: number; participant_id: string }>(
		'SELECT item, participant_id FROM answers WHERE code = $1',
		[code]
	);
	const out = new Map<number, string[]>();
	for (const row of r.rows) out.set(row.item, [...(out.get(row.item) ?? []), row.participant_id]);
	return out;
}

/** A socket through nginx as the scaled mode's browsers connect: websocket only. */
export function socketTo(url: string, reconnect = true, localAddress?: string): Client {
	return connect(url, {
		transports: ['websocket'],
		reconnection: reconnect,
		reconnectionDelay: 100,
		reconnectionDelayMax: 500,
		forceNew: true,
		localAddress
	} as Parameters<typeof connect>[1]);
}

/** A loopback address of its own for every `per` students (the per-address limits hold). */
export const addressFor = (i: number, per = 10) => `127.0.0.${2 + (Math.floor(i / per) % 250)}`;

/**
 * A student as the page behaves: joins, rejoins with the token after any reconnect, keeps every
 * room view and the last own view, and resends an answer whose ack was lost.
 */
export class Student {
	socket: Client;
	token = '';
	id = '';
	views: PublicView[] = [];
	me: MyView | null = null;
	/** Everything received, for the scoping and key checks. */
	frames: { event: string; payload: unknown }[] = [];
	/** Items whose answer was acknowledged ok. */
	acked = new Set<number>();
	private pending: { item: number; response: unknown; resolve: (a: Ack<unknown>) => void } | null =
		null;
	rejoins = 0;
	/** Answers refused for an outage ('moved', 'internal'): not acked, still pending. */
	refusals = 0;
	rejoinErrors: string[] = [];

	constructor(
		url: string,
		readonly code: string,
		readonly nickname: string,
		address?: string
	) {
		this.socket = socketTo(url, true, address);
		this.socket.onAny((event: string, payload: unknown) => {
			this.frames.push({ event, payload });
			if (event === 'room:updated') this.views.push(payload as PublicView);
			if (event === 'me:updated') this.me = payload as MyView;
		});
		this.socket.on('connect', () => {
			if (this.token) void this.rejoin();
		});
	}

	async join(): Promise<void> {
		if (!this.socket.connected)
			await new Promise<void>((r) => this.socket.once('connect', () => r()));
		const r = await call(this.socket, 'room:join', { code: this.code, nickname: this.nickname });
		if (!r.ok) throw new Error(`${this.nickname} could not join: ${r.error}`);
		this.token = r.data.token;
		this.id = r.data.participantId;
		this.me = r.data.me;
		this.views.push(r.data.view);
	}

	private async rejoin() {
		let r = await call(this.socket, 'room:join', { code: this.code, token: this.token });
		// As the page does: a room moving between processes is asked again, a second apart.
		for (let i = 0; i < 10 && !r.ok && r.error === 'moved' && this.socket.connected; i++) {
			await new Promise((later) => setTimeout(later, 1000));
			r = await call(this.socket, 'room:join', { code: this.code, token: this.token });
		}
		if (!r.ok) {
			this.rejoinErrors.push(r.error);
			return;
		}
		this.rejoins += 1;
		this.me = r.data.me;
		this.views.push(r.data.view);
		const p = this.pending;
		if (p) void this.send(p.item, p.response, true);
	}

	private async send(item: number, response: unknown, resent: boolean) {
		const r = await call(this.socket, 'answer:submit', {
			code: this.code,
			item,
			response
		} as never);
		const p = this.pending;
		if (!p || p.item !== item) return;
		// Reconnected, not yet rejoined: sent again by the rejoin.
		if (!r.ok && r.error === 'not_joined') return;
		if (r.ok || (resent && !r.ok && r.error === 'already_answered')) {
			this.acked.add(item);
			this.pending = null;
			p.resolve({ ok: true, data: null });
		} else if (!r.ok && r.error !== 'moved' && r.error !== 'internal') {
			this.pending = null;
			p.resolve(r);
		}
		// 'moved' / 'internal' (a store or owner outage): left pending, sent again after a rejoin
		// or by `retry`.
		else this.refusals += 1;
	}

	/** Answers; resolves with the final ack (resent across reconnects as needed). */
	answer(item: number, response: unknown): Promise<Ack<unknown>> {
		return new Promise((resolve) => {
			this.pending = { item, response, resolve };
			void this.send(item, response, false);
		});
	}

	/** Sends a pending answer again (after an outage refused it). */
	retry() {
		const p = this.pending;
		if (p) void this.send(p.item, p.response, true);
	}

	get waiting() {
		return this.pending !== null;
	}

	close() {
		this.socket.disconnect();
	}
}

export interface ScaledRoom {
	code: string;
	host: Client;
	students: Student[];
	item: number;
}

/**
 * A room made over HTTP through nginx, its teacher attached (and attached again after any
 * reconnect), `n` students joined (ten to an address) and its first question open.
 */
export async function openRoom(
	s: Scaled,
	n: number,
	timeLimit: number | 'none'
): Promise<ScaledRoom> {
	const { code, hostToken } = await createSessionOverHttp(s.nginx.url, TEACHER_PASSCODE, {
		timeLimit
	});
	const host = socketTo(s.nginx.url);
	host.on('connect', () => void call(host, 'host:attach', { code, hostToken }));
	await new Promise<void>((r) => host.once('connect', () => r()));
	expectOk(await call(host, 'host:attach', { code, hostToken }));
	const students = Array.from(
		{ length: n },
		(_, i) => new Student(s.nginx.url, code, `S${i}`, addressFor(i))
	);
	await Promise.all(students.map((st) => st.join()));
	const opened = nextEvent(host, 'host:updated', (v) => v.phase === 'open', 20_000);
	expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
	return { code, host, students, item: (await opened).current };
}

/**
 * The teacher's reveal, resolved with the controls' view of it. Their socket may be
 * reconnecting (its process died): sent again until it is attached again and accepted.
 */
export async function reveal(room: ScaledRoom) {
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
		{ ms: 20_000, every: 200 }
	);
	return heard;
}

export function closeRoom(room: ScaledRoom) {
	for (const st of room.students) st.close();
	room.host.disconnect();
}
