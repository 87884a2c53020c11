/**
 * Quorum server processes for the multi-process tests and the bench: each runs the production
 * server as systemd does (`node build/server.js`, SvelteKit's handler beside it: run `npm run
 * build` first), so that the pid is the server itself and `kill -9` or SIGSTOP reaches it. Another
 * entry in TypeScript (the bench's) runs as `node --import tsx`, never through the `tsx` CLI,
 * which would put a process of its own in between.
 *
 * Each process: 127.0.0.1 and a free port, its own temp folder as QUORUM_DATA (its log is
 * `server.log` there), QUORUM_KITS=quizzes, the teacher passcode, plus the caller's environment
 * (QUORUM_DATABASE_URL, QUORUM_REDIS_URL, QUORUM_TRUST_PROXY, …). Ready = GET /healthz is 200.
 * `start()` after `stop()` or `kill()` starts it again on the same port and folder.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ended, freePort, logTail, startChild, stopChild, waitUntil } from './processes';

export const TEACHER_PASSCODE = 'scale-teacher-passcode';

export interface ProcessHandle {
	port: number;
	url: string;
	dir: string;
	/** The server's pid (changes on `start()`); undefined while it is not running. */
	readonly pid: number | undefined;
	readonly running: boolean;
	/** Sends a signal. SIGKILL and SIGTERM resolve once it has exited; others at once. */
	kill(signal: NodeJS.Signals): Promise<void>;
	/** SIGTERM (a graceful stop), SIGKILL after 10 s. */
	stop(): Promise<void>;
	/** Starts it again on the same port and folder; resolves once /healthz answers. */
	start(): Promise<void>;
	log(lines?: number): string;
}

export interface ProcessOptions {
	/** The entry to run instead of build/server.js (the bench's lifts the per-address limits). */
	entry?: string;
	/** Milliseconds to wait for /healthz. */
	readyMs?: number;
	nodeArgs?: string[];
}

/**
 * GET /healthz on its own connection, closed after the reply: a pooled keep-alive connection
 * from the test process would look like a client of the process to tests that count them.
 */
export function healthy(url: string): Promise<boolean> {
	return new Promise((resolve) => {
		const req = get(
			`${url}/healthz`,
			{ agent: false, headers: { connection: 'close' }, timeout: 2000 },
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (d: string) => (body += d));
				res.on('end', () => {
					try {
						resolve(res.statusCode === 200 && (JSON.parse(body) as { ok?: unknown }).ok === true);
					} catch {
						resolve(false);
					}
				});
			}
		);
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(false));
	});
}

async function startOne(
	env: Record<string, string>,
	options: ProcessOptions
): Promise<ProcessHandle> {
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), `quorum-proc-${port}-`));
	const url = `http://127.0.0.1:${port}`;
	const logFile = join(dir, 'server.log');
	const entry = options.entry ?? 'build/server.js';
	let child: ChildProcess | null = null;

	const launch = async () => {
		child = startChild(
			process.execPath,
			[...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(options.nodeArgs ?? []), entry],
			logFile,
			{
				env: {
					...process.env,
					NODE_ENV: 'production',
					HOST: '127.0.0.1',
					PORT: String(port),
					QUORUM_DATA: dir,
					QUORUM_KITS: resolve('quizzes'),
					QUORUM_TEACHER_PASSCODE: TEACHER_PASSCODE,
					...env
				}
			}
		);
		await waitUntil(`Quorum process on port ${port}`, () => healthy(url), {
			child,
			logFile,
			ms: options.readyMs ?? 60_000,
			every: 100
		});
	};

	await launch();
	return {
		port,
		url,
		dir,
		get pid() {
			return child && !ended(child) ? child.pid : undefined;
		},
		get running() {
			return child !== null && !ended(child);
		},
		async kill(signal) {
			const c = child;
			if (!c || ended(c)) return;
			const gone = new Promise<void>((r) => c.once('exit', () => r()));
			c.kill(signal);
			if (signal === 'SIGKILL' || signal === 'SIGTERM') await gone;
		},
		async stop() {
			if (child) await stopChild(child, 'SIGTERM');
		},
		async start() {
			if (child && !ended(child)) throw new Error(`process on port ${port} is still running`);
			await launch();
		},
		log: (lines = 60) => logTail(logFile, lines)
	};
}

/** Starts `n` processes at once with the same environment; resolves when all are ready. */
export async function startProcesses(
	n: number,
	env: Record<string, string> = {},
	options: ProcessOptions = {}
): Promise<ProcessHandle[]> {
	for (const file of ['build/handler.js', options.entry ?? 'build/server.js'])
		if (!existsSync(resolve(file)))
			throw new Error(`${file} is missing: run \`npm run build\` before the scale tests`);
	const started = await Promise.allSettled(Array.from({ length: n }, () => startOne(env, options)));
	const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
	const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
	if (failed) {
		await stopProcesses(ok);
		throw failed.reason;
	}
	return ok;
}

/** Stops every process and removes its folder. */
export async function stopProcesses(handles: ProcessHandle[]): Promise<void> {
	await Promise.all(handles.map((h) => h.stop()));
	for (const h of handles) rmSync(h.dir, { recursive: true, force: true });
}

/** Every process's log tail, for a failed test's output. */
export function processLogs(handles: ProcessHandle[], lines = 60): string {
	return handles.map((h) => h.log(lines)).join('\n');
}
