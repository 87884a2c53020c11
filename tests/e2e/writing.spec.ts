import { test, expect } from '@playwright/test';
import { createSession, noAxeViolations, openProjector, student, teacherPage } from './helpers';

const ESSAY =
	'It was a bold move. Paragraph 16 calls it one, and moving first spared Moscow a weaker start.';

test('a student writes with the rubric in view; only the teacher reads it', async ({ browser }) => {
	const teacher = await teacherPage(browser);
	const code = await createSession(teacher, (text) => text.includes('Poll · Written response'));
	const screen = await openProjector(browser, teacher);
	const ada = await student(browser, code, 'Ada');
	const ben = await student(browser, code, 'Ben');
	await teacher.getByRole('button', { name: 'Start' }).click();

	await expect(ada.getByText('What your teacher looks for')).toBeVisible();
	await expect(ada.getByText('Answers the strongest point on the other side.')).toBeVisible();
	const box = ada.getByLabel('Your response');
	await box.fill(ESSAY);
	await expect(ada.getByText('18 words (aim for at least 150)')).toBeVisible();
	await noAxeViolations(ada);
	await ada.getByRole('button', { name: 'Send' }).click();
	await expect(ada.getByText('Answer saved.').first()).toBeVisible();

	const written = teacher.getByRole('region', { name: 'Written responses' });
	await expect(written).toContainText('Ada');
	await expect(written).toContainText(ESSAY);
	await noAxeViolations(teacher);
	await expect(screen.getByText('1 of 2 answered')).toBeVisible();
	await expect(screen.getByText(ESSAY)).toHaveCount(0);
	await expect(ben.getByText(ESSAY)).toHaveCount(0);
});
