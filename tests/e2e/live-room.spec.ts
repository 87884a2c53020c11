import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

async function noAxeViolations(page: Page) {
	const result = await new AxeBuilder({ page }).analyze();
	expect(
		result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)
	).toEqual([]);
}

async function student(browser: Browser, code: string, name: string) {
	const ctx = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true
	});
	const page = await ctx.newPage();
	await page.goto('/join');
	await page.getByLabel('Session code').fill(code.toLowerCase());
	await page.getByLabel('Nickname').fill(name);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('heading', { name: 'You’re in!' })).toBeVisible();
	return page;
}

test('a teacher, a projector and three students play a session to the podium', async ({
	browser
}) => {
	const teacher = await (
		await browser.newContext({ viewport: { width: 1280, height: 800 } })
	).newPage();
	await teacher.goto('/host?kit=hitting-rock-bottom');
	await noAxeViolations(teacher);
	// Keep two single-choice questions: untick everything else.
	const items = teacher.locator('ol.items li');
	const count = await items.count();
	let kept = 0;
	for (let i = 0; i < count; i++) {
		const li = items.nth(i);
		const single = (await li.textContent())?.includes('Question · Choose one');
		if (single && kept < 2) kept++;
		else await li.getByRole('checkbox').uncheck();
	}
	await teacher.getByLabel('Time per question').selectOption('none');
	await teacher.getByRole('button', { name: 'Create session' }).click();
	await expect(teacher).toHaveURL(/\/room\/[A-Z2-9]{6}\/host$/);
	const code = /room\/([A-Z2-9]{6})/.exec(teacher.url())![1]!;

	const screen = await (
		await browser.newContext({ viewport: { width: 1280, height: 720 } })
	).newPage();
	// The projector opens from the link in the teacher's controls, which carries its key.
	const projectorLink = teacher.getByRole('link', { name: 'Open the projector view' });
	await expect(projectorLink).toHaveAttribute('href', /#key=[0-9a-f]{64}$/);
	await screen.goto((await projectorLink.getAttribute('href'))!);
	await expect(screen.getByText(`${code.slice(0, 3)} ${code.slice(3)}`)).toBeVisible();

	const students = [
		await student(browser, code, 'Ada'),
		await student(browser, code, 'Ben'),
		await student(browser, code, 'Chloé')
	];
	await expect(screen.getByText('3 joined')).toBeVisible();
	await noAxeViolations(screen);
	await noAxeViolations(students[0]!);

	for (let q = 0; q < 2; q++) {
		await teacher.getByRole('button', { name: q === 0 ? 'Start' : 'Next item' }).click();
		for (const [i, page] of students.entries()) {
			await expect(page.getByText(`Item ${q + 1} of 2 ·`)).toBeVisible();
			if (q === 0 && i === 2) {
				// A student reloads mid-question and carries on as the same participant.
				await page.reload();
				await expect(page.getByText('Chloé')).toBeVisible();
				await expect(page.getByText(`Item 1 of 2 ·`)).toBeVisible();
			}
			await page
				.getByRole('radio')
				.nth(i % 2)
				.check();
			await page.getByRole('button', { name: 'Submit answer' }).click();
			await expect(page.getByText('Answer saved.').first()).toBeVisible();
		}
		if (q === 0) await noAxeViolations(students[1]!);
		await expect(teacher.getByText('3 answered.')).toBeVisible();
		await teacher.getByRole('button', { name: 'Reveal' }).click();
		await expect(screen.getByText('(correct)')).toBeVisible();
		for (const page of students) await expect(page.getByText(/Correct —|Not quite/)).toBeVisible();
		await expect(students[0]!.getByRole('link', { name: /Read it in/ }).first()).toBeVisible();
		if (q === 0) {
			await noAxeViolations(students[0]!);
			await noAxeViolations(teacher);
			await teacher.getByRole('button', { name: 'Show leaderboard' }).click();
			await expect(screen.getByRole('heading', { name: 'Leaderboard' })).toBeVisible();
		}
	}
	await teacher.getByRole('button', { name: 'Finish' }).click();
	await expect(screen.getByRole('heading', { name: 'Well done, everyone!' })).toBeVisible();
	await expect(screen.locator('.podium li')).toHaveCount(3);
	await noAxeViolations(screen);
	await expect(students[2]!.getByRole('heading', { name: 'Session over' })).toBeVisible();
});

test('the teacher controls reopen after a refresh; a wrong host key gets nothing', async ({
	browser
}) => {
	const teacher = await (await browser.newContext()).newPage();
	await teacher.goto('/host?kit=hitting-rock-bottom');
	await teacher.getByRole('button', { name: 'Create session' }).click();
	await expect(teacher.getByText('Waiting for students to join.')).toBeVisible();
	await teacher.reload();
	await expect(teacher.getByText('Waiting for students to join.')).toBeVisible();
	const code = /room\/([A-Z2-9]{6})/.exec(teacher.url())![1]!;
	const other = await (await browser.newContext()).newPage();
	await other.goto(`/room/${code}/host#key=${'x'.repeat(32)}`);
	await expect(other.getByText('Only the teacher’s controls can do that.')).toBeVisible();
	await expect(other.getByRole('button', { name: 'Start' })).toHaveCount(0);
});
