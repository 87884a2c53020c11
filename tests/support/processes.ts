/**
 * Child processes of the multi-process harness: free ports, logs to files, and a registry that
 * kills every child still running when the test process exits, whatever the way out.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Children still running, each with the signal that ends it at once. */
const running = new Map<ChildProcess, NodeJS.Signals>();

function killAll() {
	for (const [c, signal] of running) {
		if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) continue;
		try {
			// A stopped (SIGSTOP) child acts on nothing but SIGKILL until it runs again.
			if (signal !== 'SIGKILL') process.kill(c.pid, 'SIGCONT');
			process.kill(c.pid, signal);
		} catch {
			// already gone
		}
	}
	running.clear();
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
	process.once(signal, () => {
		killAll();
		process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
	});

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const address = s.address();
			s.close(() =>
				typeof address === 'object' && address
					? resolve(address.port)
					: reject(new Error('no port'))
			);
		});
	});
}

/**
 * Starts `cmd` with stdout and stderr appended to `logFile`, registered for cleanup: on exit it
 * gets `exitSignal` (SIGKILL; nginx's master needs SIGTERM, or its workers outlive it).
 */
export function startChild(
	cmd: string,
	args: string[],
	logFile: string,
	options: SpawnOptions & { exitSignal?: NodeJS.Signals } = {}
): ChildProcess {
	const { exitSignal = 'SIGKILL', ...spawnOptions } = options;
	const out = createWriteStream(logFile, { flags: 'a' });
	const child = spawn(cmd, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout?.pipe(out, { end: false });
	child.stderr?.pipe(out, { end: false });
	running.set(child, exitSignal);
	child.once('exit', () => {
		running.delete(child);
		out.end();
	});
	return child;
}

/** Whether a child has ended. */
export const ended = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

/** Sends `signal`, then SIGKILL after `ms`; resolves once the child has exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', ms = 10_000) {
	if (ended(child)) return Promise.resolve();
	return new Promise<void>((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), ms);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		// A stopped child must run again to act on SIGTERM.
		child.kill('SIGCONT');
		child.kill(signal);
	});
}

/** Resolves once `check()` is true, polling every `every` ms; rejects with the log's tail. */
export async function waitUntil(
	what: string,
	check: () => Promise<boolean> | boolean,
	options: { ms?: number; every?: number; child?: ChildProcess; logFile?: string } = {}
): Promise<void> {
	const { ms = 30_000, every = 50, child, logFile } = options;
	const deadline = Date.now() + ms;
	for (;;) {
		if (await check()) return;
		const gone = child && ended(child);
		if (gone || Date.now() > deadline) {
			const why = gone ? `it exited (${child.exitCode ?? child.signalCode})` : `${ms} ms passed`;
			throw new Error(`${what}: ${why}\n${logFile ? logTail(logFile) : ''}`);
		}
		await new Promise((r) => setTimeout(r, every));
	}
}

/** The last lines of a log file, for an error message. */
export function logTail(file: string, lines = 40): string {
	if (!existsSync(file)) return `(no log at ${file})`;
	const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	return `--- ${file} (last ${lines} lines) ---\n${text}`;
}
