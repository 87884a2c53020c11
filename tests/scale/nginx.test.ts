/**
 * The shipped nginx config in front of one production process (embedded mode: SQLite, no Redis):
 * health, pages, the teacher's forms and a websocket room through the proxy, the browser Origin
 * check against the Host nginx passes on, and per-address limits on the address nginx saw
 * (QUORUM_TRUST_PROXY=1). No PostgreSQL or Redis needed; proves the harness and the config.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { call, closeClients, expectOk, nextEvent, type Client } from '../integration/harness';
import {
	processLogs,
	startProcesses,
	stopProcesses,
	TEACHER_PASSCODE,
	type ProcessHandle
} from '../support/cluster';
import { createSessionOverHttp } from '../support/http-session';
import { startNginx, type NginxHandle } from '../support/nginx';

let procs: ProcessHandle[] = [];
let nginx: NginxHandle | undefined;
const sockets: Client[] = [];

beforeAll(async () => {
	procs = await startProcesses(1, { QUORUM_TRUST_PROXY: '1' });
	nginx = await startNginx(procs.map((p) => p.port));
});
afterAll(async () => {
	await nginx?.stop();
	await stopProcesses(procs);
});
afterEach(() => {
	for (const s of sockets.splice(0)) s.disconnect();
	closeClients();
});

function showLogs() {
	onTestFailed(() => {
		console.error(processLogs(procs));
		console.error(nginx?.log());
	});
}

/** A socket through nginx, websocket transport only, as the scaled mode's clients connect. */
function socket(options: { origin?: string; localAddress?: string; xff?: string } = {}): Client {
	const headers: Record<string, string> = {};
	if (options.origin) headers.origin = options.origin;
	if (options.xff) headers['x-forwarded-for'] = options.xff;
	const s: Client = connect(nginx!.url, {
		transports: ['websocket'],
		reconnection: false,
		forceNew: true,
		extraHeaders: headers,
		localAddress: options.localAddress
	} as Parameters<typeof connect>[1]);
	sockets.push(s);
	return s;
}

function connected(s: Client): Promise<void> {
	return new Promise((resolve, reject) => {
		s.once('connect', () => resolve());
		s.once('connect_error', (e) => reject(e));
	});
}

describe('the shipped nginx config in front of a production process', () => {
	it('answers /healthz and pages through nginx', async () => {
		showLogs();
		const health = await fetch(`${nginx!.url}/healthz`);
		expect(health.status).toBe(200);
		expect(health.headers.get('content-type')).toMatch(/application\/json/);
		expect(health.headers.get('cache-control')).toBe('no-store');
		expect(await health.json()).toEqual({ ok: true });
		const home = await fetch(`${nginx!.url}/`);
		expect(home.status).toBe(200);
		expect(await home.text()).toContain('<html');
	});

	it('a teacher starts a session over HTTP; a student joins over a websocket and answers', async () => {
		showLogs();
		// The form posts carry the proxy's origin: SvelteKit's CSRF check passes only if nginx
		// passed the Host with its port and the scheme.
		const { code, hostToken } = await createSessionOverHttp(nginx!.url, TEACHER_PASSCODE, {
			timeLimit: 'none'
		});
		const host = socket({ origin: nginx!.url });
		const attached = expectOk(await call(host, 'host:attach', { code, hostToken }));
		expect(attached.phase).toBe('lobby');
		const student = socket();
		const joined = expectOk(await call(student, 'room:join', { code, nickname: 'Ada' }));
		expect(joined.view.phase).toBe('lobby');

		const opened = nextEvent(student, 'room:updated', (v) => v.phase === 'open');
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		const view = await opened;
		expect(view.item).toBeTruthy();
		const closed = nextEvent(host, 'host:updated', (v) => v.phase === 'closed');
		const ack = await call(student, 'answer:submit', {
			code,
			item: view.current,
			response: { type: 'single', choice: 0 }
		});
		expect(ack.ok).toBe(true);
		// The only student answered: the question closes by itself.
		expect((await closed).answered).toBe(1);
		const revealed = nextEvent(student, 'room:updated', (v) => v.phase === 'revealed');
		expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
		expect((await revealed).reveal?.answered).toBe(1);
	});

	it('refuses a socket from a page on another origin (the Host reaches the server)', async () => {
		showLogs();
		await expect(connected(socket({ origin: nginx!.url }))).resolves.toBeUndefined();
		await expect(connected(socket({ origin: 'http://evil.example' }))).rejects.toThrow();
	});

	it('counts per-address limits on the address nginx saw, not on what a client claims', async () => {
		showLogs();
		const { code } = await createSessionOverHttp(nginx!.url, TEACHER_PASSCODE);
		const join = async (localAddress: string, nickname: string, xff?: string) => {
			const s = socket({ localAddress, xff });
			return call(s, 'room:join', { code, nickname });
		};
		// 120 new players a minute from one address (limits.ts), all from 127.0.0.2.
		const first = await Promise.all(
			Array.from({ length: 120 }, (_, i) => join('127.0.0.2', `Two ${i + 1}`))
		);
		expect(first.filter((r) => r.ok)).toHaveLength(120);
		// A forged X-Forwarded-For does not make a new address: nginx appends the real one, and
		// the server reads the last entry.
		expect(await join('127.0.0.2', 'Forged', '203.0.113.9')).toMatchObject({
			ok: false,
			error: 'too_many_joins'
		});
		// Another address behind the same nginx is not held back.
		expect((await join('127.0.0.3', 'Three')).ok).toBe(true);
	});
});
