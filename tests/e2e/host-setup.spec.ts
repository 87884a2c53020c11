import { test, expect, type Page } from '@playwright/test';
import { noAxeViolations, teacherPage } from './helpers';

/** Presses Tab until `target` has the focus; returns the presses it took. */
async function tabTo(page: Page, target: ReturnType<Page['getByRole']>, cap = 30) {
	for (let n = 1; n <= cap; n++) {
		await page.keyboard.press('Tab');
		if (await target.evaluate((el) => el === document.activeElement)) return n;
	}
	throw new Error(`not reached in ${cap} presses`);
}

test('setting up a session: none, a filter by type, the count kept current, the heading by mode, the last choice remembered', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	await teacher.goto('/host?kit=hitting-rock-bottom');
	const legend = teacher.locator('legend').filter({ hasText: 'Items, in the order' });
	const total = await teacher.locator('ol.items li').count();
	await expect(legend).toContainText(`(${total} of ${total} chosen)`);

	await teacher.getByRole('button', { name: 'Select none' }).click();
	await expect(legend).toContainText(`(0 of ${total} chosen)`);
	await expect(
		teacher.getByRole('button', { name: /^Create session with 0 items/ })
	).toBeDisabled();

	// The kit's 30-minute lesson plan as a preset: its items, in its order.
	const plan = teacher.getByRole('button', { name: /^30-minute lesson \(30 min, \d+ items\)$/ });
	const planned = Number(/(\d+) items/.exec((await plan.textContent()) ?? '')![1]);
	await plan.click();
	await expect(legend).toContainText(`(${planned} of ${total} chosen)`);
	await expect(teacher.locator('ol.items li').first()).toContainText('before');
	await teacher.getByRole('button', { name: 'Select none' }).click();

	// Eight single-choice questions, then three true/false questions one by one.
	await teacher.getByLabel('Show items of type').selectOption('q:single');
	const singles = teacher.locator('ol.items li:visible');
	const n = await singles.count();
	expect(n).toBeGreaterThanOrEqual(8);
	await teacher.getByRole('button', { name: 'Choose all shown' }).click();
	await expect(legend).toContainText(`(${n} of ${total} chosen)`);
	for (let i = 8; i < n; i++) await singles.nth(i).getByRole('checkbox').uncheck();
	await expect(legend).toContainText(`(8 of ${total} chosen)`);
	await teacher.getByLabel('Show items of type').selectOption('q:truefalse');
	const tf = teacher.locator('ol.items li:visible').getByRole('checkbox');
	for (let i = 0; i < 3; i++) await tf.nth(i).check();
	await expect(legend).toContainText(`(11 of ${total} chosen)`);
	await noAxeViolations(teacher);

	await teacher.getByLabel(/Homework: students work/).check();
	await expect(teacher.getByRole('heading', { level: 1 })).toHaveText('Start a homework session');
	await teacher.getByLabel(/Live: you set the pace/).check();
	await expect(teacher.getByRole('heading', { level: 1 })).toHaveText('Start a live session');

	// Left running: self-study stays open for the specs after this one (see `createSession`).
	await teacher.getByLabel('Allow self-study during this session').check();
	await teacher.getByRole('button', { name: 'Create session with 11 items' }).click();
	await expect(teacher).toHaveURL(/\/room\/[A-Z2-9]{6}\/host$/);
	await expect(teacher.getByText('item 1 of 11')).toHaveCount(0);

	// The next time, keyboard only: from the last choice to a created session in ≤ 20 presses.
	await teacher.goto('/host?kit=hitting-rock-bottom');
	await expect(legend).toContainText(`(11 of ${total} chosen)`);
	let presses = await tabTo(
		teacher,
		teacher.getByRole('button', { name: 'Your last choice (11)' })
	);
	await teacher.keyboard.press('Enter');
	presses += 1;
	presses += await tabTo(
		teacher,
		teacher.getByRole('button', { name: 'Create session with 11 items' })
	);
	await teacher.keyboard.press('Enter');
	presses += 1;
	await expect(teacher).toHaveURL(/\/room\/[A-Z2-9]{6}\/host$/);
	expect(presses).toBeLessThanOrEqual(20);
	await teacher.getByRole('button', { name: 'Lock room' }).waitFor();
	await expect(teacher.getByText(/Waiting to start/)).toBeVisible();
	// Ended, so the kit's self-study opens again for the specs after this one.
	teacher.once('dialog', (d) => void d.accept());
	await teacher.getByRole('button', { name: 'End session' }).click();
	await expect(teacher.getByText('Session ended.')).toBeAttached();
});
