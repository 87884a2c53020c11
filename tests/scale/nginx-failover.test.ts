/**
 * nginx's side of losing a process, with two production processes (embedded mode: each its own
 * SQLite, so no room is shared; only connections are looked at): `least_conn` spreads the
 * websockets, a process killed with SIGKILL sends its sockets to reconnect through nginx to the
 * other one, new connections and requests skip the dead upstream, and a process started again on
 * its port takes new connections. Who holds a socket is read from /proc/net/tcp.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { until } from '../integration/harness';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { processLogs, startProcesses, stopProcesses, type ProcessHandle } from '../support/cluster';
import { startNginx, type NginxHandle } from '../support/nginx';

let procs: ProcessHandle[] = [];
let nginx: NginxHandle | undefined;
const sockets: Socket[] = [];

beforeAll(async () => {
	procs = await startProcesses(2, { QUORUM_TRUST_PROXY: '1' });
	nginx = await startNginx(procs.map((p) => p.port));
});
afterAll(async () => {
	await nginx?.stop();
	await stopProcesses(procs);
});
afterEach(() => {
	for (const s of sockets.splice(0)) s.disconnect();
});

function socket(): Socket {
	const s = connect(nginx!.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnectionDelay: 100,
		reconnectionDelayMax: 300
	});
	sockets.push(s);
	return s;
}

/**
 * Established TCP connections the process accepted on its port (nginx's side of each proxied
 * socket): rows of /proc/net/tcp with that local port whose socket the process holds (a client
 * elsewhere may get the same number as its ephemeral port while the process is down).
 */
function connectionsTo(p: ProcessHandle): number {
	const hex = `:${p.port.toString(16).toUpperCase().padStart(4, '0')}`;
	const held = new Set<string>();
	for (const fd of readdirSync(`/proc/${p.pid}/fd`)) {
		try {
			const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p.pid}/fd/${fd}`));
			if (m) held.add(m[1]!);
		} catch {
			// closed meanwhile
		}
	}
	let n = 0;
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
			const cols = line.trim().split(/\s+/);
			if (cols[3] === '01' && cols[1]?.endsWith(hex) && held.has(cols[9] ?? '')) n += 1;
		}
	}
	return n;
}
const fds = connectionsTo;

describe('two processes behind the shipped nginx config', () => {
	it('spreads websockets, survives kill -9 of one, and takes it back once restarted', async () => {
		onTestFailed(() => {
			console.error(processLogs(procs));
			console.error(nginx?.log());
		});
		const [a, b] = procs as [ProcessHandle, ProcessHandle];
		const before = [fds(a), fds(b)];
		const first = Array.from({ length: 10 }, () => socket());
		await until('10 sockets connected', () => first.every((s) => s.connected), 20_000);
		const gained = [fds(a) - before[0]!, fds(b) - before[1]!];
		// least_conn: each process holds about half (one nginx worker, connections one by one).
		expect(gained[0]).toBeGreaterThanOrEqual(3);
		expect(gained[1]).toBeGreaterThanOrEqual(3);

		// kill -9 the first: its sockets drop and reconnect through nginx to the other.
		const dropped = first.map(() => false);
		first.forEach((s, i) => s.once('disconnect', () => (dropped[i] = true)));
		const bBefore = fds(b);
		await a.kill('SIGKILL');
		await until('the dropped sockets to notice', () => dropped.some(Boolean), 20_000);
		await until('every socket connected again', () => first.every((s) => s.connected), 20_000);
		expect(dropped.filter(Boolean).length).toBeGreaterThanOrEqual(3);
		expect(fds(b) - bBefore).toBeGreaterThanOrEqual(dropped.filter(Boolean).length);
		// New connections and requests skip the dead upstream.
		const more = Array.from({ length: 6 }, () => socket());
		await until('new sockets connected', () => more.every((s) => s.connected), 20_000);
		const health = await Promise.all(
			Array.from({ length: 6 }, () => fetch(`${nginx!.url}/healthz`).then((r) => r.status))
		);
		expect(health).toEqual([200, 200, 200, 200, 200, 200]);

		// Started again on its port. nginx keeps an upstream that failed max_fails times aside for
		// fail_timeout (upstream.conf: 3, 5 s), then tries it again, and counts it healthy once a
		// request to it completes: a page load or /healthz does, a websocket only when it closes.
		await a.start();
		// The harness's own readiness check is not a client: wait until its connection is gone.
		await until('the readiness connection closed', () => fds(a) === 0, 10_000);
		// Requests until one reached it (the connection nginx then keeps alive to it shows).
		const deadline = Date.now() + 30_000;
		while (fds(a) === 0) {
			if (Date.now() > deadline) throw new Error('no request reached the restarted process');
			expect((await fetch(`${nginx!.url}/healthz`)).status).toBe(200);
			// A few a second while nginx's fail_timeout runs out.
			await new Promise((r) => setTimeout(r, 200));
		}
		// Back in rotation: least_conn sends it the next connections (it holds the fewest).
		const aNow = fds(a);
		const late = Array.from({ length: 4 }, () => socket());
		await until('late sockets connected', () => late.every((s) => s.connected), 20_000);
		expect(fds(a) - aNow).toBeGreaterThanOrEqual(3);
	});
});
