/**
 * Issue 12: the key stays hidden. Self-study (its page data, the same object `__data.json`
 * serialises) carries no answer key while a session of that kit runs on this server, read from
 * the database; it opens again when the session ends, or at once if the teacher allowed it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../src/routes/study/[slug]/+page.server';
import { STALE_LIVE_MS } from '../../src/lib/server/db';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	startServer,
	type TestServer
} from './harness';

const SLUG = 'hitting-rock-bottom';
let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	closeClients();
	await server.stop();
});
afterEach(() => closeClients());

/** What the page would be sent, as the JSON `__data.json` carries it. */
const pageData = async () =>
	JSON.stringify(await (load as (e: unknown) => unknown)({ params: { slug: SLUG } }));

const KEY_FIELDS = ['"answer"', '"accept"', '"explanation"', '"evidence"'];

async function end(code: string, hostToken: string) {
	const host = client(server.url);
	expectOk(await call(host, 'host:attach', { code, hostToken }));
	expectOk(await call(host, 'host:command', { code, command: { type: 'end' } }));
}

describe('self-study while a session runs', () => {
	it('with no session, self-study carries the key (it grades on the device)', async () => {
		const data = await pageData();
		for (const f of KEY_FIELDS) expect(data).toContain(f);
	});

	it('a live session in the lobby, then open, hides it; the end restores it', async () => {
		const { code, hostToken } = newSession(server);
		for (const f of KEY_FIELDS) expect(await pageData()).not.toContain(f);
		expect(JSON.parse(await pageData())).toMatchObject({ kit: null, closed: { slug: SLUG } });
		const host = client(server.url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		for (const f of KEY_FIELDS) expect(await pageData()).not.toContain(f);
		await end(code, hostToken);
		expect(await pageData()).toContain('"answer"');
	});

	it('the teacher may allow self-study during the session', async () => {
		const { code, hostToken } = newSession(server, { allowStudy: true });
		expect(await pageData()).toContain('"answer"');
		await end(code, hostToken);
	});

	it('a live session left untouched for half a day no longer holds the kit', async () => {
		const { code, hostToken } = newSession(server);
		expect(server.repo.kitInSession(SLUG)).toBe(true);
		expect(server.repo.kitInSession(SLUG, Date.now() + STALE_LIVE_MS + 1000)).toBe(false);
		expect(server.repo.kitInSession('another-kit')).toBe(false);
		await end(code, hostToken);
	});

	it('homework holds the kit until its deadline', async () => {
		const deadline = Date.now() + 60_000;
		const { code, hostToken } = newSession(server, { mode: 'homework', timeLimit: null, deadline });
		expect(await pageData()).not.toContain('"answer"');
		// Long after any staleness, still before the deadline: held.
		expect(server.repo.kitInSession(SLUG, deadline - 1)).toBe(true);
		expect(server.repo.kitInSession(SLUG, deadline + 1)).toBe(false);
		await end(code, hostToken);
		expect(await pageData()).toContain('"answer"');
	});
});
