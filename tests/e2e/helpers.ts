/** Shared steps of the end-to-end tests: each role in its own browser context. */
import { expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export async function noAxeViolations(page: Page) {
	// Contrast is judged on the settled page, not halfway through a fade-in.
	// (Endless ones, such as an editor's blinking cursor, never settle: they are left running.)
	await page.waitForFunction(() =>
		document
			.getAnimations()
			.every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)
	);
	const result = await new AxeBuilder({ page }).analyze();
	expect(
		result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)
	).toEqual([]);
}

export async function phone(browser: Browser): Promise<Page> {
	const ctx = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true
	});
	return ctx.newPage();
}

export async function laptop(browser: Browser, height = 800): Promise<Page> {
	return (await browser.newContext({ viewport: { width: 1280, height } })).newPage();
}

/** The passcode the end-to-end server runs with (playwright.config.ts). */
export const TEACHER_PASSCODE = 'e2e-teacher-passcode';

/** A teacher's laptop that has passed the teacher's gate. */
export async function teacherPage(browser: Browser, height = 800): Promise<Page> {
	const page = await laptop(browser, height);
	await page.goto('/host');
	await expect(page).toHaveURL(/\/teacher\?next=%2Fhost$/);
	await page.getByLabel('Teacher passcode or key').fill(TEACHER_PASSCODE);
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page).toHaveURL(/\/host$/);
	await expect(page.getByRole('heading', { name: /Start a/ })).toBeVisible();
	return page;
}

/** A student joins through the plain /join form on a phone-sized screen. */
export async function student(browser: Browser, code: string, name: string): Promise<Page> {
	const page = await phone(browser);
	await page.goto('/join');
	await page.getByLabel('Session code').fill(code.toLowerCase());
	await page.getByLabel('Nickname').fill(name);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('heading', { name: 'You’re in!' })).toBeVisible();
	return page;
}

/**
 * On /host, keeps only the items `keep` accepts (given each item's label text), creates the
 * session and returns its code. Self-study stays open during these sessions: every spec shares
 * one server, and a session left running would close self-study to the specs after it
 * (`before` may untick it; abuse.spec.ts tests the closed case).
 */
export async function createSession(
	teacher: Page,
	keep: (label: string) => boolean,
	before?: () => Promise<unknown>
): Promise<string> {
	// Network quiet: the page's scripts have run, so hydration cannot undo the ticks below.
	await teacher.goto('/host?kit=hitting-rock-bottom', { waitUntil: 'networkidle' });
	const items = teacher.locator('ol.items li');
	const count = await items.count();
	for (let i = 0; i < count; i++) {
		const li = items.nth(i);
		const box = li.getByRole('checkbox');
		if (keep((await li.textContent()) ?? '')) await box.check();
		else await box.uncheck();
	}
	await teacher.getByLabel('Allow self-study during this session').check();
	await before?.();
	await teacher.getByRole('button', { name: 'Create session', exact: true }).click();
	await expect(teacher).toHaveURL(/\/room\/[A-Z2-9]{6}\/host$/);
	return /room\/([A-Z2-9]{6})/.exec(teacher.url())![1]!;
}

/** Keeps the first `n` single-choice questions. */
export function firstSingles(n: number): (label: string) => boolean {
	let kept = 0;
	return (label) => label.includes('Question · Choose one') && kept++ < n;
}

/** The projector opens from the link in the teacher's controls, which carries its key. */
export async function openProjector(browser: Browser, teacher: Page): Promise<Page> {
	const link = teacher.getByRole('link', { name: 'Open the projector view' });
	await expect(link).toHaveAttribute('href', /#key=[0-9a-f]{64}$/);
	const screen = await laptop(browser, 720);
	await screen.goto((await link.getAttribute('href'))!);
	return screen;
}
