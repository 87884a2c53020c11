import { test, expect } from '@playwright/test';
import { laptop, noAxeViolations, phone, TEACHER_PASSCODE, teacherPage } from './helpers';

test('every teacher page sends a stranger to the gate, and back after the passcode', async ({
	browser
}) => {
	const stranger = await phone(browser);
	for (const path of ['/host', '/host?kit=hitting-rock-bottom']) {
		await stranger.goto(path);
		await expect(stranger).toHaveURL(`/teacher?next=${encodeURIComponent(path)}`);
		await expect(stranger.getByRole('heading', { name: 'For teachers' })).toBeVisible();
	}
	await noAxeViolations(stranger);
	// A form post to create a session is refused too, not only the page.
	const posted = await stranger.request.post('/host?/create', {
		form: { kit: 'hitting-rock-bottom', item: 'q:main-trigger' },
		headers: { origin: new URL(stranger.url()).origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(posted.status()).toBe(303);
	expect(posted.headers()['location']).toMatch(/^\/teacher\?next=/);

	await stranger.goto('/teacher?next=%2Fhost%3Fkit%3Dhitting-rock-bottom');
	await stranger.getByLabel('Teacher passcode or key').fill('not-it');
	await stranger.getByRole('button', { name: 'Continue' }).click();
	await expect(stranger.getByRole('alert')).toHaveText('That passcode or key is not right.');
	await stranger.getByLabel('Teacher passcode or key').fill(TEACHER_PASSCODE);
	await stranger.getByRole('button', { name: 'Continue' }).click();
	await expect(stranger).toHaveURL('/host?kit=hitting-rock-bottom');
});

test('a teacher link carries the key once, then the browser is in; signing out locks it', async ({
	browser
}) => {
	const page = await laptop(browser);
	await page.goto(`/teacher?key=wrong-key&next=%2Fhost`);
	await expect(page.getByRole('alert')).toContainText('not this server’s');
	await page.goto(`/teacher?key=${TEACHER_PASSCODE}&next=%2Fhost`);
	// The key leaves the address bar at once.
	await expect(page).toHaveURL('/host');
	await page.goto('/teacher');
	await expect(page.getByText('This browser is signed in as a teacher.')).toBeVisible();
	await page.getByRole('button', { name: 'Sign out on this browser' }).click();
	await expect(page.getByRole('status')).toContainText('Signed out');
	await page.goto('/host');
	await expect(page).toHaveURL(/\/teacher\?next=/);
	// The helper's teacher stays in across pages.
	const teacher = await teacherPage(browser);
	await teacher.goto('/host?kit=hitting-rock-bottom');
	await teacher.getByRole('button', { name: 'Create session', exact: true }).click();
	await expect(teacher.getByText('Waiting for students to join.')).toBeVisible();
	// The controls of a real session are a teacher page too (the host key alone is not asked).
	const controls = new URL(teacher.url()).pathname;
	await page.goto(controls);
	await expect(page).toHaveURL(`/teacher?next=${encodeURIComponent(controls)}`);
});
