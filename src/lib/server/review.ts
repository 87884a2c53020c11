/**
 * A student's own review after a session: only questions already revealed to the class, only
 * their own answers. Reads the database (not live memory), so any process can serve it.
 */
import type { Evidence } from '../kit/types';
import { describeCorrect, describeResponse } from '../room/describe';
import type { Response } from '../scoring';
import type { RoomState } from '../room/types';
import type { AppContext } from './context';
import { hashToken } from './tokens';

export interface ReviewItem {
	index: number;
	questionId: string;
	prompt: string;
	yours: string;
	correct: string;
	credit: number;
	explanation: string;
	evidence: Evidence[];
}

export interface Review {
	code: string;
	kitSlug: string;
	kitTitle: string;
	nickname: string;
	score: number;
	correct: number;
	asked: number;
	ended: boolean;
	missed: ReviewItem[];
}

export async function buildReview(ctx: AppContext, reviewKey: string): Promise<Review | null> {
	const found = await ctx.repo.findReview(hashToken(reviewKey));
	if (!found) return null;
	const session = await ctx.repo.loadSession(found.code);
	return session ? reviewOf(session.state, found.participantId) : null;
}

/**
 * What one student's review shows, from a stored room: the student's own page and the teacher's
 * report (each student's row links to it) share it. Null for someone removed or unknown.
 */
export function reviewOf(state: RoomState, participantId: string): Review | null {
	// The id may come from a URL (the report's student page): own keys only.
	const me = Object.hasOwn(state.participants, participantId)
		? state.participants[participantId]
		: undefined;
	if (!me || me.removed) return null;
	const { core, answers } = state;
	const homework = core.settings.mode === 'homework';
	// Ended early: the items after the last one opened were never asked.
	const revealedUpTo = homework
		? core.items.length - 1
		: core.phase === 'ended' || core.phase === 'revealed' || core.phase === 'leaderboard'
			? core.current
			: core.current - 1;
	const missed: ReviewItem[] = [];
	let asked = 0;
	core.items.forEach((item, index) => {
		if (item.kind !== 'question' || index > revealedUpTo) return;
		const a = answers[index]?.[me.id];
		// Homework: only what this student has reached counts as asked.
		if (homework && !a) return;
		asked += 1;
		if (a?.credit === 1) return;
		const q = item.question;
		missed.push({
			index,
			questionId: q.id,
			prompt: q.prompt,
			yours: describeResponse(q, (a?.response as Response | undefined) ?? null),
			correct: describeCorrect(q),
			credit: a?.credit ?? 0,
			explanation: q.explanation,
			evidence: q.evidenceRefs
		});
	});
	return {
		code: core.code,
		kitSlug: core.kitSlug,
		kitTitle: core.kitTitle,
		nickname: me.nickname,
		score: me.score,
		correct: me.correct,
		asked,
		ended: core.phase === 'ended',
		missed
	};
}
