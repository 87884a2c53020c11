import { test, expect } from '@playwright/test';
import {
	createSession,
	firstSingles,
	teacherPage,
	noAxeViolations,
	openProjector,
	student
} from './helpers';

test('a teacher, a projector and three students play a session to the podium', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	await teacher.goto('/host?kit=hitting-rock-bottom');
	await noAxeViolations(teacher);
	const code = await createSession(teacher, firstSingles(2), () =>
		teacher.getByLabel('Time per question').selectOption('none')
	);
	const screen = await openProjector(browser, teacher);
	await expect(screen.getByText(`${code.slice(0, 3)} ${code.slice(3)}`)).toBeVisible();

	const students = [
		await student(browser, code, 'Ada'),
		await student(browser, code, 'Ben'),
		await student(browser, code, 'Chloé')
	];
	await expect(screen.getByText('3 students have joined')).toBeVisible();
	await noAxeViolations(screen);
	await noAxeViolations(students[0]!);

	for (let q = 0; q < 2; q++) {
		await teacher.getByRole('button', { name: q === 0 ? 'Start' : 'Next item' }).click();
		// The teacher's roster starts every item with nobody answered (rows arrive as changes).
		await expect(teacher.getByRole('row', { name: /Ada/ })).toContainText('online · …');
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
			if (i === 0) {
				await expect(teacher.getByRole('row', { name: /Ada/ })).toContainText('✔ answered');
				await expect(teacher.getByRole('row', { name: /Ben/ })).toContainText('online · …');
			}
		}
		if (q === 0) await noAxeViolations(students[1]!);
		await expect(teacher.getByText('3 answered.')).toBeVisible();
		for (const name of ['Ada', 'Ben', 'Chloé'])
			await expect(teacher.getByRole('row', { name: new RegExp(name) })).toContainText(
				'✔ answered'
			);
		await teacher.getByRole('button', { name: 'Reveal' }).click();
		await expect(screen.getByText('(correct)')).toBeVisible();
		for (const [i, page] of students.entries()) {
			await expect(page.locator('p.verdict')).toBeVisible();
			// The verdict replaces "Answer saved"; the student's own answer sits beside the right one.
			await expect(page.getByText('Answer saved.')).toHaveCount(0);
			const mine = page.getByRole('definition').first();
			await expect(mine).toHaveText(new RegExp(`^${'AB'[i % 2]}\\. `));
			await expect(page.getByText('(your answer)')).toHaveCount(1);
			await expect(page.getByText(/^\d of 3 answered correctly\.$/)).toBeVisible();
			// Screen readers hear the student's own result, not just "answer revealed".
			await expect(
				page.getByText(/^(Correct\. You earned \d+ points\.|Not quite\. See the explanation\.)$/)
			).toBeAttached();
		}
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
	const teacher = await teacherPage(browser);
	await teacher.goto('/host?kit=hitting-rock-bottom');
	// Left running: self-study stays open for the specs after this one (see `createSession`).
	await teacher.getByLabel('Allow self-study during this session').check();
	await teacher.getByRole('button', { name: 'Create session', exact: true }).click();
	await expect(teacher.getByText('Waiting for students to join.')).toBeVisible();
	await teacher.reload();
	await expect(teacher.getByText('Waiting for students to join.')).toBeVisible();
	const code = /room\/([A-Z2-9]{6})/.exec(teacher.url())![1]!;
	const other = await teacherPage(browser);
	await other.goto(`/room/${code}/host#key=${'x'.repeat(32)}`);
	await expect(other.getByText('Only the teacher’s controls can do that.')).toBeVisible();
	await expect(other.getByRole('button', { name: 'Start' })).toHaveCount(0);
});

test('time accommodations: the teacher doubles one student’s time, the student can hide the countdown', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	const code = await createSession(teacher, firstSingles(1), () =>
		teacher.getByLabel('Time per question').selectOption('10')
	);
	const ada = await student(browser, code, 'Ada');
	const ben = await student(browser, code, 'Ben');
	await teacher.getByLabel('Extra time for Ada').selectOption('2');
	await expect(teacher.getByText('Extra time set for Ada.')).toBeAttached();
	const startedAt = Date.now();
	await teacher.getByRole('button', { name: 'Start' }).click();
	const left = async (page: typeof ada) =>
		Number((await page.getByText(/^\d+s left$/).textContent())?.replace('s left', ''));
	await expect(ada.getByText(/^\d+s left$/)).toBeVisible();
	expect(await left(ada)).toBeGreaterThan(12);
	expect(await left(ben)).toBeLessThanOrEqual(10);
	await ben.getByLabel('Show the countdown').uncheck();
	await expect(ben.getByText(/^\d+s left$/)).toHaveCount(0);
	await noAxeViolations(ben);
	// Ben's time runs out; Ada still has hers and can answer. Counted from the start, so a slow
	// axe run above does not eat into Ada's 20 s.
	await ben.waitForTimeout(Math.max(0, startedAt + 11_500 - Date.now()));
	await ben.getByRole('radio').first().check();
	await ben.getByRole('button', { name: 'Submit answer' }).click();
	await expect(ben.getByRole('alert')).toHaveText('Time is up for this question.');
	await ada.getByRole('radio').first().check();
	await ada.getByRole('button', { name: 'Submit answer' }).click();
	await expect(ada.getByText('✔ Answer saved.')).toBeVisible();
});
