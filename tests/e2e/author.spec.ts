import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import writeXlsxFile from 'write-excel-file/node';
import { noAxeViolations, phone, student, teacherPage } from './helpers';

const TEXT = [
	'The river rose fast in the night. By morning the old bridge was under water.',
	'Nobody was hurt. The mayor thanked the volunteers who filled sandbags until dawn.',
	'Engineers now say the levee must be raised before next spring.'
].join('\n\n');

/** Selects `sentence` in the reading beside the form, as a mouse drag over it would. */
async function selectInReading(page: Page, sentence: string) {
	await page.locator('aside.reading .text').evaluate((pane, s) => {
		const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const at = node.textContent?.indexOf(s) ?? -1;
			if (at < 0) continue;
			const range = document.createRange();
			range.setStart(node, at);
			range.setEnd(node, at + s.length);
			const sel = document.getSelection()!;
			sel.removeAllRanges();
			sel.addRange(range);
			return;
		}
		throw new Error(`not in the reading: ${s}`);
	}, sentence);
	await page.getByRole('button', { name: 'Use the selected text' }).click();
}

test('a new kit written by keyboard, evidence picked in the reading, saved and hosted live', async ({
	browser
}) => {
	const page = await teacherPage(browser);
	await page.goto('/author');
	await expect(page.getByRole('heading', { name: 'Your kits' })).toBeVisible();
	await expect(page.getByRole('heading', { name: /Hitting Rock Bottom/ })).toBeVisible();
	await noAxeViolations(page);

	await page.getByRole('link', { name: 'Write a new kit' }).click();
	await page.getByLabel('Or paste the text').fill(TEXT);
	await noAxeViolations(page);
	await page.getByRole('button', { name: 'Continue' }).click();

	// The details, by keyboard: each field filled, Tab to the next.
	await page.getByLabel('Title', { exact: true }).fill('The Night the River Rose');
	await expect(page.getByLabel('Kit name (its folder under the kits folder)')).toHaveValue(
		'the-night-the-river-rose'
	);
	await page.getByLabel('Author', { exact: true }).fill('A. Reporter');
	await page.getByLabel('Published (or delivered)').fill('2024-05-01');
	await page.getByLabel('Credit line').fill('Written for the Quorum tests.');
	await expect(page.locator('aside.reading')).toContainText('Nobody was hurt.');
	await page.getByLabel('Summary (shown in the library)').fill('A town floods; nobody is hurt.');

	// A key point, its evidence selected in the reading.
	await page.getByRole('button', { name: 'Add a key point' }).click();
	await page.getByLabel('Key point', { exact: true }).fill('Nobody was hurt in the flood.');
	await page.getByLabel('Evidence quote 1', { exact: true }).focus();
	await selectInReading(page, 'Nobody was hurt.');
	await expect(page.getByLabel('Evidence quote 1', { exact: true })).toHaveValue(
		'Nobody was hurt.'
	);
	await expect(page.getByText('Found in paragraph 2.')).toBeVisible();

	// A true/false question, all by keyboard.
	await page.getByLabel('New question').selectOption({ label: 'True or false' });
	await page.getByRole('button', { name: 'Add the question' }).press('Enter');
	const q1 = page.getByRole('region', { name: 'Question 1 · True or false' });
	await q1.getByLabel('Prompt', { exact: true }).fill('Somebody was hurt in the flood.');
	await expect(q1.getByLabel('Id', { exact: true })).toHaveValue('somebody-was-hurt-in-the-flood');
	await q1.getByLabel('False', { exact: true }).check();
	await q1.getByLabel(/^Explanation/).fill('The article says nobody was hurt.');
	// A quote typed wrong is named at once, in plain words.
	await q1.getByLabel('Evidence quote 1', { exact: true }).fill('Nobody got hurt.');
	await expect(q1.getByText(/quote not found in the reading/)).toBeVisible();
	await q1.getByLabel('Evidence quote 1', { exact: true }).focus();
	await selectInReading(page, 'Nobody was hurt.');
	await expect(q1.getByText(/quote not found/)).toHaveCount(0);

	// An ordering question, reordered by keyboard.
	await page.getByLabel('New question').selectOption({ label: 'Put in order' });
	await page.getByRole('button', { name: 'Add the question' }).click();
	const q2 = page.getByRole('region', { name: 'Question 2 · Put in order' });
	await q2.getByLabel('Prompt', { exact: true }).fill('Put the events in order.');
	await q2.getByLabel('Item 1', { exact: true }).fill('The bridge was under water');
	await q2.getByLabel('Item 2', { exact: true }).fill('The river rose');
	await q2.getByLabel('Item 3', { exact: true }).fill('Engineers spoke of the levee');
	await q2.getByRole('button', { name: 'Move Item 1 down' }).press('Enter');
	await expect(q2.getByLabel('Item 1', { exact: true })).toHaveValue('The river rose');
	await expect(q2.getByLabel('Item 2', { exact: true })).toHaveValue('The bridge was under water');
	await q2.getByLabel(/^Explanation/).fill('The river rose first, then the bridge went under.');
	await q2.getByLabel('Evidence quote 1', { exact: true }).focus();
	await selectInReading(page, 'By morning the old bridge was under water.');

	// A poll.
	await page.getByLabel('New poll').selectOption('scale');
	await page.getByRole('button', { name: 'Add the poll' }).click();
	const p1 = page.getByRole('region', { name: 'Poll 1 · Agreement scale' });
	await p1.getByLabel('Prompt', { exact: true }).fill('Should the levee be raised?');
	await p1
		.getByLabel('Claim', { exact: true })
		.fill('The town must raise the levee before spring.');

	await expect(page.getByText('No problems found as you typed.')).toBeVisible();
	await noAxeViolations(page);

	// Preview before saving: the self-study card, answerable, and the projector at the reveal.
	await page.getByRole('button', { name: 'Preview' }).click();
	await expect(page.getByLabel('Question to preview')).toHaveValue('0');
	const study = page.locator('.pane').filter({ hasText: 'In self-study' });
	await study.getByRole('radio', { name: 'False' }).check();
	await study.getByRole('button', { name: 'Check answer' }).click();
	await expect(study.getByText('Correct')).toBeVisible();
	const screen = page.locator('.pane').filter({ hasText: 'On the projector' });
	await expect(screen.getByText('Somebody was hurt in the flood.')).toBeVisible();
	await expect(screen.getByRole('region', { name: 'The answer' })).toContainText(
		'Nobody was hurt.'
	);
	// A poll too: the self-study reflection and the live room's form on a phone.
	const pollPreview = page.getByRole('region', { name: 'Preview a poll' });
	await expect(pollPreview.getByLabel('Poll to preview')).toHaveValue('0');
	await expect(
		pollPreview.getByText('The town must raise the levee before spring.').first()
	).toBeVisible();
	const phonePane = pollPreview.locator('.pane').filter({ hasText: 'On a phone' });
	await phonePane.getByRole('radio', { name: 'Agree', exact: true }).check();
	await phonePane.getByRole('button', { name: 'Send' }).click();
	await expect(phonePane.getByRole('status')).toContainText('Nothing is saved here');
	await noAxeViolations(page);
	await page.getByRole('button', { name: 'Forms' }).click();

	await page.getByRole('button', { name: 'Save the kit' }).click();
	await expect(page.getByText(/Saved\. Students can open it now/)).toBeVisible();

	// Served at once: the library lists it, and it is hosted live.
	await page.goto('/');
	await expect(
		page.getByRole('link', { name: 'The Night the River Rose', exact: true })
	).toBeVisible();
	await page.goto('/host?kit=the-night-the-river-rose');
	await expect(page.getByText('Somebody was hurt in the flood.')).toBeVisible();
	await page.getByRole('button', { name: 'Create session', exact: true }).click();
	await expect(page).toHaveURL(/\/room\/[A-Z2-9]{6}\/host$/);
	const code = /room\/([A-Z2-9]{6})/.exec(page.url())![1]!;
	const ada = await student(browser, code, 'Ada');
	await page.getByRole('button', { name: 'Start' }).click();
	await expect(ada.getByText('Somebody was hurt in the flood.')).toBeVisible();

	// Back in the editor the kit opens as saved.
	await page.goto('/author/the-night-the-river-rose');
	await expect(
		page
			.getByRole('region', { name: 'Question 1 · True or false' })
			.getByLabel('Prompt', { exact: true })
	).toHaveValue('Somebody was hurt in the flood.');
	await noAxeViolations(page);

	// Questions from Moodle come in needing a quote, with the reading's closest sentences offered.
	await page.getByText(/^Import questions from Moodle/).click();
	await page
		.getByLabel('Or paste it')
		.fill('Who thanked the volunteers?\nA. The mayor\nB. The engineers\nANSWER: A\n');
	await page.getByRole('button', { name: 'Import the questions' }).click();
	await expect(page.getByText('1 question imported.')).toBeVisible();
	const needs = page.getByRole('region', { name: 'Needs a quote' });
	await expect(needs).toContainText('Who thanked the volunteers?');
	await needs
		.getByRole('button', { name: /Use “The mayor thanked the volunteers who filled sandbags/ })
		.click();
	await expect(needs).toHaveCount(0);
	await expect(
		page.getByRole('region', { name: 'Question 3 · Choose one' }).getByLabel('Evidence quote 1', {
			exact: true
		})
	).toHaveValue('The mayor thanked the volunteers who filled sandbags until dawn.');
	// A Kahoot! quiz template, read in the browser.
	const sheet = join(mkdtempSync(join(tmpdir(), 'quorum-kahoot-')), 'quiz.xlsx');
	await writeXlsxFile(
		[
			[
				'Question - max 120 characters',
				'Answer 1 - max 75 characters',
				'Answer 2 - max 75 characters',
				'Time limit (sec)',
				'Correct answer(s) - choose at least one'
			],
			['What must be raised before spring?', 'The levee', 'The bridge', 20, '1']
		].map((row) => row.map((value) => ({ value })))
	).toFile(sheet);
	await page.getByLabel(/Kahoot! quiz template/).setInputFiles(sheet);
	await page.getByRole('button', { name: 'Import the questions' }).click();
	await expect(needs).toContainText('What must be raised before spring?');
	await needs
		.getByRole('button', { name: /Use “Engineers now say the levee must be raised/ })
		.click();
	await expect(needs).toHaveCount(0);
	await noAxeViolations(page);

	// The raw file, with the loader's problems at their lines.
	await page.getByRole('button', { name: 'kit.yaml' }).click();
	await expect(
		page.getByText(/^Line \d+: questions\[2\]\.explanation: is required but missing$/)
	).toBeVisible();
	await page.locator('.cm-content').click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type('\nbogus: 1');
	await expect(page.getByText(/Line \d+: bogus: is not a known field/)).toBeVisible();
	await expect(page.locator('.cm-lintRange-error').first()).toBeVisible();
	await noAxeViolations(page);

	// Exports for Moodle and the whole kit as a .zip.
	const gift = await page.request.get(
		'/author/api/export?slug=the-night-the-river-rose&format=gift'
	);
	expect(await gift.text()).toContain('Somebody was hurt in the flood.');
	const zip = await page.request.get('/author/api/export?slug=the-night-the-river-rose&format=zip');
	expect(zip.headers()['content-type']).toBe('application/zip');
	expect((await zip.body()).subarray(0, 2).toString()).toBe('PK');
});

test('a kit with problems is kept as a draft, listed for the teacher only; delete asks first', async ({
	browser
}) => {
	const page = await teacherPage(browser);
	await page.goto('/author/new');
	await page.getByLabel('Or paste the text').fill(TEXT);
	await page.getByRole('button', { name: 'Continue' }).click();
	await page.getByLabel('Title', { exact: true }).fill('Half Written');
	await expect(page.getByText(/problems? to fix/)).toBeVisible();
	await page.getByRole('button', { name: 'Save the kit' }).click();
	await expect(page.getByText(/Saved as a draft: the kit has problems/)).toBeVisible();

	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(page.getByText('half-written')).toHaveCount(0);
	await page.goto('/author');
	const item = page.getByRole('listitem').filter({ hasText: 'half-written · draft' });
	await expect(item).toBeVisible();
	await item.locator('summary').click();
	await item.getByRole('button', { name: 'Delete “Half Written” for good' }).click();
	await expect(page.getByText('Deleted “half-written”.')).toBeVisible();
	await expect(page.getByText('half-written · draft')).toHaveCount(0);
});

test('the editor, its requests and its actions are behind the teacher’s gate', async ({
	browser
}) => {
	const stranger = await phone(browser);
	for (const path of ['/author', '/author/new', '/author/hitting-rock-bottom']) {
		await stranger.goto(path);
		await expect(stranger).toHaveURL(`/teacher?next=${encodeURIComponent(path)}`);
	}
	const origin = new URL(stranger.url()).origin;
	const refused = async (method: 'get' | 'post', path: string, data?: object) => {
		const res = await stranger.request[method](path, {
			...(method === 'post' ? { data, headers: { origin } } : {}),
			maxRedirects: 0
		});
		expect(res.status(), path).toBe(303);
		expect(res.headers()['location']).toMatch(/^\/teacher\?next=/);
	};
	await refused('post', '/author/api/save', {
		slug: 'x',
		isNew: true,
		meta: {},
		body: '',
		kit: {}
	});
	await refused('post', '/author/api/render', { meta: {}, body: 'x' });
	await refused('post', '/author/api/check', { slug: 'x', meta: {}, body: '', kitYaml: '' });
	await refused('get', '/author/api/export?slug=hitting-rock-bottom&format=zip');
	const deleted = await stranger.request.post('/author?/delete', {
		form: { slug: 'hitting-rock-bottom' },
		headers: { origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(deleted.status()).toBe(303);
	await stranger.goto('/');
	await expect(stranger.getByRole('heading', { name: /Hitting Rock Bottom/ })).toBeVisible();

	// Even the teacher cannot name a folder outside the kits folder.
	const teacher = await teacherPage(browser);
	const res = await teacher.request.post('/author/api/save', {
		data: { slug: '../escape', isNew: true, meta: {}, body: 'x', kit: {} },
		headers: { origin }
	});
	expect(await res.json()).toMatchObject({ ok: false, message: /lowercase letters/ });
});
