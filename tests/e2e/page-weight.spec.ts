/**
 * What a student's phone downloads before the room page can connect, measured in the browser
 * over the wire (Chromium asks for gzip or Brotli, as phones do): the rendered page, its scripts
 * and styles, with the cache off. `npm run bench:weight` counts the build's files (gzip level 9);
 * this counts what the production server actually sends, the HTML included.
 */
import { expect, test, type Request } from '@playwright/test';
import { createSession, firstSingles, student, teacherPage } from './helpers';

/** The student room page's budget (#17): 60 KB, 1 KB = 1024 bytes. */
const BUDGET = 60 * 1024;

test('the student room page, on a first visit, is compressed and within 60 KB before its socket connects', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	const code = await createSession(teacher, firstSingles(1));
	const page = await student(browser, code, 'Weighed');

	// A first visit (nothing kept on the phone), and no socket: the page stops where a phone on
	// bad Wi-Fi waits, before the parts fetched once the socket is up (lazy.ts).
	await page.evaluate(() => localStorage.clear());
	await page.routeWebSocket(/\/socket\.io\//, (ws) => ws.close());
	await page.route('**/socket.io/**', (route) => route.abort());
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	const sizes = new Map<string, { type: string; bytes: number; encoding: string }>();
	const finished: Promise<void>[] = [];
	// Only what is asked for from here on: a part the joined page was still prefetching is not
	// the first visit's.
	const asked = new Set<Request>();
	page.on('request', (request) => asked.add(request));
	page.on('requestfinished', (request) =>
		finished.push(
			(async () => {
				const type = request.resourceType();
				if (!asked.has(request)) return;
				if (!['document', 'script', 'stylesheet', 'font'].includes(type)) return;
				const response = await request.response();
				const { responseBodySize } = await request.sizes();
				sizes.set(request.url(), {
					type,
					bytes: responseBodySize,
					encoding: (await response?.headerValue('content-encoding')) ?? 'none'
				});
			})()
		)
	);
	// Everything the page imports has arrived once the network is quiet (the socket's retries
	// back off for seconds at a time).
	await page.reload({ waitUntil: 'networkidle' });
	await expect(page.getByRole('status').filter({ hasText: 'Connecting' })).toBeVisible();
	await Promise.all(finished);

	const rows = [...sizes].map(([url, s]) => ({ ...s, file: new URL(url).pathname }));
	const total = rows.reduce((sum, r) => sum + r.bytes, 0);
	console.log(
		rows
			.map(
				(r) =>
					`${r.type.padEnd(10)} ${String(r.bytes).padStart(6)} ${r.encoding.padEnd(4)} ${r.file}`
			)
			.join('\n') + `\ntotal ${(total / 1024).toFixed(1)} KB of ${BUDGET / 1024} KB`
	);
	const document = rows.find((r) => r.type === 'document');
	expect(document?.file).toBe(`/room/${code}`);
	// The rendered page is compressed (it was sent as made: 10.4 KB instead of 3.3).
	expect(document?.encoding).toMatch(/^(gzip|br)$/);
	expect(rows.filter((r) => r.type === 'script').length).toBeGreaterThan(3);
	for (const r of rows) expect(r.encoding, r.file).toMatch(/^(gzip|br)$/);
	expect(total).toBeLessThanOrEqual(BUDGET);
});
