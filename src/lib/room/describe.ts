/** Responses in words, for review pages and reports. Stored ordering responses use kit order. */
import type { Question } from '../kit/schema';
import { LETTERS } from '../kit/schema';
import { correctResponse, type Response } from '../scoring';

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
