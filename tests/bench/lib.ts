/**
 * Shared pieces of the load bench: the IPC messages between the orchestrator (`run.ts`), the
 * server processes (`server.ts`, `baseline-server.ts`) and the student workers (`worker.ts`),
 * percentiles, file-descriptor limits and child-process spawning with the tsx loader.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const wallNow = () => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Messages

/** Orchestrator → server process. */
export type ServerRequest =
	| { type: 'stats'; id: number; gc: boolean }
	/** Start, or stop and write to `file`, a V8 CPU profile of one phase (node:inspector). */
	| { type: 'profile'; id: number; action: 'start' | 'stop'; file?: string }
	/** Quorum server only: heap held by the connection-state-recovery packet buffer. */
	| { type: 'recoveryHeap'; id: number }
	| { type: 'shutdown' };

export interface ServerStats {
	heapUsed: number;
	rss: number;
	external: number;
	arrayBuffers: number;
	/** process.cpuUsage(), µs. */
	cpuUser: number;
	cpuSystem: number;
	/**
	 * CPU of the main (JavaScript) thread alone, µs, from /proc (Linux; NaN elsewhere). The rest of
	 * `cpuUser + cpuSystem` is V8's helper threads: concurrent marking and sweeping, compilers.
	 */
	cpuMain: number;
	/** Event-loop delay since the previous sample, ms (from monitorEventLoopDelay). */
	loopP99: number;
	loopMax: number;
	/** Server-specific counters (e.g. packets kept for connection state recovery). */
	probe: Record<string, number>;
}

/** Server process → orchestrator. */
export type ServerReply =
	| { type: 'stats'; id: number; stats: ServerStats }
	| { type: 'profile'; id: number; error?: string }
	| { type: 'recoveryHeap'; id: number; bytes: number; packets: number };

/** What a server process prints on stdout, one JSON line, once listening. */
export interface ServerHello {
	code: string;
	hostToken: string;
	port: number;
	handler?: boolean;
}

/** Orchestrator → worker. */
export type WorkerRequest =
	| {
			type: 'init';
			url: string;
			code: string;
			/** Index of this worker's first student (nicknames are S<index>). */
			base: number;
			count: number;
			concurrency: number;
			/** Each student answers an opened item after a random delay in [0, spread] ms. */
			spread: number;
	  }
	| { type: 'join' }
	| { type: 'flush'; kind: 'seen' | 'acks'; key: string }
	/** How many students are still connected, and why the others were disconnected. */
	| { type: 'status'; key: string }
	| { type: 'close' };

/** Worker → orchestrator. */
export type WorkerReply =
	| { type: 'ready' }
	| { type: 'status'; key: string; connected: number; disconnects: Record<string, number> }
	| {
			type: 'joined';
			ok: number;
			failed: number;
			notLobby: number;
			errors: Record<string, number>;
			connectMs: number[];
			joinAckMs: number[];
	  }
	| {
			/** Every student of the worker saw `room:updated` with this phase and item (or flush). */
			type: 'seen';
			key: string;
			count: number;
			expected: number;
			/** receipt − serverNow, ms, one per student (first receipt only). */
			latencies: number[];
			/** Distinct `reveal.answered` values seen (revealed views only). */
			revealAnswered: number[];
			/** Size of the JSON payload, chars (first student). */
			bytes: number;
			partial: boolean;
	  }
	| {
			type: 'acks';
			key: string;
			/** Students that sent an answer. */
			sent: number;
			/** Students with at least one ok ack. */
			ok: number;
			/** Extra ack callbacks beyond the first, summed over students. */
			duplicated: number;
			errors: Record<string, number>;
			/** Client-side round trip of answer:submit, ms. */
			latencies: number[];
			expected: number;
			partial: boolean;
	  }
	| { type: 'error'; message: string };

export const seenKey = (phase: string, current: number) => `${phase}:${current}`;
export const acksKey = (round: number) => `answer:${round}`;

// ---------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of an unsorted list (NaN when empty). */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = Float64Array.from(values).sort();
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summary(values: number[]) {
	if (values.length === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN };
	const sorted = Float64Array.from(values).sort();
	const at = (p: number) =>
		sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
	return {
		n: sorted.length,
		p50: at(50),
		p95: at(95),
		p99: at(99),
		max: sorted[sorted.length - 1]!
	};
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------------------------------------
// File descriptors (per process). Node raises its own soft RLIMIT_NOFILE to the hard limit at
// startup, so for the server and the workers (all Node processes) the hard limit is what counts.

export interface FdLimits {
	soft: number;
	hard: number;
}

export function fdLimits(): FdLimits {
	const r = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' });
	const [soft, hard] = (r.stdout ?? '').trim().split(/\s+/).map(parseLimit);
	return { soft: soft ?? 1024, hard: hard ?? soft ?? 1024 };
}

function parseLimit(s: string): number | undefined {
	if (s === 'unlimited') return Infinity;
	const n = Number(s);
	return Number.isFinite(n) && n > 0 ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// Children

const children = new Set<ChildProcess>();

/**
 * Starts a file in a new Node process with an IPC channel: TypeScript with the tsx loader, a
 * bundle (JavaScript) as it is.
 */
export function startTs(
	file: string,
	args: string[],
	options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}
): ChildProcess {
	const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
	const nodeArgs = [...loader, ...(options.nodeArgs ?? []), file, ...args];
	const child = spawn(process.execPath, nodeArgs, {
		stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
		env: { ...process.env, ...options.env }
	});
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

/** Kills every child this process started (by pid), hard. */
export function killChildren() {
	for (const c of children) {
		if (c.exitCode === null && c.signalCode === null) {
			try {
				c.kill('SIGKILL');
			} catch {
				// already gone
			}
		}
	}
	children.clear();
}

/** Resolves when the child exits, or kills it after `ms`. */
export function exited(child: ChildProcess, ms: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			resolve();
		}, ms);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

/** Races a promise against a timeout that rejects with `what`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
	});
	return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
