/**
 * The real pages in Chromium through the shipped nginx config, one production process behind it:
 * the teacher's gate and the start-a-session form (SvelteKit's CSRF check sees the Origin the
 * browser sends against the Host nginx passes on), the student's page joining and answering over
 * a websocket through nginx (CSP `connect-src 'self'` with the proxy's port), the reveal.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
	processLogs,
	startProcesses,
	stopProcesses,
	TEACHER_PASSCODE,
	type ProcessHandle
} from '../support/cluster';
import { startNginx, type NginxHandle } from '../support/nginx';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`;

let procs: ProcessHandle[] = [];
let nginx: NginxHandle | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
	if (missing) return;
	procs = await startProcesses(1, { QUORUM_TRUST_PROXY: '1' });
	nginx = await startNginx(procs.map((p) => p.port));
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
	});
});
afterAll(async () => {
	await browser?.close();
	await nginx?.stop();
	await stopProcesses(procs);
});

const visible = (page: Page, text: string | RegExp) =>
	page.getByText(text).first().waitFor({ state: 'visible', timeout: 20_000 });

describe('the pages through the shipped nginx config', () => {
	it('a teacher starts a session and a student joins and answers, in Chromium', async (ctx) => {
		if (missing) return ctx.skip(missing);
		onTestFailed(() => {
			console.error(processLogs(procs));
			console.error(nginx?.log());
		});
		const base = nginx!.url;
		const teacher = await (await browser!.newContext({ baseURL: base })).newPage();
		await teacher.goto('/host?kit=hitting-rock-bottom');
		await teacher.getByLabel('Teacher passcode or key').fill(TEACHER_PASSCODE);
		await teacher.getByRole('button', { name: 'Continue' }).click();
		await teacher.waitForURL(/\/host(\?|$)/);
		await teacher.goto('/host?kit=hitting-rock-bottom');
		// Only the first single-choice question, untimed.
		const items = teacher.locator('ol.items li');
		let kept = 0;
		for (let i = 0; i < (await items.count()); i++) {
			const li = items.nth(i);
			const keep = ((await li.textContent()) ?? '').includes('Question · Choose one') && !kept++;
			await li.getByRole('checkbox').setChecked(keep);
		}
		await teacher.getByLabel('Time per question').selectOption('none');
		await teacher.getByRole('button', { name: 'Create session', exact: true }).click();
		await teacher.waitForURL(/\/room\/[A-Z2-9]{6}\/host$/);
		const code = /room\/([A-Z2-9]{6})/.exec(teacher.url())![1]!;

		const student = await (
			await browser!.newContext({ baseURL: base, viewport: { width: 360, height: 740 } })
		).newPage();
		const sockets: string[] = [];
		student.on('websocket', (ws) => sockets.push(ws.url()));
		await student.goto('/join');
		await student.getByLabel('Session code').fill(code.toLowerCase());
		await student.getByLabel('Nickname').fill('Ada');
		await student.getByRole('button', { name: 'Join' }).click();
		await student.getByRole('heading', { name: 'You’re in!' }).waitFor({ timeout: 20_000 });
		expect(sockets[0]).toMatch(
			new RegExp(`^ws://127\\.0\\.0\\.1:${nginx!.port}/socket\\.io/\\?EIO=4&transport=websocket`)
		);

		await teacher.getByRole('button', { name: 'Start' }).click();
		await visible(student, 'Item 1 of 1 ·');
		await student.getByRole('radio').first().check();
		await student.getByRole('button', { name: 'Submit answer' }).click();
		await visible(student, 'Answer saved.');
		await visible(teacher, '1 answered.');
		await teacher.getByRole('button', { name: 'Reveal' }).click();
		await visible(student, '(your answer)');
	});
});
