/** The teacher guide (behind the gate, printable) and the item notes in the teacher's controls. */
import { expect, test } from '@playwright/test';
import {
	createSession,
	laptop,
	noAxeViolations,
	openProjector,
	student,
	teacherPage
} from './helpers';

const GUIDE = '/guide/hitting-rock-bottom';

test('a browser that has not passed the teacher gate is sent to /teacher, never shown the key', async ({
	browser
}) => {
	const page = await laptop(browser);
	await page.goto(GUIDE);
	await expect(page).toHaveURL(/\/teacher\?next=%2Fguide%2Fhitting-rock-bottom$/);
	await expect(page.getByText('Questions and answer key')).toHaveCount(0);
});

test('the guide shows keys, evidence links, notes, plans and readability, prints, and is axe clean', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	await teacher.goto('/');
	await teacher
		.getByRole('link', { name: /Teacher guide/ })
		.first()
		.click();
	await expect(teacher).toHaveURL(new RegExp(`${GUIDE}$`));
	await expect(teacher.getByRole('heading', { level: 1 })).toHaveText(/Hitting Rock Bottom/);
	await expect(teacher.getByRole('heading', { name: 'Questions and answer key' })).toBeVisible();

	const seq = teacher.locator('#item-sequence-of-events');
	await expect(seq.getByText(/^Answer:/)).toBeVisible();
	await expect(seq.getByText('Teacher notes')).toBeVisible();
	await expect(seq.getByRole('link', { name: /^paragraph \d+$/ }).first()).toHaveAttribute(
		'href',
		/\/read\/hitting-rock-bottom#p-\d+$/
	);
	await expect(teacher.getByRole('region', { name: '45-minute lesson' })).toBeVisible();
	await expect(teacher.getByLabel('Readability')).toContainText('grade');
	await expect(teacher.getByRole('heading', { name: 'Read alongside', exact: true })).toBeVisible();
	await noAxeViolations(teacher);

	// Printed: the site bar and the print button drop out, the key and notes stay.
	await teacher.emulateMedia({ media: 'print' });
	await expect(teacher.getByRole('button', { name: 'Print the guide' })).toBeHidden();
	await expect(seq.getByText('Teacher notes')).toBeVisible();
	const pdf = await teacher.pdf({ format: 'A4' });
	expect(pdf.byteLength).toBeGreaterThan(50_000);
});

test('the notes for the current item are in the teacher controls, not on the phone or the projector', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	await expect(teacher.getByRole('link', { name: 'Teacher guide for this kit' })).toBeVisible();
	const code = await createSession(teacher, (label) =>
		label.includes('in what order did these events happen')
	);
	const ada = await student(browser, code, 'Ada');
	const screen = await openProjector(browser, teacher);
	await teacher.getByRole('button', { name: 'Start' }).click();

	const notes = teacher.getByRole('complementary', { name: /Notes for this item/ });
	await expect(notes).toContainText('order in which things happened');
	await noAxeViolations(teacher);
	await expect(ada.getByText(/in what order did these events happen/)).toBeVisible();
	await expect(screen.getByText(/in what order did these events happen/)).toBeVisible();
	for (const page of [ada, screen]) {
		await expect(page.getByText('Notes for this item')).toHaveCount(0);
		expect(await page.content()).not.toContain('order in which things happened, not the order');
	}
});
