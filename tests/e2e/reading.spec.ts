/**
 * The reading page and the library, against the production server with the real `quizzes/`
 * folder (started by playwright.config.ts). The reading must be whole without JavaScript,
 * readable at 360 px, and accessible.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const SLUG = 'hitting-rock-bottom';
const URL = `/read/${SLUG}`;

/** The kit's own file, to check the page against it (and that no answer key leaks). */
const kitFile = parse(readFileSync(`quizzes/${SLUG}/kit.yaml`, 'utf8')) as {
	questions: { explanation: string; choices?: string[] }[];
	glossary: { term: string }[];
	teacherNotes?: string;
};

async function expectNoHorizontalScroll(page: Page) {
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
}

async function expectNumberedParagraphs(page: Page) {
	const ids = await page.locator('article .prose p').evaluateAll((ps) => ps.map((p) => p.id));
	expect(ids.length).toBeGreaterThan(10);
	expect(ids).toEqual(ids.map((_, i) => `p-${i + 1}`));
	for (const id of ids.slice(0, 3))
		await expect(page.locator(`#${id} a.pnum`)).toHaveAttribute('href', `#${id}`);
}

for (const width of [360, 1280]) {
	test.describe(`reading page at ${width} px`, () => {
		test.use({ viewport: { width, height: 800 } });

		test('shows the article with numbered paragraphs and no sideways scrolling', async ({
			page
		}) => {
			await page.goto(URL);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Hitting Rock Bottom/);
			await expect(page.getByText('By Alexander Baunov')).toBeVisible();
			await expect(page.getByText(/\d+ min read/)).toBeVisible();
			await expectNumberedParagraphs(page);
			await expectNoHorizontalScroll(page);
		});

		test('a glossary term shows its definition on focus, inside the screen', async ({ page }) => {
			await page.goto(URL);
			const term = page.locator('.term').first();
			const tip = term.locator('.term-tip');
			await expect(tip).toBeHidden();
			await term.locator('a.term-link').focus();
			await expect(tip).toBeVisible();
			await expect(term.locator('a.term-link')).toHaveAccessibleDescription(
				(await tip.textContent()) ?? 'missing'
			);
			const box = await tip.boundingBox();
			expect(box).not.toBeNull();
			expect(box!.x).toBeGreaterThanOrEqual(0);
			expect(box!.x + box!.width).toBeLessThanOrEqual(width);
			await page.keyboard.press('Escape');
			await expect(tip).toBeHidden();
		});
	});
}

test('every glossary entry is listed with its anchor, key points link to paragraphs', async ({
	page
}) => {
	await page.goto(URL);
	const glossary = page.locator('#glossary');
	for (const { term } of kitFile.glossary)
		await expect(glossary.getByText(term, { exact: true })).toBeVisible();
	const links = page.locator('#key-points a[href^="#"]');
	expect(await links.count()).toBeGreaterThan(0);
	for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
		await expect(page.locator(href!)).toHaveCount(1);
});

test('the caption, footnote, credit, note and source are what they are', async ({ page }) => {
	await page.goto(URL);
	await expect(page.locator('figure#caption figcaption')).toContainText('Photo caption');
	await expect(page.locator('#fn-1')).toContainText('banned in Russia');
	await expect(page.locator('#fn-1 a[href="#fnref-1"]')).toHaveCount(1);
	await expect(page.locator('#fnref-1')).toHaveAttribute('href', '#fn-1');
	await expect(page.locator('#credit')).toContainText('senior associate at the Carnegie');
	await expect(page.locator('#notes')).toContainText('views expressed');
	await expect(page.getByRole('link', { name: 'Read the original article' })).toHaveAttribute(
		'href',
		/themoscowtimes\.com/
	);
	await expect(page.locator('article')).toContainText('12 October 2016');
});

test('a linked paragraph is highlighted', async ({ page }) => {
	await page.goto(`${URL}#p-7`);
	const bg = (id: string) =>
		page.locator(id).evaluate((el) => getComputedStyle(el).backgroundColor);
	// Polled: the highlight fades in (a 0.4 s transition).
	const plain = await bg('#p-6');
	await expect.poll(() => bg('#p-7')).not.toBe(plain);
});

test('the page carries no answer key or teacher notes', async ({ request }) => {
	for (const path of ['/', URL]) {
		const html = await (await request.get(path)).text();
		for (const q of kitFile.questions.slice(0, 5))
			expect(html).not.toContain(q.explanation.slice(0, 60));
		expect(html).not.toContain('"questions":[{');
		if (kitFile.teacherNotes?.trim())
			expect(html).not.toContain(kitFile.teacherNotes.trim().slice(0, 60));
	}
});

test('clicking a paragraph number copies its link and says so', async ({ page, context }) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	await page.goto(URL);
	await page.locator('#p-3 a.pnum').click();
	await expect(page.getByRole('status')).toHaveText('Link to paragraph 3 copied');
	expect(page.url()).toMatch(/#p-3$/);
	expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/\/read\/.+#p-3$/);
});

test.describe('on a touch screen', () => {
	test.use({ hasTouch: true, viewport: { width: 360, height: 740 } });

	test('a first tap on a term shows its definition instead of leaving', async ({ page }) => {
		await page.goto(URL);
		const link = page.locator('a.term-link').first();
		await link.tap();
		await expect(page.locator('.term-tip').first()).toBeVisible();
		expect(new globalThis.URL(page.url()).hash).toBe('');
	});
});

test.describe('with JavaScript disabled', () => {
	test.use({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });

	test('the whole article, its notes and glossary are there', async ({ page }) => {
		await page.goto(URL);
		await expectNumberedParagraphs(page);
		const last = page.locator('article .prose p').last();
		await expect(last).toContainText('rock bottom may only conceal another even deeper one');
		await expect(page.locator('#fn-1')).toBeVisible();
		await expect(page.locator('#glossary dt')).toHaveCount(kitFile.glossary.length);
		await expect(page.locator('#key-points li').first()).toBeVisible();
		// The definition still shows on focus: it is CSS only.
		await page.locator('a.term-link').first().focus();
		await expect(page.locator('.term-tip').first()).toBeVisible();
	});

	test('the library lists the kit', async ({ page }) => {
		await page.goto('/');
		await expect(page.getByRole('link', { name: /Hitting Rock Bottom/ }).first()).toBeVisible();
	});
});

test('the print stylesheet hides navigation and prints the source URL', async ({ page }) => {
	await page.goto(URL);
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('navigation', { name: 'Site' })).toBeHidden();
	const after = await page
		.getByRole('link', { name: 'Read the original article' })
		.evaluate((a) => getComputedStyle(a, '::after').content);
	expect(after).toContain('themoscowtimes.com');
});

test('an unknown reading is a kind 404', async ({ page }) => {
	const response = await page.goto('/read/no-such-reading');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/couldn’t find that reading/);
	await expect(page.getByRole('link', { name: 'Go to the library' })).toBeVisible();
});

test('the library lists kits with their facts and links', async ({ page }) => {
	await page.goto('/');
	const card = page.locator('li.kit', { hasText: 'Hitting Rock Bottom' });
	await expect(card).toContainText('Alexander Baunov');
	await expect(card).toContainText('12 October 2016');
	await expect(card).toContainText(/\d+ min read/);
	await expect(card).toContainText(`${kitFile.questions.length} questions`);
	await expect(card).toContainText(/\d+ polls?/);
	await expect(card.getByRole('link', { name: /^Read/ })).toHaveAttribute('href', URL);
	await expect(card.getByRole('link', { name: /^Self-study/ })).toHaveAttribute(
		'href',
		`/study/${SLUG}`
	);
	await expect(card.getByRole('link', { name: /^Host/ })).toHaveAttribute(
		'href',
		`/host?kit=${SLUG}`
	);
	await expect(page.getByRole('link', { name: 'Join a session' }).first()).toHaveAttribute(
		'href',
		'/join'
	);
});

for (const colorScheme of ['light', 'dark'] as const) {
	test.describe(`axe, ${colorScheme} scheme`, () => {
		test.use({ colorScheme });
		for (const path of ['/', URL]) {
			test(`${path} has no violations`, async ({ page }) => {
				await page.goto(path);
				const results = await new AxeBuilder({ page }).analyze();
				expect(
					results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)
				).toEqual([]);
			});
		}
	});
}
