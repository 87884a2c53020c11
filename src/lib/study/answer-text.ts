/**
 * Responses and answer keys in words, for feedback and for screen readers. Pure.
 * Each function returns lines, so a component can show an ordering as a list.
 */
import { LETTERS, type Question } from '../kit/schema';
import { correctResponse, type Response } from '../scoring';

function choiceLine(choices: readonly string[], i: number): string {
	return `${LETTERS[i] ?? '?'}. ${choices[i] ?? ''}`;
}

export function responseLines(q: Question, r: Response): string[] {
	switch (r.type) {
		case 'single':
			return q.type === 'single' ? [choiceLine(q.choices, r.choice)] : [];
		case 'multiple':
			if (q.type !== 'multiple') return [];
			return r.choices.length === 0
				? ['Nothing selected']
				: [...r.choices].sort((a, b) => a - b).map((i) => choiceLine(q.choices, i));
		case 'truefalse':
			return [r.value ? 'True' : 'False'];
		case 'ordering':
			return q.type === 'ordering' ? r.order.map((i) => q.items[i] ?? '') : [];
		case 'short':
			return [r.text.trim() === '' ? '(blank)' : r.text];
		case 'numeric':
			return [q.type === 'numeric' && q.unit ? `${r.value} ${q.unit}` : String(r.value)];
	}
}

/** The key in words. Short answers list the other accepted forms too. */
export function answerLines(q: Question): string[] {
	if (q.type === 'short') {
		const [first, ...rest] = q.accept;
		return [rest.length ? `${first} (also accepted: ${rest.join(', ')})` : (first ?? '')];
	}
	if (q.type === 'numeric' && q.tolerance > 0) {
		const unit = q.unit ? ` ${q.unit}` : '';
		return [`${q.answer}${unit} (anything within ${q.tolerance}${unit} counts)`];
	}
	return responseLines(q, correctResponse(q));
}
