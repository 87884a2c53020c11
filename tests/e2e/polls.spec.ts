import { test, expect, type Page } from '@playwright/test';
import { createSession, noAxeViolations, openProjector, student, teacherPage } from './helpers';

async function vote(page: Page, answer: string) {
	await page.getByRole('radio', { name: answer, exact: true }).check();
	await page.getByRole('button', { name: 'Send' }).click();
	await expect(page.getByText('Answer saved.').first()).toBeVisible();
}

const ADA = 'Moscow chose the moment well, because Washington was busy with its own election.';
const BEN = 'It was a blunder that threw away every gain Russia had made in Syria that year.';

test('a teacher, a projector and two students run a before/after pair and an argument poll', async ({
	browser
}) => {
	const teacher = await teacherPage(browser);
	// Keep the pair (before and after) and the first open poll.
	let openKept = false;
	const code = await createSession(teacher, (text) => {
		const pair = /Poll · How far do you agree\? · (before|after)/.test(text);
		const open = !openKept && text.includes('Poll · Your argument in one sentence');
		if (open) openKept = true;
		return pair || open;
	});

	const screen = await openProjector(browser, teacher);
	await expect(screen.getByText(`${code.slice(0, 3)} ${code.slice(3)}`)).toBeVisible();

	const ada = await student(browser, code, 'Ada');
	const ben = await student(browser, code, 'Ben');
	await expect(screen.getByText('2 students have joined')).toBeVisible();

	// Before the discussion: both vote on the scale.
	await teacher.getByRole('button', { name: 'Start' }).click();
	for (const page of [ada, ben])
		await expect(page.getByText('Item 1 of 3 · How far do you agree? · before')).toBeVisible();
	await expect(
		ada.getByRole('group', { name: 'How far do you agree with the claim?' })
	).toBeVisible();
	await noAxeViolations(ada);
	await vote(ada, 'Disagree');
	await expect(teacher.getByText('1 of 2 answered')).toBeVisible();
	await expect(screen.getByText('1 of 2 answered')).toBeVisible();
	// The wall shows no bars while the class votes (no herding); the teacher's screen does.
	await expect(screen.getByText(/votes appear here when your teacher reveals them/)).toBeVisible();
	await expect(screen.getByRole('figure')).toHaveCount(0);
	await noAxeViolations(screen);
	await vote(ben, 'Agree');
	// Everyone connected has answered: the poll closes by itself, the teacher only reveals.
	await expect(teacher.getByRole('button', { name: 'Close now' })).toHaveCount(0);
	await expect(teacher.getByText('2 answered.')).toBeVisible();
	await expect(teacher.getByText('2 responses')).toBeVisible();
	await noAxeViolations(teacher);
	await expect(screen.getByText('2 responses')).toBeVisible();
	// Students see the class result only after the reveal.
	await expect(ada.getByRole('figure')).toHaveCount(0);
	await teacher.getByRole('button', { name: 'Reveal' }).click();
	for (const page of [ada, ben, screen])
		await expect(page.getByRole('figure').filter({ hasText: 'Agreement' })).toBeVisible();
	await noAxeViolations(ben);
	await noAxeViolations(screen);

	// The argument round: each writes one sentence with a side.
	await teacher.getByRole('button', { name: 'Next item' }).click();
	for (const [page, text, side] of [
		[ada, ADA, 'For the claim'],
		[ben, BEN, 'Against the claim']
	] as const) {
		await expect(page.getByText('Item 2 of 3 · Your argument in one sentence')).toBeVisible();
		await page.getByRole('radio', { name: side }).check();
		await page.getByLabel('Your argument in one sentence').fill(text);
		if (page === ada) await noAxeViolations(ada);
		await page.getByRole('button', { name: 'Send' }).click();
		await expect(page.getByText('Answer saved.').first()).toBeVisible();
	}
	const adaItem = teacher.getByRole('listitem').filter({ hasText: ADA });
	const benItem = teacher.getByRole('listitem').filter({ hasText: BEN });
	await expect(adaItem.getByText('waiting for approval')).toBeVisible();
	await expect(benItem.getByText('waiting for approval')).toBeVisible();
	// Nothing reaches the projector or the students before the teacher approves it.
	await expect(screen.getByText(ADA)).toHaveCount(0);
	await expect(ben.getByText(ADA)).toHaveCount(0);
	// Each moderation button names the response it acts on, and keeps the focus once used.
	await adaItem.getByRole('button', { name: `Approve: ${ADA}` }).click();
	await expect(adaItem.getByRole('button', { name: `Approve: ${ADA}` })).toBeFocused();
	await benItem.getByRole('button', { name: 'Hide' }).click();
	await expect(benItem.getByText('hidden', { exact: true })).toBeVisible();
	// Ben is told his response was hidden; the count says how many the class sees.
	await expect(ben.getByText('Your teacher hid your response')).toBeVisible();
	await expect(ben.getByText('2 responses · 1 shown')).toBeVisible();
	await expect(screen.getByText('2 responses · 1 shown')).toBeVisible();
	await expect(screen.getByText(ADA)).toBeVisible();
	await expect(ben.getByText(ADA)).toBeVisible();
	await expect(adaItem.getByRole('button', { name: 'Approve' })).toBeDisabled();
	await noAxeViolations(teacher);
	await expect(screen.getByText(BEN)).toHaveCount(0);
	await expect(ada.getByText(BEN)).toHaveCount(0);
	// Ada sees her own approved response, without an upvote button for it.
	await expect(ada.getByText(ADA)).toBeVisible();
	await expect(ada.getByRole('button', { name: `Upvote: ${ADA}` })).toHaveCount(0);
	await expect(ada.getByText('Your response')).toBeVisible();

	await ben.getByRole('button', { name: `Upvote: ${ADA}` }).click();
	// Pressed, not disabled: the focus stays where the student was.
	await expect(ben.getByRole('button', { name: `Upvote: ${ADA}` })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expect(ben.getByRole('button', { name: `Upvote: ${ADA}` })).toBeFocused();
	await expect(ben.getByRole('listitem').filter({ hasText: ADA })).toContainText('1 upvote');
	await expect(screen.getByRole('listitem').filter({ hasText: ADA })).toContainText('1 upvote');
	await expect(adaItem).toContainText('1 upvote');
	await noAxeViolations(ben);
	await noAxeViolations(screen);
	await expect(screen.getByText(BEN)).toHaveCount(0);

	await teacher.getByRole('button', { name: 'Reveal' }).click();
	await expect(screen.getByText(ADA)).toBeVisible();
	await expect(screen.getByText(BEN)).toHaveCount(0);
	await expect(ada.getByText(BEN)).toHaveCount(0);

	// After the discussion: Ada moves from disagree to agree, Ben stays.
	await teacher.getByRole('button', { name: 'Next item' }).click();
	for (const page of [ada, ben])
		await expect(page.getByText('Item 3 of 3 · How far do you agree? · after')).toBeVisible();
	await expect(ada.getByText('After the discussion: vote again.')).toBeVisible();
	await vote(ada, 'Agree');
	await vote(ben, 'Agree');
	await expect(teacher.getByText('2 answered.')).toBeVisible();
	await expect(ada.getByText('How views moved')).toHaveCount(0);
	await teacher.getByRole('button', { name: 'Reveal' }).click();
	const moved = '1 toward agree, 0 toward disagree, 1 stayed.';
	// The wall shows the movement as one diverging chart, before and after on one axis.
	await expect(
		screen.getByText('Of those who voted both times: 1 moved toward agree')
	).toBeVisible();
	await expect(screen.getByRole('figure')).toHaveCount(1);
	await expect(screen.getByRole('figure')).toContainText('Before: Strongly disagree 0, Disagree 1');
	await expect(screen.getByRole('figure')).toContainText('After: Strongly disagree 0, Disagree 0');
	await expect(teacher.getByText(moved)).toBeVisible();
	for (const page of [ada, ben]) await expect(page.getByText(moved)).toBeVisible();
	await noAxeViolations(screen);
	await noAxeViolations(ada);
	await noAxeViolations(teacher);

	await teacher.getByRole('button', { name: 'Finish' }).click();
	await expect(screen.getByRole('heading', { name: 'Well done, everyone!' })).toBeVisible();
	for (const page of [ada, ben])
		await expect(page.getByRole('heading', { name: 'Session over' })).toBeVisible();
	await expect(ada.getByText('You scored 0 points')).toBeVisible();
});
