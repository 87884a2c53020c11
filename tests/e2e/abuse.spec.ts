/**
 * Issue 12 in a real browser: the key stays off self-study while a session runs; the join check
 * and bulk remove keep bots out, and a removed student stays out; everything a student types is
 * shown as text on the student, teacher and projector pages.
 */
import { test, expect, type Page } from '@playwright/test';
import { createSession, openProjector, phone, student, teacherPage } from './helpers';

const SLUG = 'hitting-rock-bottom';
const KEY_FIELDS = ['"answer"', '"accept"', '"explanation"'];

test('self-study keeps its key on the server while a session runs, and opens at its end', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	await createSession(
		teacher,
		(label) => label.includes('Question'),
		() => teacher.getByLabel('Allow self-study during this session').uncheck()
	);
	const data = await (await teacher.request.get(`/study/${SLUG}/__data.json`)).text();
	for (const f of KEY_FIELDS) expect(data).not.toContain(f);
	const pupil = await phone(browser);
	await pupil.goto(`/study/${SLUG}`);
	await expect(pupil.getByRole('status')).toContainText('opens when the session ends');
	await expect(pupil.locator('[data-question-type]')).toHaveCount(0);

	teacher.once('dialog', (d) => void d.accept());
	await teacher.getByRole('button', { name: 'End session' }).click();
	await expect(teacher.getByRole('heading', { name: 'Session ended' })).toBeVisible();
	const after = await (await teacher.request.get(`/study/${SLUG}/__data.json`)).text();
	expect(after).toContain('"explanation"');
	await pupil.goto(`/study/${SLUG}`);
	await expect(pupil.locator('.study[data-ready]')).toBeAttached();
	await expect(pupil.getByText(/opens when the session ends/)).toHaveCount(0);
});

test('the join check and bulk remove keep bots out; a removed student stays out', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	const code = await createSession(
		teacher,
		(label) => label.includes('Poll · Your argument in one sentence'),
		() => teacher.getByLabel(/Join check: students also type/).check()
	);
	const screen = await openProjector(browser, teacher);
	const shown = screen.getByTestId('join-check');
	await expect(shown).toContainText(/\d{4}/);

	const bot = await phone(browser);
	await bot.goto(`/room/${code}`);
	await bot.getByLabel('Your nickname').fill('Bot 1');
	await bot.getByLabel('Join check (the 4 digits on the board)').fill('0000');
	// Read the check off the wall, as a student in the room would (it may just have changed: the
	// previous one is still accepted).
	const pupil = await phone(browser);
	await pupil.goto(`/room/${code}`);
	await pupil.getByLabel('Your nickname').fill('Nadia');
	const check = /\d{4}/.exec((await shown.textContent()) ?? '')![0];
	await pupil.getByLabel('Join check (the 4 digits on the board)').fill(check);
	await pupil.getByRole('button', { name: 'Join' }).click();
	await expect(pupil.getByRole('heading', { name: 'You’re in!' })).toBeVisible();
	if (check !== '0000') {
		await bot.getByRole('button', { name: 'Join' }).click();
		await expect(bot.getByRole('alert')).toContainText('Type the 4-digit check shown on the board');
	}

	// The teacher turns the check off, a flood of "students" arrives, and goes again.
	await teacher.getByText('Remove many · join check').click();
	await teacher.getByLabel(/Join check: new students/).uncheck();
	await expect(screen.getByTestId('join-check')).toHaveCount(0);
	const bots = [await student(browser, code, 'Bot A'), await student(browser, code, 'Bot B')];
	await expect(teacher.getByRole('row', { name: /Bot B/ })).toBeVisible();
	await teacher.getByLabel('Bot A', { exact: true }).check();
	await teacher.getByLabel('Bot B', { exact: true }).check();
	await teacher.getByRole('button', { name: 'Remove selected…' }).click();
	await teacher.getByRole('button', { name: 'Yes, remove 2' }).click();
	for (const b of bots)
		await expect(b.getByRole('heading', { name: 'You have left this session' })).toBeVisible();
	await expect(teacher.getByRole('row', { name: /Bot A/ })).toHaveCount(0);
	await expect(teacher.getByRole('row', { name: /Nadia/ })).toBeVisible();

	// Back under a new name from the same browser: refused.
	await bots[0]!.goto(`/room/${code}`);
	await bots[0]!.getByLabel('Your nickname').fill('Totally New');
	await bots[0]!.getByRole('button', { name: 'Join' }).click();
	await expect(bots[0]!.getByRole('heading', { name: 'You have left this session' })).toBeVisible();
	await expect(teacher.getByRole('row', { name: /Totally New/ })).toHaveCount(0);

	// "Everyone who joined in the last 15 seconds": the newest joiner only.
	const late = await student(browser, code, 'Bot C');
	await teacher.getByLabel('Joined in the last').selectOption('15');
	await teacher.getByRole('button', { name: 'Remove recent joiners…' }).click();
	await teacher.getByRole('button', { name: 'Yes, remove them' }).click();
	await expect(late.getByRole('heading', { name: 'You have left this session' })).toBeVisible();
	await expect(teacher.getByRole('row', { name: /Bot C/ })).toHaveCount(0);
});

const HOSTILE_NAMES = ['<img src=x onerror=a()>', '{{7*7}}', '=HYPERLINK("http://x")'];
const HOSTILE_TEXT =
	'<img src=x onerror=alert(1)> {{7*7}} =HYPERLINK("http://x") <script>alert(2)</script>';

/** Fails the test on any dialog (an injected `alert`), and checks nothing was injected. */
function watch(page: Page, dialogs: string[]) {
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
}
async function nothingInjected(page: Page) {
	expect(
		await page.evaluate(
			() => document.querySelectorAll('img[src="x"], img[onerror], main script').length
		)
	).toBe(0);
}

test('everything a student types is shown as text on every page', async ({ browser }) => {
	const dialogs: string[] = [];
	const teacher = await teacherPage(browser);
	watch(teacher, dialogs);
	const code = await createSession(
		teacher,
		(label) => label.includes('Poll · Your argument in one sentence'),
		() => teacher.getByLabel('Show names on the projector').check()
	);
	const screen = await openProjector(browser, teacher);
	watch(screen, dialogs);

	const students: Page[] = [];
	for (const name of HOSTILE_NAMES) {
		const page = await student(browser, code, name);
		watch(page, dialogs);
		await expect(page.getByText(name, { exact: true })).toBeVisible();
		students.push(page);
	}
	// Invisible and direction-changing characters are stripped: shown as the plain name.
	const rita = await phone(browser);
	watch(rita, dialogs);
	await rita.goto(`/room/${code}`);
	await rita.getByLabel('Your nickname').fill('\u202eRita\u200b');
	await rita.getByRole('button', { name: 'Join' }).click();
	await expect(rita.getByRole('heading', { name: 'You’re in!' })).toBeVisible();
	await expect(rita.getByText('Rita', { exact: true })).toBeVisible();
	// A name far too long is refused with a sentence, not cut or mangled.
	const essay = await phone(browser);
	await essay.goto(`/room/${code}`);
	await essay.getByLabel('Your nickname').fill('x'.repeat(10_000));
	await essay.getByRole('button', { name: 'Join' }).click();
	await expect(essay.getByRole('alert')).toHaveText(
		'That nickname is too long: use at most 24 characters.'
	);

	for (const name of HOSTILE_NAMES)
		await expect(teacher.getByRole('rowheader', { name, exact: true })).toBeVisible();
	await expect(teacher.getByRole('rowheader', { name: 'Rita', exact: true })).toHaveText('Rita');
	await expect(screen.getByText('4 students have joined')).toBeVisible();

	await teacher.getByRole('button', { name: 'Start' }).click();
	const writer = students[0]!;
	await expect(writer.getByText(/Your argument in one sentence/).first()).toBeVisible();
	await writer.getByRole('radio', { name: 'For the claim' }).check();
	await writer.getByLabel('Your argument in one sentence').fill(HOSTILE_TEXT);
	await writer.getByRole('button', { name: 'Send' }).click();
	await expect(writer.getByText('Answer saved.').first()).toBeVisible();
	const item = teacher.getByRole('listitem').filter({ hasText: HOSTILE_TEXT });
	await expect(item).toBeVisible();
	await item.getByRole('button', { name: 'Approve' }).click();
	await expect(screen.getByText(HOSTILE_TEXT)).toBeVisible();
	await expect(screen.getByText(HOSTILE_NAMES[0]!)).toBeVisible();
	await expect(students[1]!.getByText(HOSTILE_TEXT)).toBeVisible();
	// The template was shown as written, never evaluated (`\b`: the room code may hold "49").
	await expect(screen.getByText(HOSTILE_TEXT)).toContainText('{{7*7}}');
	await expect(screen.getByText(/\b49\b/)).toHaveCount(0);

	for (const page of [teacher, screen, rita, ...students]) await nothingInjected(page);
	expect(dialogs).toEqual([]);
});
