/** Responses in words, for review pages and reports. Stored ordering responses use kit order. */
import type { Poll, Question } from '../kit/schema';
import { SCALE } from '../client/labels';
import { LETTERS } from '../kit/schema';
import { correctResponse, type Response } from '../scoring';
import type { PollResponse } from './types';

export function describeResponse(q: Question, r: Response | null): string {
	if (!r || r.type !== q.type) return 'No answer';
	switch (r.type) {
		case 'single':
			return q.type === 'single' ? `${LETTERS[r.choice]}. ${q.choices[r.choice] ?? ''}` : '';
		case 'multiple':
			return q.type === 'multiple'
				? r.choices.map((c) => `${LETTERS[c]}. ${q.choices[c] ?? ''}`).join('; ') ||
						'Nothing chosen'
				: '';
		case 'truefalse':
			return r.value ? 'True' : 'False';
		case 'ordering':
			return q.type === 'ordering' ? r.order.map((k) => q.items[k] ?? '?').join(' → ') : '';
		case 'short':
			return r.text;
		case 'numeric':
			return q.type === 'numeric' && q.unit ? `${r.value} ${q.unit}` : String(r.value);
	}
}

/** The right answer in words; short answers list every accepted form. */
export function describeCorrect(q: Question): string {
	if (q.type === 'short') return q.accept.join(' / ');
	if (q.type === 'numeric' && q.tolerance)
		return `${describeResponse(q, correctResponse(q))} (± ${q.tolerance})`;
	return describeResponse(q, correctResponse(q));
}

/** A poll vote in words, for reports and exports. */
export function describePollResponse(poll: Poll, r: PollResponse | null): string {
	if (!r) return 'No answer';
	switch (r.type) {
		case 'scale':
			return `${r.value} (${SCALE[r.value - 1] ?? ''})`;
		case 'choice':
			return poll.type === 'choice'
				? r.choices.map((c) => `${LETTERS[c]}. ${poll.options[c] ?? ''}`).join('; ')
				: '';
		case 'open':
			return `${r.side === 'for' ? 'For' : 'Against'}: ${r.text}`;
		case 'wordcloud':
		case 'writing':
			return r.text;
	}
}
