/**
 * The order of self-study: every question in kit order, then the polls as reflection prompts.
 * A poll's "why?" (an `open` poll right after a `scale` or `pair` poll about the same claim)
 * joins that poll's step as its written reason, so the student states a stance and a reason
 * together instead of on two screens.
 */
import type { LoadedPoll, LoadedQuestion } from '../kit/types';
import type { QuestionType } from '../kit/schema';

export type Step =
	| { kind: 'question'; id: string; n: number; question: LoadedQuestion }
	| { kind: 'reflection'; id: string; n: number; poll: LoadedPoll; reason: LoadedPoll | null };

export function buildSteps(questions: LoadedQuestion[], polls: LoadedPoll[]): Step[] {
	const steps: Step[] = questions.map((question, i) => ({
		kind: 'question',
		id: question.id,
		n: i + 1,
		question
	}));
	let n = 0;
	for (let i = 0; i < polls.length; i++) {
		const poll = polls[i] as LoadedPoll;
		const after = polls[i + 1];
		const joins =
			(poll.type === 'scale' || poll.type === 'pair') &&
			after?.type === 'open' &&
			(after.claim === undefined || after.claim === poll.claim);
		n += 1;
		steps.push({ kind: 'reflection', id: poll.id, n, poll, reason: joins ? after : null });
		if (joins) i += 1;
	}
	return steps;
}

export const QUESTION_TYPE_LABELS: Record<QuestionType, string> = {
	single: 'Choose one',
	multiple: 'Choose all that apply',
	truefalse: 'True or false',
	ordering: 'Put in order',
	short: 'Short answer',
	numeric: 'Number'
};
