import { test, expect, type Page } from '@playwright/test';
import { createSession, firstSingles, noAxeViolations, phone, teacherPage } from './helpers';

/** Answers the current single-choice item with its first choice, then moves on. */
async function answerAndNext(page: Page) {
	await page.getByRole('radio').first().check();
	await page.getByRole('button', { name: 'Submit answer' }).click();
	await expect(page.locator('p.verdict')).toBeVisible();
	await page.getByRole('button', { name: /Next item|Finish/ }).click();
}

test('a homework session: two students at different points, the teacher watching, a review link on another device', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	const code = await createSession(teacher, firstSingles(3), () =>
		teacher.getByLabel(/Homework: students work/).check()
	);

	const ada = await phone(browser);
	await ada.goto(`/room/${code}?name=Ada`);
	await expect(ada.getByRole('heading', { name: 'You’re in!' })).toBeVisible();
	const ben = await phone(browser);
	await ben.goto(`/room/${code}?name=Ben`);
	await expect(ben.getByRole('heading', { name: 'You’re in!' })).toBeVisible();
	await teacher.getByRole('button', { name: 'Start' }).click();
	await expect(teacher.getByRole('heading', { name: 'Homework in progress' })).toBeVisible();

	await expect(ada.getByText('Item 1 of 3 ·')).toBeVisible();
	await noAxeViolations(ada);
	await answerAndNext(ada);
	await expect(ada.getByText('Item 2 of 3 ·')).toBeVisible();
	await answerAndNext(ada);
	await answerAndNext(ben);

	// The teacher sees who is on which item.
	await expect(teacher.getByRole('row', { name: /Ada/ })).toContainText('3 of 3');
	await expect(teacher.getByRole('row', { name: /Ben/ })).toContainText('2 of 3');
	await noAxeViolations(teacher);

	// Ada reloads and resumes where she was.
	await ada.reload();
	await expect(ada.getByText('Item 3 of 3 ·')).toBeVisible();

	// On a second device (another browser context), her resume code takes her place.
	const resume = (await ada.locator('.resume .code').textContent())!;
	expect(resume).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
	const laptop = await phone(browser);
	await laptop.goto(`/room/${code}`);
	await laptop.getByText('Joined already on another device?').click();
	await laptop.getByLabel('Your resume code').fill(resume.toLowerCase());
	await laptop.getByRole('button', { name: 'Resume' }).click();
	await expect(laptop.getByText('Item 3 of 3 ·')).toBeVisible();
	await expect(laptop.getByText(/^Ada ·/)).toBeVisible();
	await expect(laptop.locator('.resume .code')).toHaveText(resume);
	await noAxeViolations(laptop);
	await answerAndNext(ada);
	await expect(ada.getByRole('heading', { name: 'All done!' })).toBeVisible();
	await expect(teacher.getByText('1 of 2 finished')).toBeVisible();

	// The review link opens in a fresh browser (another device) and shows only her misses.
	const href = await ada.getByRole('link', { name: 'Review what I missed' }).getAttribute('href');
	expect(href).toMatch(/^\/review\/[\w-]{20,}$/);
	const other = await phone(browser);
	await other.goto(href!);
	await expect(other.getByRole('heading', { name: 'What to look at again' })).toBeVisible();
	await expect(other.getByText(/of 3 correct/)).toBeVisible();
	await noAxeViolations(other);
	const missed = await other.locator('ol.missed > li').count();
	if (missed > 0) {
		await expect(other.getByRole('link', { name: /Read it in paragraph/ }).first()).toBeVisible();
		await other.getByRole('button', { name: /Add these/ }).click();
		await expect(other.getByText(/to your review queue on this device/)).toBeVisible();
	}
	const missing = await phone(browser);
	const res = await missing.goto('/review/not-a-real-token-aaaaaaaaaaaa');
	expect(res?.status()).toBe(404);
});
