/**
 * The teacher's report end to end: a session played in the browser, the report opened from the
 * controls after the end, the CSV downloaded and read back, print emulation, no JavaScript, axe,
 * and the report closed to every browser without the gate or the host key.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { readCsv } from '../unit/csv-reader';
import {
	createSession,
	firstSingles,
	laptop,
	noAxeViolations,
	student,
	teacherPage
} from './helpers';

const HOSTILE = '=HYPERLINK("http://x")';

/** A fresh browser holding only the given cookies (none: a stranger). */
async function browserWith(
	browser: Browser,
	cookies: Awaited<ReturnType<ReturnType<Page['context']>['cookies']>> = [],
	javaScriptEnabled = true
): Promise<Page> {
	const ctx = await browser.newContext({
		viewport: { width: 1280, height: 800 },
		javaScriptEnabled
	});
	await ctx.addCookies(cookies);
	return ctx.newPage();
}

test('the report opens from the controls after the end, exports, prints and stays private', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	const code = await createSession(teacher, firstSingles(2), () =>
		teacher.getByLabel('Time per question').selectOption('none')
	);
	await expect(teacher.getByRole('button', { name: 'Open the report' })).toHaveCount(0);
	const ada = await student(browser, code, 'Ada');
	const hostile = await student(browser, code, HOSTILE);
	for (let q = 0; q < 2; q++) {
		await teacher.getByRole('button', { name: q === 0 ? 'Start' : 'Next item' }).click();
		for (const [i, page] of [ada, hostile].entries()) {
			await expect(page.getByText(`Item ${q + 1} of 2 ·`)).toBeVisible();
			// Ada picks A then B; the other student B then A.
			await page
				.getByRole('radio')
				.nth((q + i) % 2)
				.check();
			await page.getByRole('button', { name: 'Submit answer' }).click();
			await expect(page.getByText('Answer saved.').first()).toBeVisible();
		}
		await expect(teacher.getByText('2 answered.')).toBeVisible();
		await teacher.getByRole('button', { name: 'Reveal' }).click();
		await expect(ada.locator('p.verdict')).toBeVisible();
	}
	await teacher.getByRole('button', { name: 'Finish' }).click();
	await expect(teacher.getByRole('heading', { name: 'Session ended' })).toBeVisible();

	// From the controls: the host key is posted, never put in the URL.
	const requests: string[] = [];
	teacher.on('request', (r) => requests.push(r.url()));
	await teacher.getByRole('button', { name: 'Open the report' }).click();
	await expect(teacher).toHaveURL(new RegExp(`/reports/${code}$`));
	await expect(teacher.getByRole('heading', { level: 1, name: /Report:/ })).toBeVisible();
	expect(requests.some((u) => /key=|hostToken/.test(u))).toBe(false);
	const reportCookie = (await teacher.context().cookies()).find(
		(c) => c.name === `quorum_report_${code}`
	)!;
	expect(reportCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/reports' });

	// The report: both questions, both students, a flag for whoever is under the threshold.
	const questions = teacher.locator('article[id^="q-"]');
	await expect(questions).toHaveCount(2);
	await expect(teacher.getByRole('row', { name: /Ada/ })).toBeVisible();
	await expect(teacher.getByRole('row', { name: /HYPERLINK/ })).toBeVisible();
	await expect(teacher.getByRole('link', { name: /Read it in/ }).first()).toBeVisible();
	await noAxeViolations(teacher);

	// The threshold: at 0 % nobody needs help; at 100 % everyone not perfect does.
	await teacher.getByLabel('Flag students whose accuracy is below (%)').fill('0');
	await teacher.getByRole('button', { name: 'Update' }).click();
	await expect(teacher).toHaveURL(/help=0$/);
	await expect(teacher.getByText('Needs help', { exact: true })).toHaveCount(0);

	// The CSV, downloaded and read back: one row per student per item, the formula made inert.
	const [download] = await Promise.all([
		teacher.waitForEvent('download'),
		teacher.getByRole('link', { name: 'Download answers (CSV)' }).click()
	]);
	const rows = readCsv(readFileSync((await download.path())!, 'utf8'));
	expect(rows[0]!.slice(0, 3)).toEqual(['nickname', 'position', 'item_id']);
	expect(rows.slice(1).map((r) => [r[0], r[1], r[6]])).toEqual([
		['Ada', '1', 'yes'],
		['Ada', '2', 'yes'],
		[`'${HOSTILE}`, '1', 'yes'],
		[`'${HOSTILE}`, '2', 'yes']
	]);
	// Ada answered A then B, the other B then A: the responses read back letter first.
	expect(rows.slice(1).map((r) => r[7]!.slice(0, 2))).toEqual(['A.', 'B.', 'B.', 'A.']);
	const [summary] = await Promise.all([
		teacher.waitForEvent('download'),
		teacher.getByRole('link', { name: 'Download student summary (CSV)' }).click()
	]);
	expect(readCsv(readFileSync((await summary.path())!, 'utf8')).map((r) => r[0])).toEqual([
		'nickname',
		'Ada',
		`'${HOSTILE}`
	]);

	// A student's row opens what their review shows.
	await teacher.getByRole('link', { name: 'Ada', exact: true }).click();
	await expect(teacher.getByRole('heading', { name: 'What Ada’s review shows' })).toBeVisible();
	await teacher.goBack();
	expect((await teacher.request.get(`/reports/${code}/students/__proto__`)).status()).toBe(404);

	// Print: the controls go, the sections stay, nothing wider than A4 or Letter.
	await teacher.emulateMedia({ media: 'print' });
	await expect(teacher.getByRole('link', { name: 'Download answers (CSV)' })).toBeHidden();
	await expect(teacher.getByRole('heading', { name: 'Who needs help' })).toBeVisible();
	for (const width of [794, 816]) {
		await teacher.setViewportSize({ width, height: 1123 });
		expect(await teacher.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			width
		);
	}
	await teacher.emulateMedia({ media: 'screen' });

	// The host key's cookie alone, in a browser that never passed the gate, reads it without JS.
	const noScript = await browserWith(browser, [reportCookie], false);
	await noScript.goto(`/reports/${code}`);
	await expect(noScript.getByRole('heading', { name: 'What the class understood' })).toBeVisible();
	await expect(noScript.getByRole('heading', { name: 'How the discussion went' })).toBeVisible();

	// Axe on a phone and on a laptop.
	const small = await browserWith(browser, [reportCookie]);
	await small.setViewportSize({ width: 360, height: 740 });
	await small.goto(`/reports/${code}`);
	await expect(small.getByRole('heading', { level: 1 })).toBeVisible();
	await noAxeViolations(small);

	// Everyone else: 404, for the report and both exports, whatever they hold.
	const stranger = await laptop(browser);
	const studentCookies = await hostile.context().cookies();
	const asStudent = await browserWith(browser, studentCookies);
	for (const page of [stranger, asStudent])
		for (const path of ['', '/answers.csv', '/students.csv', '/students/x']) {
			const res = await page.goto(`/reports/${code}${path}`);
			expect(res?.status(), `${path}`).toBe(404);
		}
	// The list is a teacher page: the gate first.
	await stranger.goto('/reports');
	await expect(stranger).toHaveURL(/\/teacher\?next=%2Freports$/);
	const forged = await browserWith(browser, [{ ...reportCookie, value: 'not-the-key' }]);
	expect((await forged.goto(`/reports/${code}`))?.status()).toBe(404);
	// A wrong host key posted to the report gets a 404 too, and no cookie.
	const posted = await stranger.request.post(`/reports/${code}?/open`, {
		form: { hostToken: 'wrong' },
		headers: { origin: new URL(stranger.url()).origin },
		maxRedirects: 0
	});
	expect(posted.status()).toBe(404);
	expect(posted.headers()['set-cookie'] ?? '').not.toContain('quorum_report_');

	// The teacher's list, then deleting the session: the report and its exports are gone.
	await teacher.goto('/reports');
	const listed = teacher.getByRole('row', { name: new RegExp(code) });
	await expect(listed).toContainText('Ended');
	// Two students, one right answer between them, of two questions.
	await expect(listed).toContainText('0.5 of 2 correct');
	await noAxeViolations(teacher);
	await teacher.getByRole('link', { name: `Delete session ${code}` }).click();
	await teacher.getByLabel('Yes, delete it for good').check();
	await teacher.getByRole('button', { name: `Delete session ${code}` }).click();
	await expect(
		teacher.getByText(`Session ${code} and everything in it was deleted.`)
	).toBeVisible();
	expect((await teacher.goto(`/reports/${code}`))?.status()).toBe(404);
	expect((await small.goto(`/reports/${code}/answers.csv`))?.status()).toBe(404);
});
