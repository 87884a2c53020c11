import { test, expect, type Page } from '@playwright/test';
import { createSession, noAxeViolations, openProjector, student, teacherPage } from './helpers';

/**
 * The projector fits the wall: at 1920×1080 and 1280×720, in every phase of every item type,
 * the page never scrolls, nothing spills out of the stage, no text is under 24 px at 1080p, and
 * there is nothing to click.
 */
const SIZES = [
	{ width: 1920, height: 1080 },
	{ width: 1280, height: 720 }
];

async function fitsTheWall(screen: Page, phase: string) {
	for (const size of SIZES) {
		await screen.setViewportSize(size);
		const m = await screen.evaluate(() => {
			const stage = document.querySelector('.stage');
			const small: string[] = [];
			for (const el of document.querySelectorAll('main *')) {
				if (!(el instanceof HTMLElement) || el.closest('.visually-hidden')) continue;
				const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim());
				if (!own || el.getClientRects().length === 0) continue;
				const px = parseFloat(getComputedStyle(el).fontSize);
				if (px < 24 * (innerHeight / 1080) - 0.5) small.push(`${el.tagName} ${px}px`);
			}
			return {
				scroll: document.scrollingElement!.scrollHeight,
				inner: innerHeight,
				spill: stage ? stage.scrollHeight - stage.clientHeight : 0,
				small,
				controls: document.querySelectorAll('main a, main button, main input, main select').length
			};
		});
		const at = `${phase} at ${size.width}×${size.height}`;
		expect(m.scroll, at).toBeLessThanOrEqual(m.inner);
		expect(m.spill, at).toBeLessThanOrEqual(1);
		expect(m.small, at).toEqual([]);
		expect(m.controls, at).toBe(0);
	}
}

const PICK = [
	/Question · Choose all that apply.*conditions did Moscow set/,
	/Question · Put in order.*Opinion pieces are built/,
	/Question · Choose one/,
	/Question · True or false/,
	/Question · Short answer/,
	/Question · Number/,
	/Poll · Poll ·?/,
	/Poll · How far do you agree\?(?! · (before|after))/,
	/Poll · How far do you agree\? · before/,
	/Poll · Your argument in one sentence/,
	/Poll · One word or short phrase/,
	/Poll · How far do you agree\? · after/
];

test('the projector fits 1920×1080 and 1280×720 in every phase of every item type', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const teacher = await teacherPage(browser);
	const seen = new Set<number>();
	const code = await createSession(
		teacher,
		(label) => {
			const i = PICK.findIndex((re, k) => !seen.has(k) && re.test(label));
			if (i < 0) return false;
			seen.add(i);
			return true;
		},
		() => teacher.getByLabel('Time per question').selectOption('60')
	);
	expect(seen.size).toBe(PICK.length);
	const screen = await openProjector(browser, teacher);
	await expect(screen.getByText(`${code.slice(0, 3)} ${code.slice(3)}`)).toBeVisible();
	const ada = await student(browser, code, 'Ada');
	await expect(screen.getByText('1 student has joined')).toBeVisible();
	await fitsTheWall(screen, 'lobby');
	await noAxeViolations(screen);

	let leaderboardShown = false;
	for (let i = 0; i < PICK.length; i++) {
		await teacher.getByRole('button', { name: i === 0 ? 'Start' : 'Next item' }).click();
		await expect(screen.getByText(`Item ${i + 1} of ${PICK.length} ·`)).toBeVisible();
		await expect(ada.getByText(`Item ${i + 1} of ${PICK.length} ·`)).toBeVisible();
		const type = (await screen.locator('main .meta').first().textContent()) ?? '';
		await fitsTheWall(screen, `open: ${type}`);
		if (i === 0) await noAxeViolations(screen);
		// Ada answers the polls, so results (arguments, words, the pair's movement) are shown.
		if (/agree/.test(type)) {
			const vote = type.includes('before') ? 'Disagree' : 'Agree';
			await ada.getByRole('radio', { name: vote, exact: true }).check();
		} else if (/Poll ·|· Poll$/.test(type)) {
			await ada.getByRole('radio').first().check();
		} else if (/argument/.test(type)) {
			await ada.getByRole('radio', { name: 'For the claim' }).check();
			await ada
				.getByLabel('Your argument in one sentence')
				.fill(
					'Moscow chose the moment well, because Washington was busy with its own election and could not answer in kind.'
				);
		} else if (/word/.test(type)) {
			await ada.getByLabel('One word or a short phrase').fill('rock bottom');
		}
		const send = ada.getByRole('button', { name: 'Send' });
		if (await send.isVisible()) {
			await send.click();
			await expect(ada.getByText('Answer saved.').first()).toBeVisible();
		}
		if (/argument/.test(type)) {
			await teacher.getByRole('button', { name: /^Approve/ }).click();
			await expect(screen.getByText(/Moscow chose the moment well/)).toBeVisible();
		}
		// Ada's answer may close the item by itself (everyone answered), even while the teacher's
		// page still offers "Close now": a click that finds the button gone is no failure, the
		// Reveal button below is what counts.
		const close = teacher.getByRole('button', { name: 'Close now' });
		const reveal = teacher.getByRole('button', { name: 'Reveal' });
		await expect(reveal.or(close).first()).toBeVisible();
		if (!(await reveal.isVisible())) await close.click({ timeout: 5_000 }).catch(() => {});
		await expect(reveal).toBeVisible();
		await expect(screen.getByText('Answers closed', { exact: true }).first()).toBeAttached();
		await fitsTheWall(screen, `closed: ${type}`);
		await teacher.getByRole('button', { name: 'Reveal' }).click();
		await expect(screen.getByText('Answer revealed', { exact: true })).toBeAttached();
		await expect(teacher.getByRole('button', { name: /Next item|Finish/ })).toBeVisible();
		await fitsTheWall(screen, `revealed: ${type}`);
		await noAxeViolations(screen);
		if (
			!leaderboardShown &&
			(await teacher.getByRole('button', { name: 'Show leaderboard' }).isVisible())
		) {
			leaderboardShown = true;
			await teacher.getByRole('button', { name: 'Show leaderboard' }).click();
			await expect(screen.getByRole('heading', { name: 'Leaderboard' })).toBeVisible();
			await fitsTheWall(screen, 'leaderboard');
		}
	}
	expect(leaderboardShown).toBe(true);
	await teacher.getByRole('button', { name: 'Finish' }).click();
	await expect(screen.getByRole('heading', { name: 'Well done, everyone!' })).toBeVisible();
	await fitsTheWall(screen, 'ended');
	await noAxeViolations(screen);
});

test('the podium rises only when motion is welcome', async ({ browser }) => {
	for (const reducedMotion of ['reduce', 'no-preference'] as const) {
		const teacher = await teacherPage(browser);
		let kept = false;
		await createSession(teacher, (l) => !kept && (kept = l.includes('Question · True or false')));
		const screen = await openProjector(browser, teacher);
		await screen.emulateMedia({ reducedMotion });
		const ada = await student(browser, (/room\/(\w+)/.exec(teacher.url()) ?? [])[1]!, 'Ada');
		await teacher.getByRole('button', { name: 'Start' }).click();
		await ada.getByRole('radio', { name: 'True' }).check();
		await ada.getByRole('button', { name: 'Submit answer' }).click();
		await teacher.getByRole('button', { name: 'Reveal' }).click();
		await teacher.getByRole('button', { name: 'Finish' }).click();
		const first = screen.getByRole('list', { name: 'Podium' }).getByRole('listitem').first();
		await expect(first).toContainText('1st Ada');
		// Medals are drawn, not emoji that a projector's fonts may lack.
		await expect(first.locator('svg')).toHaveCount(1);
		const animation = await first.evaluate((el) => getComputedStyle(el).animationName);
		if (reducedMotion === 'reduce') expect(animation).toBe('none');
		else expect(animation).toMatch(/rise/);
	}
});

test('the lobby names students as they join (names on); the teacher turns the projector sound on', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	let kept = false;
	const code = await createSession(
		teacher,
		(l) => !kept && (kept = l.includes('Question · True or false')),
		() => teacher.getByLabel(/Show names on the projector/).check()
	);
	const screen = await openProjector(browser, teacher);
	await screen.setViewportSize({ width: 1920, height: 1080 });
	await student(browser, code, 'Ada');
	await student(browser, code, 'Ben');
	const names = screen.getByRole('list', { name: 'Students who joined' });
	await expect(names.getByRole('listitem')).toHaveText(['Ben', 'Ada']);
	await expect(screen.getByText('2 students have joined')).toBeVisible();
	await fitsTheWall(screen, 'lobby with names');

	// Sound is off until the teacher turns it on, and only the projector says so.
	await expect(screen.getByText('Sound on ·')).toHaveCount(0);
	const sound = teacher.getByRole('button', { name: 'Projector sound' });
	await expect(sound).toHaveAttribute('aria-pressed', 'false');
	await sound.click();
	await expect(sound).toHaveAttribute('aria-pressed', 'true');
	await expect(screen.getByText('Sound on ·')).toBeVisible();
	await sound.click();
	await expect(screen.getByText('Sound on ·')).toHaveCount(0);
});
