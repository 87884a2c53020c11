import { test, expect } from '@playwright/test';
import {
	createSession,
	firstSingles,
	noAxeViolations,
	phone,
	student,
	teacherPage
} from './helpers';

test('the teacher locks the room in the lobby and reopens it after the start; focus never drops', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	const code = await createSession(teacher, firstSingles(2), () =>
		teacher.getByLabel('Time per question').selectOption('none')
	);
	await student(browser, code, 'Ada');
	const lock = teacher.getByRole('button', { name: 'Lock room' });
	await lock.click();
	await expect(teacher.getByRole('button', { name: 'Unlock room' })).toBeFocused();
	await expect(teacher.getByText('locked: nobody new can join')).toBeVisible();

	// A latecomer is refused while the room is locked.
	const ben = await phone(browser);
	await ben.goto('/join');
	await ben.getByLabel('Session code').fill(code);
	await ben.getByLabel('Nickname').fill('Ben');
	await ben.getByRole('button', { name: 'Join' }).click();
	await expect(ben.getByRole('alert')).toContainText('locked');

	// After the start the lock is still there to open.
	await teacher.getByRole('button', { name: 'Start' }).click();
	await expect(teacher.getByRole('button', { name: 'Close now' })).toBeVisible();
	await teacher.getByRole('button', { name: 'Unlock room' }).click();
	await expect(teacher.getByText('open to new students')).toBeVisible();
	await ben.getByRole('button', { name: 'Join' }).click();
	await expect(ben.getByText('Item 1 of 2 ·')).toBeVisible();
	await expect(teacher.getByRole('row', { name: /Ben/ })).toBeVisible();

	// A control that goes away hands the focus to the next step's main button.
	await teacher.getByRole('button', { name: 'Close now' }).focus();
	await teacher.keyboard.press('Enter');
	await expect(teacher.getByRole('button', { name: 'Reveal' })).toBeFocused();
	await teacher.keyboard.press('Enter');
	await expect(teacher.getByRole('button', { name: 'Next item' })).toBeFocused();
	await noAxeViolations(teacher);
	// And re-locks mid-session.
	await teacher.getByRole('button', { name: 'Lock room' }).click();
	await expect(teacher.getByText('locked: nobody new can join')).toBeVisible();
	const cleo = await phone(browser);
	await cleo.goto('/join');
	await cleo.getByLabel('Session code').fill(code);
	await cleo.getByLabel('Nickname').fill('Cleo');
	await cleo.getByRole('button', { name: 'Join' }).click();
	await expect(cleo.getByRole('alert')).toContainText('locked');
});

test('a wrong code returns to the join form with the nickname kept and the code field focused', async ({
	browser
}) => {
	const page = await phone(browser);
	await page.goto('/join');
	await page.getByLabel('Session code').fill('zzz999');
	await page.getByLabel('Nickname').fill('Chloé');
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page).toHaveURL(/\/join\?/);
	await expect(page.getByRole('alert')).toContainText('There is no session with the code ZZZ999');
	await expect(page.getByLabel('Nickname')).toHaveValue('Chloé');
	await expect(page.getByLabel('Session code')).toBeFocused();
	await expect(page.getByLabel('Session code')).toHaveValue('ZZZ999');
	await noAxeViolations(page);
});
