/**
 * `npm run bench`: a classroom under load, against Quorum and against a bare Socket.IO baseline.
 *
 *   npm run bench -- [--students N=2000] [--rounds R=5] [--spread ms=2000] [--json]
 *                    [--time-limit S=30|none]
 *                    [--workers K] [--concurrency C=50] [--profile] [--no-handler]
 *                    [--only ours|baseline] [--repeat K=3] [--profile-phases] [--out file.json]
 *                    [--processes N [--embedded]]
 *
 * --json prints one JSON object on stdout (use `npm run -s bench -- --json`, or npm's banner comes
 * first); --out also writes that object to a file, next to the table.
 *
 * --repeat K runs Quorum and the baseline K times each, alternately, and reports the median of
 * every figure (lost and duplicated answers are summed). The default is 3: on a small shared
 * machine one run of the bare baseline's answer round trip moves by a quarter from run to run
 * (0.18–0.23 ms at p50 here), which alone can swing a ratio by 0.3; `--repeat 1` is one quick run.
 *
 * For each target (Quorum first, then the baseline; one at a time, so they never share the CPU)
 * it starts the server in its own process (`server.ts`: `startApp` + SQLite in a temp dir + one
 * session; `baseline-server.ts`: bare Socket.IO), K worker processes (`worker.ts`) holding N
 * students between them (real socket.io-client, websocket only), plus a host and a projector
 * socket in this process. Each round: the host opens the next question, every student answers
 * after a random delay in [0, spread] ms, the question closes (by itself once everyone has
 * answered, else the host closes it), the host reveals, shows the leaderboard, moves on. The
 * questions have the host form's default timer (30 s, far longer than the spread, so the room
 * closes when all have answered); `--time-limit none` runs them untimed.
 *
 * Measured: join time (all N connected, joined and in the lobby); fan-out latency of the opened
 * question and of the reveal (receipt − the view's `serverNow`, per student); answer ack round
 * trip; server heap and RSS per student (after GC, before vs after joining); server CPU per round;
 * correctness (each answer acked once, and counted once by the host view and by the reveal).
 *
 * Only 127.0.0.1 is used. Every wait is bounded; children are killed on exit or error. With
 * --profile the Quorum server runs under `node --cpu-prof`, and the busiest functions are printed.
 * With --profile-phases both servers record one V8 CPU profile per phase through node:inspector:
 * the join, each round's open / answers / reveal / leaderboard, the end and disconnects; the files
 * stay in a temp dir, and a table of each round's CPU by phase and by layer (validation, machine,
 * views, answer log, SQLite, hub, Socket.IO out and in, GC), Quorum beside the baseline, ends the
 * report (`profile.ts`: `layerProfile`, `formatPhaseLayers`).
 *
 * --processes N adds the scaled mode beside the single process, in place of the baseline
 * (`scaled.ts`): N production processes on PostgreSQL and Redis behind the shipped nginx
 * config (`--embedded`: one process on SQLite through nginx); `--only scaled` runs it alone.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import { io as connect, type Socket } from 'socket.io-client';
import {
	acksKey,
	exited,
	fdLimits,
	killChildren,
	round1,
	round2,
	seenKey,
	sleep,
	startTs,
	summary,
	wallNow,
	within,
	type FdLimits,
	type ServerHello,
	type ServerReply,
	type ServerRequest,
	type ServerStats,
	type WorkerReply,
	type WorkerRequest
} from './lib';
import { formatPhaseLayers, formatProfile, phaseLayers } from './profile';
import { scaledReport, startScaled } from './scaled';
import { buildServer } from '../../scripts/build-server.js';

// ---------------------------------------------------------------------------------------------
// Options

function option(name: string): string | undefined {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
}
function intOption(name: string, fallback: number, min: number): number {
	const raw = option(name);
	if (raw === undefined) return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < min) {
		console.error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
		process.exit(2);
	}
	return n;
}

/** Seconds per question, as the host form offers them (5–600), or null for `none`. */
function timeLimitOption(): number | null {
	const raw = option('--time-limit') ?? '30';
	if (raw === 'none') return null;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 5 || n > 600) {
		console.error(`--time-limit: expected 5–600 seconds or none, got ${raw}`);
		process.exit(2);
	}
	return n;
}

const timerText = () => (opts.timeLimit === null ? 'untimed' : `${opts.timeLimit} s timer`);

const opts = {
	students: intOption('--students', 2000, 1),
	rounds: intOption('--rounds', 5, 1),
	spread: intOption('--spread', 2000, 0),
	timeLimit: timeLimitOption(),
	workers: intOption('--workers', 2, 1),
	concurrency: intOption('--concurrency', 50, 1),
	json: process.argv.includes('--json'),
	profile: process.argv.includes('--profile'),
	noHandler: process.argv.includes('--no-handler'),
	only: option('--only') as 'ours' | 'baseline' | 'scaled' | undefined,
	processes: intOption('--processes', 0, 1),
	embedded: process.argv.includes('--embedded'),
	repeat: intOption('--repeat', 3, 1),
	profilePhases: process.argv.includes('--profile-phases'),
	out: option('--out')
};

// A room holds 5,000 students unless told otherwise (`maxParticipants`); the servers inherit this.
process.env.QUORUM_MAX_PARTICIPANTS ??= String(Math.max(5000, opts.students + 100));

/** With --profile-phases: each run's phase profiles, for the table by phase and layer. */
const phaseProfiles: Record<'ours' | 'baseline', string[][]> = { ours: [], baseline: [] };

/** Progress goes to stderr so that `--json` leaves exactly one JSON object on stdout. */
const log = (...a: unknown[]) => console.error('[bench]', ...a);

// ---------------------------------------------------------------------------------------------
// Cleanup: whatever happens, no child outlives the bench.

let cleaning = false;
function bail(code: number, why?: unknown) {
	if (why) console.error('[bench] failed:', why instanceof Error ? why.message : why);
	if (!cleaning) {
		cleaning = true;
		killChildren();
	}
	process.exit(code);
}
process.on('SIGINT', () => bail(130, 'interrupted'));
process.on('SIGTERM', () => bail(143, 'terminated'));
process.on('uncaughtException', (e) => bail(1, e));
process.on('unhandledRejection', (e) => bail(1, e));
/** Temp dirs (server databases) removed on exit, whatever the way out. */
const tempDirs: string[] = [];
process.on('exit', () => {
	killChildren();
	for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// File descriptors: one per socket, per process. The server holds N (+ a few for SQLite, the
// listener, pipes); each worker holds its share. Node raises its soft limit to the hard limit
// at startup, so `ulimit -n 1024` (soft) is no obstacle; the hard limit (`ulimit -Hn`) is.

const FD_SPARE = 128;

function planProcesses(limits: FdLimits) {
	const n = opts.students;
	const serverFds = n + 8 + FD_SPARE;
	if (serverFds > limits.hard) {
		console.error(
			`[bench] The server process needs about ${serverFds} file descriptors (one per student ` +
				`socket), but the hard limit (ulimit -Hn) is ${limits.hard}. Raise it (e.g. in ` +
				`/etc/security/limits.conf, or in a shell with a higher limit) or use fewer students.`
		);
		process.exit(2);
	}
	// Workers: at least --workers, and enough that each stays under the limit.
	const perWorkerRoom = Math.max(1, limits.hard - FD_SPARE);
	const workers = Math.min(n, Math.max(opts.workers, Math.ceil(n / perWorkerRoom)));
	return { serverFds, workers };
}

// ---------------------------------------------------------------------------------------------
// Processes

interface ServerProc {
	child?: ChildProcess;
	hello: ServerHello;
	stats(gc: boolean, ms?: number): Promise<ServerStats>;
	profile(action: 'start' | 'stop', file?: string): Promise<void>;
	recoveryHeap(): Promise<{ bytes: number; packets: number }>;
	stop(): Promise<void>;
}

/**
 * Both servers run as production runs Quorum (`node build/server.js`): bundled by esbuild with
 * `scripts/build-server.js`, not through tsx. Built once per bench run, beside node_modules so
 * that their packages resolve.
 */
let bundles: Promise<{ ours: string; baseline: string }> | null = null;
function serverBundles() {
	bundles ??= (async () => {
		const dir = resolve('node_modules/.cache/quorum-bench');
		const ours = join(dir, 'server.js');
		const baseline = join(dir, 'baseline-server.js');
		await buildServer('tests/bench/server.ts', ours);
		await buildServer('tests/bench/baseline-server.ts', baseline);
		return { ours, baseline };
	})();
	return bundles;
}

async function startServer(
	kind: 'ours' | 'baseline' | 'scaled',
	sizes: Record<string, number>,
	profileDir: string | null
): Promise<ServerProc> {
	if (kind === 'scaled') return startScaled(opts);
	const file = (await serverBundles())[kind];
	const args = ['--rounds', String(opts.rounds), '--time-limit', String(opts.timeLimit ?? 'none')];
	if (kind === 'ours' && opts.noHandler) args.push('--no-handler');
	if (kind === 'ours') {
		const dir = mkdtempSync(join(tmpdir(), 'quorum-bench-'));
		tempDirs.push(dir);
		args.push('--dir', dir);
	}
	if (kind === 'baseline') args.push('--sizes', JSON.stringify(sizes));
	// BENCH_NODE_ARGS: V8 or Node flags for both servers, e.g. '--trace-opt --trace-deopt' (how the
	// recompiles each round were found) or '--perf-basic-prof-only-functions' for `perf record`.
	const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
	const nodeArgs = ['--expose-gc', ...extra];
	if (profileDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', profileDir);
	// A room above the default cap (5,000) is admitted by raising it for this server only.
	const env =
		kind === 'ours' && opts.students > 5000
			? { QUORUM_MAX_PARTICIPANTS: String(opts.students) }
			: undefined;
	const child = startTs(file, args, { nodeArgs, env });
	const hello = await within(
		new Promise<ServerHello>((resolve, reject) => {
			child.once('exit', (c) => reject(new Error(`${file} exited with ${c} before listening`)));
			const lines = createInterface({ input: child.stdout! });
			lines.on('line', (line) => {
				if (!line.startsWith('{')) return void console.error(`[${kind}-server] ${line}`);
				try {
					const h = JSON.parse(line) as ServerHello;
					if (h.code && h.port) resolve(h);
				} catch {
					console.error(`[${kind}-server] ${line}`);
				}
			});
		}),
		60_000,
		`${file} to listen`
	);
	let stopping = false;
	child.once('exit', (c, signal) => {
		if (!stopping && !cleaning) bail(1, `${kind} server exited unexpectedly (${c ?? signal})`);
	});
	let nextId = 1;
	const pending = new Map<number, (s: ServerStats) => void>();
	const profiling = new Map<number, (error?: string) => void>();
	const recovery = new Map<number, (r: { bytes: number; packets: number }) => void>();
	child.on('message', (raw) => {
		const m = raw as ServerReply;
		if (m.type === 'stats') pending.get(m.id)?.(m.stats);
		if (m.type === 'profile') profiling.get(m.id)?.(m.error);
		if (m.type === 'recoveryHeap') recovery.get(m.id)?.(m);
	});
	return {
		child,
		hello,
		stats(gc, ms = 30_000) {
			const id = nextId++;
			const req: ServerRequest = { type: 'stats', id, gc };
			return within(
				new Promise<ServerStats>((resolve) => {
					pending.set(id, (s) => {
						pending.delete(id);
						resolve(s);
					});
					child.send(req);
				}),
				ms,
				`${kind} server stats`
			);
		},
		recoveryHeap() {
			const id = nextId++;
			return within(
				new Promise<{ bytes: number; packets: number }>((resolve) => {
					recovery.set(id, resolve);
					child.send({ type: 'recoveryHeap', id } satisfies ServerRequest);
				}),
				30_000,
				`${kind} server recovery heap`
			);
		},
		profile(action, file) {
			const id = nextId++;
			const req: ServerRequest = { type: 'profile', id, action, file };
			return within(
				new Promise<void>((resolve, reject) => {
					profiling.set(id, (error) => {
						profiling.delete(id);
						if (error) reject(new Error(error));
						else resolve();
					});
					child.send(req);
				}),
				60_000,
				`${kind} server profile ${action}`
			);
		},
		async stop() {
			stopping = true;
			if (child.connected) child.send({ type: 'shutdown' } satisfies ServerRequest);
			await exited(child, 15_000);
		}
	};
}

/** Replies from the workers, gathered per (type, key) until every worker has answered. */
class Workers {
	private procs: ChildProcess[] = [];
	private replies = new Map<string, Map<number, WorkerReply>>();
	private waiters = new Map<string, () => void>();

	constructor(count: number) {
		for (let w = 0; w < count; w++) {
			const child = startTs('tests/bench/worker.ts', []);
			child.stdout?.resume();
			child.on('message', (raw) => this.put(w, raw as WorkerReply));
			child.once('exit', (code, signal) => {
				if (!cleaning && code !== 0) bail(1, `worker ${w} exited (${code ?? signal})`);
			});
			this.procs.push(child);
		}
	}

	get size() {
		return this.procs.length;
	}

	send(w: number, m: WorkerRequest) {
		this.procs[w]?.send(m);
	}

	broadcast(m: WorkerRequest) {
		for (let w = 0; w < this.procs.length; w++) this.send(w, m);
	}

	private put(w: number, r: WorkerReply) {
		if (r.type === 'error') return bail(1, `worker ${w}: ${r.message}`);
		const id = r.type === 'joined' || r.type === 'ready' ? r.type : `${r.type}|${r.key}`;
		let m = this.replies.get(id);
		if (!m) this.replies.set(id, (m = new Map()));
		m.set(w, r);
		if (m.size === this.procs.length) this.waiters.get(id)?.();
	}

	private all(id: string): Promise<void> {
		if ((this.replies.get(id)?.size ?? 0) === this.procs.length) return Promise.resolve();
		return new Promise((resolve) => this.waiters.set(id, resolve));
	}

	private take<T extends WorkerReply>(id: string): T[] {
		const m = this.replies.get(id);
		this.replies.delete(id);
		this.waiters.delete(id);
		return [...(m?.values() ?? [])] as T[];
	}

	async ready(ms: number) {
		await within(this.all('ready'), ms, 'workers to start');
		this.take('ready');
	}

	async joined(ms: number) {
		await within(this.all('joined'), ms, 'students to join');
		return this.take<Extract<WorkerReply, { type: 'joined' }>>('joined');
	}

	/**
	 * Waits for every worker's report of (kind, key); after `ms`, asks the late workers to
	 * report what they have (partial), and returns whatever arrived.
	 */
	async collect<K extends 'seen' | 'acks'>(
		kind: K,
		key: string,
		ms: number
	): Promise<{ replies: Extract<WorkerReply, { type: K }>[]; timedOut: boolean }> {
		const id = `${kind}|${key}`;
		let timedOut = false;
		try {
			await within(this.all(id), ms, `${kind} ${key}`);
		} catch {
			timedOut = true;
			log(`timed out waiting for ${kind} ${key} after ${ms} ms; taking partial reports`);
			const have = this.replies.get(id);
			for (let w = 0; w < this.procs.length; w++)
				if (!have?.has(w)) this.send(w, { type: 'flush', kind, key });
			await within(this.all(id), 5_000, `partial ${kind} ${key}`).catch(() => {});
		}
		return { replies: this.take(id), timedOut };
	}

	/** Students still connected, and disconnections by reason, over all workers. */
	async status(key: string) {
		const id = `status|${key}`;
		this.broadcast({ type: 'status', key });
		await within(this.all(id), 10_000, 'worker status').catch(() => {});
		const replies = this.take<Extract<WorkerReply, { type: 'status' }>>(id);
		const disconnects: Record<string, number> = {};
		for (const r of replies)
			for (const [k, c] of Object.entries(r.disconnects))
				disconnects[k] = (disconnects[k] ?? 0) + c;
		return { connected: replies.reduce((a, r) => a + r.connected, 0), disconnects };
	}

	async close() {
		this.broadcast({ type: 'close' });
		await Promise.all(this.procs.map((p) => exited(p, 5_000)));
	}
}

// ---------------------------------------------------------------------------------------------
// Host and projector

interface HostSeen {
	phase: string;
	current: number;
	answered: number;
}

function socketTo(url: string): Socket {
	return connect(url, { transports: ['websocket'], reconnection: false, forceNew: true });
}

function call<T>(s: Socket, event: string, payload: unknown, ms = 30_000): Promise<T> {
	return within(
		new Promise<T>((resolve) => s.emit(event, payload, (r: T) => resolve(r))),
		ms,
		`ack of ${event}`
	);
}

class Host {
	views: HostSeen[] = [];
	maxBytes = 0;
	/** All host traffic (views and roster rows), and the largest roster message. */
	totalBytes = 0;
	rosterMaxBytes = 0;
	private listeners = new Set<() => void>();
	constructor(
		readonly socket: Socket,
		readonly code: string
	) {
		socket.on('host:roster', (rows: unknown[]) => {
			const bytes = JSON.stringify(rows).length;
			this.totalBytes += bytes;
			this.rosterMaxBytes = Math.max(this.rosterMaxBytes, bytes);
		});
		socket.on('host:updated', (v: HostSeen) => {
			const bytes = JSON.stringify(v).length;
			this.totalBytes += bytes;
			this.maxBytes = Math.max(this.maxBytes, bytes);
			this.views.push({ phase: v.phase, current: v.current, answered: v.answered });
			for (const l of this.listeners) l();
		});
	}

	/** The first host view from index `from` on that matches. */
	waitFor(pred: (v: HostSeen) => boolean, from: number, ms: number): Promise<HostSeen> {
		let check = () => {};
		return within(
			new Promise<HostSeen>((resolve) => {
				check = () => {
					const v = this.views.slice(from).find(pred);
					if (v) resolve(v);
				};
				this.listeners.add(check);
				check();
			}),
			ms,
			'host view'
		).finally(() => this.listeners.delete(check));
	}

	async command(type: string, ms = 30_000) {
		const r = await call<{ ok: boolean; error?: string }>(
			this.socket,
			'host:command',
			{ code: this.code, command: { type } },
			ms
		);
		if (!r.ok) throw new Error(`host:command ${type} refused: ${r.error}`);
	}
}

// ---------------------------------------------------------------------------------------------
// One target

interface RoundResult {
	round: number;
	autoClosed: boolean;
	hostAnsweredAtClose: number;
	revealAnswered: number[];
	acksOk: number;
	ackErrors: Record<string, number>;
	ackDuplicated: number;
	openReceived: number;
	revealReceived: number;
	cpuS: number;
	/** Of which the main thread (the rest: V8's helper threads). */
	cpuMainS: number;
	wallS: number;
	loopMaxMs: number;
	/** Students still connected at the end of the round. */
	connected: number;
	timeouts: string[];
}

export interface TargetResult {
	joined: number;
	joinFailed: number;
	joinErrors: Record<string, number>;
	joinMs: number;
	joinAckP99: number;
	fanoutP50: number;
	fanoutP95: number;
	fanoutP99: number;
	fanoutMax: number;
	ackP50: number;
	ackP95: number;
	ackP99: number;
	ackMax: number;
	revealP50: number;
	revealP99: number;
	boardP99: number;
	heapPerStudentKB: number;
	rssPerStudentKB: number;
	heapAfterRoundsPerStudentKB: number;
	cpuPerRoundS: number;
	cpuMainPerRoundS: number;
	loopMaxMs: number;
	lost: number;
	duplicated: number;
	completedRounds: number;
	/** Why the run stopped early, if it did. */
	aborted: string | null;
	/** Students disconnected during the run (the bench never reconnects them), and why. */
	disconnected: number;
	disconnects: Record<string, number>;
	/** Largest host:updated payload (JSON chars) and host updates received in all. */
	hostMaxBytes: number;
	hostUpdates: number;
	/** Largest host:roster message (changed roster rows), and all host traffic in KB. */
	hostRosterMaxBytes: number;
	hostTotalKB: number;
	/** Heap held, after the rounds, by Socket.IO's connection-state-recovery packet buffer. */
	recoveryPerStudentKB: number;
	recoveryPackets: number;
	/** Server counters after joining and after the rounds (sockets, rooms, recovery packets). */
	probeAfterJoin: Record<string, number>;
	probeAfterRounds: Record<string, number>;
	/** 1-minute load average of the machine when the target started and when it ended. */
	loadStart: number;
	loadEnd: number;
	sizes: Record<string, number>;
	rounds: RoundResult[];
}

async function runTarget(
	kind: 'ours' | 'baseline' | 'scaled',
	plan: ReturnType<typeof planProcesses>,
	sizes: Record<string, number>
): Promise<TargetResult> {
	const n = opts.students;
	const loadStart = loadavg()[0]!;
	const profileDir =
		opts.profile && kind === 'ours' ? mkdtempSync(join(tmpdir(), 'quorum-prof-')) : null;
	log(`${kind}: starting server`);
	const server = await startServer(kind, sizes, profileDir);
	const url = `http://127.0.0.1:${server.hello.port}`;
	const code = server.hello.code;
	let workers: Workers | null = null;
	const sockets: Socket[] = [];
	const phaseDir = opts.profilePhases
		? mkdtempSync(join(tmpdir(), `quorum-${kind}-phases-`))
		: null;
	const phaseFiles: string[] = [];
	let phase: string | null = null;
	const startPhase = async (name: string) => {
		if (!phaseDir) return;
		await endPhase();
		await server.profile('start');
		phase = name;
	};
	const endPhase = async () => {
		if (!phaseDir || !phase) return;
		const file = join(phaseDir, `${phase}.cpuprofile`);
		phase = null;
		await server.profile('stop', file);
		phaseFiles.push(file);
	};
	try {
		const hostSocket = socketTo(url);
		sockets.push(hostSocket);
		const host = new Host(hostSocket, code);
		const attached = await call<{
			ok: boolean;
			error?: string;
			data?: { screenKey?: string };
		}>(hostSocket, 'host:attach', { code, hostToken: server.hello.hostToken });
		if (!attached.ok) throw new Error(`host:attach refused: ${attached.error}`);
		const screen = socketTo(url);
		sockets.push(screen);
		let screenUpdates = 0;
		screen.on('screen:updated', () => (screenUpdates += 1));
		// The projector key comes with the host view (when the server hands one out).
		const screenKey = attached.data?.screenKey;
		const watched = await call<{ ok: boolean; error?: string }>(
			screen,
			'screen:watch',
			screenKey === undefined ? { code } : { code, key: screenKey }
		);
		if (!watched.ok) throw new Error(`screen:watch refused: ${watched.error}`);

		const before = await server.stats(true);

		// Join
		workers = new Workers(plan.workers);
		const per = Math.ceil(n / workers.size);
		for (let w = 0; w < workers.size; w++) {
			const base = w * per;
			workers.send(w, {
				type: 'init',
				url,
				code,
				base,
				count: Math.max(0, Math.min(per, n - base)),
				concurrency: opts.concurrency,
				spread: opts.spread
			});
		}
		await workers.ready(60_000);
		log(`${kind}: joining ${n} students through ${workers.size} worker processes`);
		await startPhase('join');
		const t0 = wallNow();
		workers.broadcast({ type: 'join' });
		const joinedReplies = await workers.joined(120_000 + n * 50);
		const joinMs = wallNow() - t0;
		const joined = joinedReplies.reduce((a, r) => a + r.ok, 0);
		const notLobby = joinedReplies.reduce((a, r) => a + r.notLobby, 0);
		const joinErrors: Record<string, number> = {};
		for (const r of joinedReplies)
			for (const [e, c] of Object.entries(r.errors)) joinErrors[e] = (joinErrors[e] ?? 0) + c;
		if (notLobby) joinErrors.not_lobby = notLobby;
		const joinAck = summary(joinedReplies.flatMap((r) => r.joinAckMs));
		log(`${kind}: ${joined}/${n} joined in ${joinMs.toFixed(0)} ms`);
		if (joined === 0) throw new Error(`no student could join: ${JSON.stringify(joinErrors)}`);

		await endPhase();
		await sleep(1000);
		const afterJoin = await server.stats(true);

		// Rounds. A round that times out ends the run (the server is past saturation); what was
		// measured so far is still reported, with the reason.
		const rounds: RoundResult[] = [];
		const fanout: number[] = [];
		const ackLat: number[] = [];
		const revealLat: number[] = [];
		const boardLat: number[] = [];
		const phaseMs = 30_000 + n * 20;
		let aborted: string | null = null;
		let abortedLost = 0;

		const playRound = async (r: number): Promise<RoundResult> => {
			const timeouts: string[] = [];
			const c0 = await server.stats(false, phaseMs);
			const w0 = wallNow();
			const mark = host.views.length;
			const closed = host.waitFor(
				(v) => v.phase === 'closed' && v.current === r,
				mark,
				opts.spread + phaseMs
			);
			closed.catch(() => {});
			const openP = workers!.collect('seen', seenKey('open', r), phaseMs);
			const acksP = workers!.collect('acks', acksKey(r), opts.spread + phaseMs * 2);
			// With --profile-phases each round is profiled in windows: open (the command until every
			// student has the question: the first answers land here too), answers, reveal, leaderboard.
			await startPhase(`r${r + 1}-open`);
			await host.command(r === 0 ? 'start' : 'next', phaseMs);
			const open = await openP;
			await startPhase(`r${r + 1}-answers`);
			if (open.timedOut) timeouts.push('open');
			for (const x of open.replies) sizes.open = Math.max(sizes.open ?? 0, x.bytes);
			// Everyone answers within the spread; the room closes itself once all have answered.
			let autoClosed = true;
			let closedView: HostSeen;
			try {
				closedView = await closed;
			} catch {
				autoClosed = false;
				log(`${kind}: round ${r + 1} did not close by itself; the host closes it`);
				const m2 = host.views.length;
				await host.command('close', phaseMs).catch((e: unknown) => log(String(e)));
				closedView = await host.waitFor(
					(v) => v.phase === 'closed' && v.current === r,
					m2,
					phaseMs
				);
			}
			const acked = await acksP;
			if (acked.timedOut) timeouts.push('acks');

			const revealP = workers!.collect('seen', seenKey('revealed', r), phaseMs);
			await startPhase(`r${r + 1}-reveal`);
			await host.command('reveal', phaseMs);
			const revealed = await revealP;
			if (revealed.timedOut) timeouts.push('reveal');
			for (const x of revealed.replies) sizes.revealed = Math.max(sizes.revealed ?? 0, x.bytes);

			const boardP = workers!.collect('seen', seenKey('leaderboard', r), phaseMs);
			await startPhase(`r${r + 1}-leaderboard`);
			await host.command('leaderboard', phaseMs);
			const board = await boardP;
			await endPhase();
			if (board.timedOut) timeouts.push('leaderboard');
			for (const x of board.replies) sizes.leaderboard = Math.max(sizes.leaderboard ?? 0, x.bytes);
			const c1 = await server.stats(false, phaseMs);
			const status = await workers!.status(`round-${r}`);

			fanout.push(...open.replies.flatMap((x) => x.latencies));
			ackLat.push(...acked.replies.flatMap((x) => x.latencies));
			revealLat.push(...revealed.replies.flatMap((x) => x.latencies));
			boardLat.push(...board.replies.flatMap((x) => x.latencies));
			const ackErrors: Record<string, number> = {};
			for (const x of acked.replies)
				for (const [e, c] of Object.entries(x.errors)) ackErrors[e] = (ackErrors[e] ?? 0) + c;
			return {
				round: r + 1,
				autoClosed,
				hostAnsweredAtClose: closedView.answered,
				revealAnswered: [...new Set(revealed.replies.flatMap((x) => x.revealAnswered))],
				acksOk: acked.replies.reduce((a, x) => a + x.ok, 0),
				ackErrors,
				ackDuplicated: acked.replies.reduce((a, x) => a + x.duplicated, 0),
				openReceived: open.replies.reduce((a, x) => a + x.count, 0),
				revealReceived: revealed.replies.reduce((a, x) => a + x.count, 0),
				cpuS: (c1.cpuUser + c1.cpuSystem - c0.cpuUser - c0.cpuSystem) / 1e6,
				cpuMainS: (c1.cpuMain - c0.cpuMain) / 1e6,
				wallS: (wallNow() - w0) / 1000,
				loopMaxMs: c1.loopMax,
				connected: status.connected,
				timeouts
			};
		};

		for (let r = 0; r < opts.rounds && !aborted; r++) {
			try {
				const rr = await playRound(r);
				rounds.push(rr);
				log(
					`${kind}: round ${r + 1}/${opts.rounds}: acks ok ${rr.acksOk}/${joined}, ` +
						`host answered ${rr.hostAnsweredAtClose}, reveal answered ${rr.revealAnswered.join('/')}, ` +
						`cpu ${rr.cpuS.toFixed(2)} s (main thread ${rr.cpuMainS.toFixed(2)}), loop max ${rr.loopMaxMs.toFixed(0)} ms, ` +
						`${rr.connected} students connected` +
						(rr.timeouts.length ? `, TIMEOUTS: ${rr.timeouts.join(', ')}` : '')
				);
			} catch (e) {
				aborted = `round ${r + 1}: ${e instanceof Error ? e.message : String(e)}`;
				log(`${kind}: ABORTED ${aborted}`);
				// Whatever was acknowledged in that round (the workers report what they have).
				const partial = await workers.collect('acks', acksKey(r), 1);
				abortedLost = joined - partial.replies.reduce((a, x) => a + x.ok, 0);
			}
		}
		const status = await workers.status('end');
		if (Object.keys(status.disconnects).length)
			log(
				`${kind}: ${joined - status.connected} students disconnected during the run: ` +
					JSON.stringify(status.disconnects)
			);

		await startPhase('end-and-disconnect').catch(() => {});
		const ended = workers.collect('seen', seenKey('ended', opts.rounds - 1), 10_000);
		await host.command('end', phaseMs).catch((e: unknown) => log(String(e)));
		await ended;
		await sleep(500);
		const final = await server.stats(true, phaseMs).catch(() => afterJoin);
		const recoveryHeap =
			kind === 'ours'
				? await server.recoveryHeap().catch(() => ({ bytes: NaN, packets: NaN }))
				: { bytes: 0, packets: 0 };

		// Correctness: each round, N answers acked once and counted once, by the host and the reveal.
		let lost = abortedLost;
		let duplicated = 0;
		for (const rr of rounds) {
			const counted = Math.min(rr.hostAnsweredAtClose, ...rr.revealAnswered);
			const countedMax = Math.max(rr.hostAnsweredAtClose, ...rr.revealAnswered);
			lost += Math.max(0, joined - rr.acksOk, joined - counted);
			duplicated += rr.ackDuplicated + Math.max(0, countedMax - joined);
		}
		const kb = (bytes: number) => round2(bytes / joined / 1024);
		const fan = summary(fanout);
		const ack = summary(ackLat);
		const rev = summary(revealLat);
		log(`${kind}: projector received ${screenUpdates} updates`);
		return {
			joined,
			joinFailed: n - joined,
			joinErrors,
			joinMs: Math.round(joinMs),
			joinAckP99: round2(joinAck.p99),
			fanoutP50: round2(fan.p50),
			fanoutP95: round2(fan.p95),
			fanoutP99: round2(fan.p99),
			fanoutMax: round2(fan.max),
			ackP50: round2(ack.p50),
			ackP95: round2(ack.p95),
			ackP99: round2(ack.p99),
			ackMax: round2(ack.max),
			revealP50: round2(rev.p50),
			revealP99: round2(rev.p99),
			boardP99: round2(summary(boardLat).p99),
			heapPerStudentKB: kb(afterJoin.heapUsed - before.heapUsed),
			rssPerStudentKB: kb(afterJoin.rss - before.rss),
			heapAfterRoundsPerStudentKB: kb(final.heapUsed - before.heapUsed),
			cpuPerRoundS: rounds.length
				? round2(rounds.reduce((a, x) => a + x.cpuS, 0) / rounds.length)
				: NaN,
			cpuMainPerRoundS: rounds.length
				? round2(rounds.reduce((a, x) => a + x.cpuMainS, 0) / rounds.length)
				: NaN,
			loopMaxMs: rounds.length ? round1(Math.max(...rounds.map((x) => x.loopMaxMs))) : NaN,
			lost,
			duplicated,
			completedRounds: rounds.length,
			aborted,
			disconnected: joined - status.connected,
			disconnects: status.disconnects,
			hostMaxBytes: host.maxBytes,
			hostUpdates: host.views.length,
			hostRosterMaxBytes: host.rosterMaxBytes,
			hostTotalKB: Math.round(host.totalBytes / 1024),
			recoveryPerStudentKB: kb(recoveryHeap.bytes),
			recoveryPackets: recoveryHeap.packets,
			probeAfterJoin: afterJoin.probe,
			probeAfterRounds: final.probe,
			loadStart: round2(loadStart),
			loadEnd: round2(loadavg()[0]!),
			sizes: { ...sizes },
			rounds
		};
	} finally {
		for (const s of sockets) s.disconnect();
		await workers?.close();
		if (phase) {
			await sleep(500);
			await endPhase().catch((e: unknown) => log(`profile: ${String(e)}`));
		}
		await server.stop();
		// Every phase but the rounds' (summed by layer at the end), and the second round's.
		for (const f of phaseFiles)
			if (!/\/r\d+-/.test(f) || /\/r2-/.test(f))
				console.error(`\n[${kind}] ` + formatProfile(f, 20));
		if (phaseFiles.length && kind !== 'scaled') phaseProfiles[kind].push(phaseFiles);
		if (profileDir) {
			// The largest profile is the main thread's (the others are tsx's loader thread).
			const files = readdirSync(profileDir)
				.filter((f) => f.endsWith('.cpuprofile'))
				.map((f) => join(profileDir, f))
				.sort((a, b) => statSync(b).size - statSync(a).size);
			if (files[0]) console.error(formatProfile(files[0], 30));
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Report

/** Which server code was measured: git HEAD, and a hash of the live-room sources as they are. */
function codeFingerprint() {
	const git = (args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
	const files: string[] = [];
	const walk = (d: string) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const f = join(d, e.name);
			if (e.isDirectory()) walk(f);
			else if (/\.ts$/.test(e.name)) files.push(f);
		}
	};
	for (const d of ['src/lib/server', 'src/lib/room']) if (existsSync(d)) walk(d);
	files.push('src/lib/protocol.ts');
	const h = createHash('sha256');
	for (const f of files.sort()) if (existsSync(f)) h.update(f).update(readFileSync(f));
	return {
		head: git(['rev-parse', '--short', 'HEAD']),
		modified: git([
			'status',
			'--porcelain',
			'--',
			'src/lib/server',
			'src/lib/room',
			'src/lib/protocol.ts'
		])
			.split('\n')
			.filter(Boolean).length,
		sources: h.digest('hex').slice(0, 12)
	};
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One result from repeated runs: the median of each figure; answers lost or duplicated summed. */
function combine(runs: TargetResult[]): TargetResult | null {
	if (runs.length <= 1) return runs[0] ?? null;
	const out = { ...runs[0]! } as TargetResult & Record<string, unknown>;
	for (const [k, v] of Object.entries(out)) {
		if (typeof v !== 'number') continue;
		const values = runs.map((r) => (r as unknown as Record<string, number>)[k]!);
		out[k] = ['lost', 'duplicated', 'joinFailed'].includes(k)
			? values.reduce((a, b) => a + b, 0)
			: round2(median(values));
	}
	out.rounds = runs.flatMap((r) => r.rounds);
	return out;
}

const RATIO_FIELDS = [
	'joinMs',
	'fanoutP50',
	'fanoutP99',
	'ackP50',
	'ackP99',
	'revealP99',
	'heapPerStudentKB',
	'rssPerStudentKB'
] as const;

function ratios(ours: TargetResult, base: TargetResult) {
	const out: Record<string, number | null> = {};
	for (const f of [...RATIO_FIELDS, 'cpuPerRoundS' as const, 'cpuMainPerRoundS' as const]) {
		const b = base[f];
		out[f] = b > 0 ? round2(ours[f] / b) : null;
	}
	return out;
}

function targets(ours: TargetResult, ratio: Record<string, number | null>) {
	const checks: { what: string; ok: boolean; detail: string }[] = [
		{
			what: 'no lost or duplicated answer',
			ok: ours.lost === 0 && ours.duplicated === 0 && ours.joinFailed === 0 && !ours.aborted,
			detail:
				`lost ${ours.lost}, duplicated ${ours.duplicated}, join failures ${ours.joinFailed}` +
				(ours.aborted ? `, aborted: ${ours.aborted}` : '')
		},
		{ what: 'ack p99 ≤ 50 ms', ok: ours.ackP99 <= 50, detail: `${ours.ackP99} ms` },
		{ what: 'fan-out p99 ≤ 250 ms', ok: ours.fanoutP99 <= 250, detail: `${ours.fanoutP99} ms` },
		{
			what: 'heap ≤ 40 KB per student',
			ok: ours.heapPerStudentKB <= 40,
			detail: `${ours.heapPerStudentKB} KB`
		}
	];
	// Issue #17: the CPU a student costs, within 1.5× of the bare transport.
	for (const f of [...RATIO_FIELDS, 'cpuPerRoundS' as const]) {
		const r = ratio[f] ?? null;
		checks.push({
			what: `${f} ratio to baseline ≤ 1.5`,
			ok: r !== null && r <= 1.5,
			detail: r === null ? 'n/a' : `${r}×`
		});
	}
	return checks;
}

function table(
	ours: TargetResult | null,
	base: TargetResult | null,
	ratio: Record<string, number | null>
) {
	const rows: [string, keyof TargetResult, string][] = [
		['join: all N in the lobby (ms)', 'joinMs', ''],
		['join ack p99 (ms)', 'joinAckP99', ''],
		['fan-out open p50 (ms)', 'fanoutP50', ''],
		['fan-out open p95 (ms)', 'fanoutP95', ''],
		['fan-out open p99 (ms)', 'fanoutP99', '≤ 250'],
		['fan-out open max (ms)', 'fanoutMax', ''],
		['answer ack p50 (ms)', 'ackP50', ''],
		['answer ack p95 (ms)', 'ackP95', ''],
		['answer ack p99 (ms)', 'ackP99', '≤ 50'],
		['answer ack max (ms)', 'ackMax', ''],
		['reveal fan-out p50 (ms)', 'revealP50', ''],
		['reveal fan-out p99 (ms)', 'revealP99', ''],
		['leaderboard fan-out p99 (ms)', 'boardP99', ''],
		['heap per student (KB)', 'heapPerStudentKB', '≤ 40'],
		['RSS per student (KB)', 'rssPerStudentKB', ''],
		['heap per student after rounds (KB)', 'heapAfterRoundsPerStudentKB', ''],
		['  of which recovery packet buffer (KB)', 'recoveryPerStudentKB', ''],
		['server CPU per round (s)', 'cpuPerRoundS', '≤ 1.5×'],
		['  of which the main thread (s)', 'cpuMainPerRoundS', ''],
		['server event-loop delay max (ms)', 'loopMaxMs', ''],
		['largest host:updated payload (bytes)', 'hostMaxBytes', ''],
		['host:updated messages', 'hostUpdates', ''],
		['largest host:roster payload (bytes)', 'hostRosterMaxBytes', ''],
		['all host traffic (KB)', 'hostTotalKB', ''],
		['rounds completed', 'completedRounds', ''],
		['students disconnected during the run', 'disconnected', '0'],
		['lost answers', 'lost', '0'],
		['duplicated answers', 'duplicated', '0'],
		['machine load avg at start (1 min)', 'loadStart', ''],
		['machine load avg at end (1 min)', 'loadEnd', '']
	];
	const cell = (t: TargetResult | null, k: keyof TargetResult) =>
		t ? String(t[k] as number) : '-';
	const lines = [
		['metric', 'ours', 'baseline', 'ratio', 'target'],
		...rows.map(([label, k, target]) => [
			label,
			cell(ours, k),
			cell(base, k),
			ratio[k as string] != null ? `${ratio[k as string]}×` : '',
			target
		])
	];
	const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
	const row = (l: string[]) =>
		`| ${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
	const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ')} |`;
	return [row(lines[0]!), rule, ...lines.slice(1).map(row)].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
	const limits = fdLimits();
	const plan = planProcesses(limits);
	const code = codeFingerprint();
	log(
		`server code: HEAD ${code.head}, ${code.modified} modified file(s) under src/lib/{server,room}, ` +
			`sources ${code.sources}`
	);
	log(
		`${opts.students} students, ${opts.rounds} rounds, spread ${opts.spread} ms, ${timerText()}; ` +
			`fd limit ${limits.hard} per process (ulimit -Hn); ${plan.workers} workers; ` +
			`${cpus().length} CPUs; node ${process.version}`
	);
	const sizes: Record<string, number> = {};
	const oursRuns: TargetResult[] = [];
	const baseRuns: TargetResult[] = [];
	const scaledRuns: TargetResult[] = [];
	for (let k = 0; k < opts.repeat; k++) {
		if (opts.repeat > 1) log(`repeat ${k + 1}/${opts.repeat}`);
		if (opts.only !== 'baseline' && opts.only !== 'scaled')
			oursRuns.push(await runTarget('ours', plan, sizes));
		if (opts.processes && opts.only !== 'ours')
			scaledRuns.push(await runTarget('scaled', plan, sizes));
		if (opts.only !== 'ours' && !opts.processes) {
			// Without a (complete) Quorum run first, pad the baseline to typical Quorum view sizes.
			sizes.open ??= 1400;
			sizes.revealed ??= 2600;
			sizes.leaderboard ??= 2900;
			await sleep(1000);
			baseRuns.push(await runTarget('baseline', plan, sizes));
		}
	}
	const ours = combine(oursRuns);
	const base = combine(baseRuns);
	const scaled = combine(scaledRuns);
	const ratio = ours && base ? ratios(ours, base) : {};
	const checks = ours && base ? targets(ours, ratio) : [];

	{
		const pick = (t: TargetResult | null) => {
			if (!t) return null;
			const { rounds, ...rest } = t;
			return { ...rest, perRound: rounds };
		};
		const report = JSON.stringify({
			date: new Date().toISOString(),
			command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
			code,
			students: opts.students,
			rounds: opts.rounds,
			spread: opts.spread,
			timeLimit: opts.timeLimit,
			repeat: opts.repeat,
			machine: {
				cpus: cpus().length,
				memGB: round1(totalmem() / 2 ** 30),
				freeGB: round1(freemem() / 2 ** 30),
				node: process.version,
				fdLimit: limits.hard,
				workers: plan.workers
			},
			ours: pick(ours),
			baseline: pick(base),
			...(opts.processes ? { processes: opts.processes, scaled: pick(scaled) } : {}),
			ratio,
			targets: checks
		});
		if (opts.out) writeFileSync(opts.out, report + '\n');
		if (opts.json) console.log(report);
	}
	if (!opts.json) {
		console.log(
			`\n${opts.students} students, ${opts.rounds} rounds, spread ${opts.spread} ms, ${timerText()}` +
				(opts.repeat > 1 ? `, median of ${opts.repeat} runs each` : '') +
				'\n'
		);
		if (!opts.processes) console.log(table(ours, base, ratio));
		if (scaled) console.log(scaledReport(ours, scaled, opts));
		for (const [name, t] of [
			['ours', ours],
			['baseline', base],
			['scaled', scaled]
		] as const) {
			if (!t) continue;
			console.log(`\n${name}, per round:`);
			for (const r of t.rounds)
				console.log(
					`  ${r.round}: ${r.autoClosed ? 'closed by itself' : 'closed by the host'}, acks ok ${r.acksOk}` +
						`${Object.keys(r.ackErrors).length ? ` errors ${JSON.stringify(r.ackErrors)}` : ''}, ` +
						`host answered ${r.hostAnsweredAtClose}, reveal answered ${r.revealAnswered.join('/')}, ` +
						`cpu ${r.cpuS.toFixed(2)} s, wall ${r.wallS.toFixed(1)} s, loop max ${r.loopMaxMs.toFixed(0)} ms` +
						(r.timeouts.length ? `, timeouts: ${r.timeouts.join(', ')}` : '')
				);
			if (t.joinFailed) console.log(`  join failures: ${JSON.stringify(t.joinErrors)}`);
			if (t.aborted) console.log(`  ABORTED after ${t.completedRounds} round(s): ${t.aborted}`);
			if (t.disconnected)
				console.log(`  ${t.disconnected} students disconnected: ${JSON.stringify(t.disconnects)}`);
			console.log(
				`  server after join ${JSON.stringify(t.probeAfterJoin)}, after rounds ${JSON.stringify(t.probeAfterRounds)}`
			);
		}
		if (phaseProfiles.ours.length) {
			// The last run of each: the first may still be warming up.
			const o = phaseLayers(phaseProfiles.ours.at(-1)!);
			const b = phaseProfiles.baseline.length ? phaseLayers(phaseProfiles.baseline.at(-1)!) : null;
			console.log(
				`\nCPU profile of the rounds (${o.rounds} rounds, per round; V8 sampling profiler)\n`
			);
			console.log(formatPhaseLayers(o.table, b?.table ?? null));
		}
		if (checks.length) {
			console.log('\ntargets:');
			for (const c of checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.what}: ${c.detail}`);
		}
	}
}

main()
	.then(() => bail(0))
	.catch((e: unknown) => bail(1, e));
