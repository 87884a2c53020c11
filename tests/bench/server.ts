/**
 * The Quorum server under load: `startApp` on an HTTP server bound to 127.0.0.1 (with SvelteKit's
 * handler from `build/handler.js` when it exists, as in `src/prod-server.ts`; pass `--no-handler`
 * to skip it), SQLite in a temp directory (`--dir`, else a new one), and one session of `--rounds` single-choice questions
 * (`--time-limit` seconds or `none`, default 30 as in the host form; no speed scoring, leaderboard
 * on, names off).
 *
 * Prints `{code, hostToken, port}` as one JSON line on stdout, then answers the orchestrator's
 * IPC requests (see `server-common.ts`). Run by `run.ts`; can also be run by hand with
 * `node --import tsx --expose-gc tests/bench/server.ts --rounds 5` (the bench runs it bundled, as
 * production runs `build/server.js`: see `serverBundles` in `run.ts`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { startApp } from '../../src/lib/server/app';
import { NO_LIMITS } from '../../src/lib/server/limits';
import { createSession } from '../../src/lib/server/sessions';
import { argValue, hello, serveStats } from './server-common';
import type { ServerReply, ServerRequest } from './lib';

const rounds = Number(argValue('--rounds', '5'));
const limitArg = argValue('--time-limit', '30');
const timeLimit = limitArg === 'none' ? null : Number(limitArg);
// The orchestrator passes --dir (and removes it, even after killing this process).
const ownDir = !process.argv.includes('--dir');
const dir = ownDir ? mkdtempSync(join(tmpdir(), 'quorum-bench-')) : argValue('--dir', '');
process.env.QUORUM_DATA = dir;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler | null = null;
const handlerFile = resolve('build/handler.js');
if (!process.argv.includes('--no-handler') && existsSync(handlerFile)) {
	({ handler } = (await import(pathToFileURL(handlerFile).href)) as { handler: Handler });
}

const http = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(404).end()));
// Thousands of simulated students share one loopback address: the per-address limits, made for
// a class behind a school NAT, would refuse most of them. The benchmark measures the room.
const app = startApp(http, {
	dbFile: join(dir, 'bench.db'),
	kitsDir: 'quizzes',
	limits: NO_LIMITS
});
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));

const kitSlug = 'hitting-rock-bottom';
const kit = app.ctx.kits.get(kitSlug);
const singles = kit?.questions.filter((q) => q.type === 'single') ?? [];
if (!kit || singles.length === 0) {
	console.error(`[bench-server] kit ${kitSlug} with single-choice questions not found`);
	process.exit(1);
}
const items = Array.from({ length: rounds }, (_, i) => `q:${singles[i % singles.length]!.id}`);
const { code, hostToken } = await createSession(app.ctx, {
	kitSlug,
	items,
	settings: { timeLimit, speedScoring: false, leaderboard: true, showNames: false }
});

const adapter = app.realtime.io.of('/').adapter as unknown as {
	rooms: Map<string, Set<string>>;
	packets?: unknown[];
};
serveStats(
	async () => {
		http.closeAllConnections();
		await app.close();
		await new Promise<void>((r) => http.close(() => r()));
		if (ownDir) rmSync(dir, { recursive: true, force: true });
	},
	() => ({
		sockets: app.realtime.io.of('/').sockets.size,
		rooms: adapter.rooms.size,
		// Kept by connection state recovery for maxDisconnectionDuration (Socket.IO's session-aware adapter).
		recoveryPackets: adapter.packets?.length ?? 0
	})
);
// Heap held by the recovery buffer: heap after GC, minus heap after GC once the buffer is emptied.
// Destructive (the orchestrator asks only after the last round; the bench never reconnects).
process.on('message', (raw) => {
	const m = raw as ServerRequest;
	if (m.type !== 'recoveryHeap') return;
	const gc = (globalThis as { gc?: () => void }).gc;
	const packets = adapter.packets ?? [];
	const count = packets.length;
	let bytes = NaN;
	if (gc) {
		gc();
		const withBuffer = process.memoryUsage().heapUsed;
		packets.length = 0;
		gc();
		bytes = withBuffer - process.memoryUsage().heapUsed;
	}
	const reply: ServerReply = { type: 'recoveryHeap', id: m.id, bytes, packets: count };
	process.send?.(reply);
});
hello({ code, hostToken, port: (http.address() as AddressInfo).port, handler: Boolean(handler) });
