/**
 * The parts of the student page fetched after it loads (lazy.ts) on a connection that drops:
 * the question's part cannot be fetched, the page says so and offers a reload, and the reload
 * brings the question back with the student still in.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { createSession, firstSingles, noAxeViolations, teacherPage } from './helpers';

/** The built file of a component, from Vite's client manifest (the end-to-end server's build). */
function builtFile(source: string): string {
	const manifest = JSON.parse(
		readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8')
	) as Record<string, { file: string }>;
	const file = manifest[source]?.file;
	if (!file) throw new Error(`${source} is not in the client manifest: run npm run build`);
	return file;
}

test('a question whose part cannot be fetched says so, and a reload brings it back', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	// Untimed: an axe run and a reload on a busy machine must not outlast the question.
	const code = await createSession(teacher, firstSingles(1), () =>
		teacher.getByLabel('Time per question').selectOption('none')
	);
	const page = await (
		await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true })
	).newPage();
	let reachable = false;
	await page.route(`**/${builtFile('src/routes/room/[code]/LiveItem.svelte')}`, (route) =>
		reachable ? route.continue() : route.abort('internetdisconnected')
	);
	await page.goto('/join');
	await page.getByLabel('Session code').fill(code);
	await page.getByLabel('Nickname').fill('Offline');
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('heading', { name: 'You’re in!' })).toBeVisible();

	await teacher.getByRole('button', { name: 'Start' }).click();
	await expect(page.getByRole('alert')).toContainText('The question could not be loaded');
	await noAxeViolations(page);

	reachable = true;
	await page.getByRole('button', { name: 'Reload' }).click();
	await expect(page.getByText('Item 1 of 1 ·')).toBeVisible();
	await expect(page.getByText('Offline', { exact: true })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Submit answer' })).toBeVisible();
});
