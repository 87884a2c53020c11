/**
 * Issue 16, PostgreSQL mode in one process (no Redis): nothing is shown before it is stored.
 * While a room's commit cannot land (PostgreSQL stopped), the teacher's reveal is refused and no
 * student, projector or teacher hears a revealed phase or a result; once PostgreSQL is back the
 * same reveal goes through and everyone hears it. A real server (`startServer` with
 * `QUORUM_DATABASE_URL`), a real PostgreSQL, real socket.io-clients.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type App } from '../../src/lib/server/app';
import { createSession, defaultItems } from '../../src/lib/server/sessions';
import {
	call,
	client,
	closeClients,
	expectOk,
	nextEvent,
	SETTINGS,
	type Client
} from '../integration/harness';
import { postgresMissing, startPostgres, type TestPostgres } from '../support/postgres';
import { waitUntil } from '../support/processes';

const missing = postgresMissing();
if (missing) console.log(`SKIPPED commit-first suite: ${missing}`);

let pg: TestPostgres | null = null;
let app: App;
let http: Server;
let url = '';

beforeAll(async () => {
	if (missing) return;
	pg = await startPostgres();
	http = createServer((_req, res) => res.writeHead(404).end());
	app = await startServer(http, { kitsDir: 'quizzes' }, { QUORUM_DATABASE_URL: pg!.url });
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
	closeClients();
	http?.closeAllConnections();
	await app?.close();
	await pg?.stop();
});

/** Every frame a socket hears, to look for what must not be there. */
function heard(s: Client) {
	const frames: { event: string; payload: unknown }[] = [];
	s.onAny((event: string, payload: unknown) => frames.push({ event, payload }));
	return frames;
}

const revealedIn = (frames: { event: string; payload: unknown }[]) =>
	frames.filter((f) => {
		const p = f.payload as { phase?: string; result?: unknown } | null;
		return p?.phase === 'revealed' || (f.event === 'me:updated' && p?.result);
	});

describe.skipIf(missing)('PostgreSQL mode: a change is sent only once it is stored', () => {
	it('a reveal that cannot be committed reaches nobody; once stored, everyone', async () => {
		const kitSlug = 'hitting-rock-bottom';
		const { code, hostToken } = await createSession(app.ctx, {
			kitSlug,
			items: defaultItems(app.ctx, kitSlug)
				.filter((r) => r.startsWith('q:'))
				.slice(0, 2),
			settings: { ...SETTINGS, timeLimit: null }
		});
		const host = client(url);
		const { screenKey } = expectOk(await call(host, 'host:attach', { code, hostToken }));
		const screen = client(url);
		expectOk(await call(screen, 'screen:watch', { code, key: screenKey }));
		const students = [client(url), client(url), client(url)];
		for (const [i, s] of students.entries())
			expectOk(await call(s, 'room:join', { code, nickname: `P${i}` }));
		const opened = nextEvent(host, 'host:updated', (v) => v.phase === 'open');
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		const item = (await opened).current;
		for (const s of students)
			expectOk(
				await call(s, 'answer:submit', { code, item, response: { type: 'single', choice: 0 } })
			);
		await nextEvent(host, 'host:updated', (v) => v.phase === 'closed');

		const frames = [host, screen, ...students].map(heard);
		await pg!.halt();
		try {
			const refused = await call(host, 'host:command', { code, command: { type: 'reveal' } });
			expect(refused.ok).toBe(false);
			// Longer than any throttled update would wait: still nothing revealed anywhere.
			await new Promise((r) => setTimeout(r, 1500));
			for (const f of frames) expect(revealedIn(f)).toEqual([]);
		} finally {
			await pg!.start();
		}
		// Back: the room reloads from what was stored (closed), and the reveal goes through.
		const everyone = students.map((s) =>
			nextEvent(s, 'room:updated', (v) => v.phase === 'revealed', 15_000)
		);
		await waitUntil(
			'the reveal once PostgreSQL is back',
			async () => (await call(host, 'host:command', { code, command: { type: 'reveal' } })).ok,
			{ ms: 15_000, every: 250 }
		);
		const views = await Promise.all(everyone);
		expect(views.every((v) => v.reveal?.answered === 3)).toBe(true);
	});
});
