/**
 * A live question's responses in words, as a student's phone shows them at the reveal: their own
 * answer beside the right one. Everything is in display terms (choices by letter, ordering items
 * in the shuffled order the room showed), so it needs only what the student's view carries.
 */
import type { PublicItem, QuestionReveal } from '$lib/room/view';
import type { AnyResponse } from '$lib/room/types';
import { LETTERS } from './labels';

type QuestionItem = Extract<PublicItem, { kind: 'question' }>;

export function responseWords(item: QuestionItem, r: AnyResponse | null): string {
	if (!r || r.type !== item.type) return 'No answer';
	const choice = (i: number) => `${LETTERS[i] ?? '?'}. ${item.choices?.[i] ?? ''}`;
	switch (r.type) {
		case 'single':
			return choice(r.choice);
		case 'multiple':
			return r.choices.length ? [...r.choices].sort().map(choice).join('; ') : 'Nothing chosen';
		case 'truefalse':
			return r.value ? 'True' : 'False';
		case 'ordering':
			return r.order.map((i) => item.items?.[i] ?? '?').join(' → ');
		case 'short':
			return r.text;
		case 'numeric':
			return item.unit ? `${r.value} ${item.unit}` : String(r.value);
		default:
			return 'No answer';
	}
}

export function rightWords(item: QuestionItem, reveal: QuestionReveal): string {
	const c = reveal.correct;
	if (c.type === 'short' && reveal.accepted?.length) return reveal.accepted.join(' / ');
	const words = responseWords(item, c);
	return c.type === 'numeric' && reveal.tolerance ? `${words} (± ${reveal.tolerance})` : words;
}
