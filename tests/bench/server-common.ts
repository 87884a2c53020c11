/**
 * What both bench servers share: the stdout hello line, and answering the orchestrator's IPC
 * requests for memory, CPU and event-loop delay samples.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ServerHello, ServerReply, ServerRequest, ServerStats } from './lib';

export function hello(h: ServerHello) {
	console.log(JSON.stringify(h));
}

/** Answers `stats` over IPC; runs `shutdown` on request or when the orchestrator goes away. */
export function serveStats(
	shutdown: () => Promise<void>,
	probe: () => Record<string, number> = () => ({})
) {
	const loop = monitorEventLoopDelay({ resolution: 5 });
	loop.enable();
	const gc = (globalThis as { gc?: () => void }).gc;
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		const force = setTimeout(() => process.exit(0), 5000);
		force.unref();
		shutdown()
			.catch((e: unknown) => console.error('[bench-server] shutdown failed', e))
			.finally(() => process.exit(0));
	};
	process.on('message', (raw) => {
		const m = raw as ServerRequest;
		if (m.type === 'shutdown') return stop();
		if (m.type === 'stats') void sample(m.id, m.gc);
		if (m.type === 'profile')
			profile(m.action, m.file).then(
				() => process.send?.({ type: 'profile', id: m.id } satisfies ServerReply),
				(e: unknown) =>
					process.send?.({ type: 'profile', id: m.id, error: String(e) } satisfies ServerReply)
			);
	});
	let session: Session | null = null;
	async function profile(action: 'start' | 'stop', file?: string) {
		if (action === 'start') {
			if (!session) {
				session = new Session();
				session.connect();
				await session.post('Profiler.enable');
				// Finer than V8's default (1 ms): a round's phases last tens of milliseconds.
				await session.post('Profiler.setSamplingInterval', { interval: 250 });
			}
			await session.post('Profiler.start');
			return;
		}
		if (!session) throw new Error('no profile running');
		const { profile } = await session.post('Profiler.stop');
		if (file) writeFileSync(file, JSON.stringify(profile));
	}
	async function sample(id: number, full: boolean) {
		if (full && gc) {
			gc();
			gc();
			// Let the pause land in the event-loop histogram before it is reset below.
			await new Promise((r) => setTimeout(r, 50));
		}
		const mem = process.memoryUsage();
		const cpu = process.cpuUsage();
		const stats: ServerStats = {
			heapUsed: mem.heapUsed,
			rss: mem.rss,
			external: mem.external,
			arrayBuffers: mem.arrayBuffers,
			cpuUser: cpu.user,
			cpuSystem: cpu.system,
			cpuMain: mainThreadCpu(),
			loopP99: loop.percentile(99) / 1e6,
			loopMax: loop.max / 1e6,
			probe: probe()
		};
		loop.reset();
		const reply: ServerReply = { type: 'stats', id, stats };
		process.send?.(reply);
	}
	process.on('disconnect', stop);
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

/** The main thread's user + system CPU, µs, from /proc/self/task/<pid>/stat (USER_HZ = 100). */
function mainThreadCpu(): number {
	try {
		const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(f[11]) + Number(f[12])) * 10_000;
	} catch {
		return NaN;
	}
}

export function argValue(name: string, fallback: string): string {
	const i = process.argv.indexOf(name);
	return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
