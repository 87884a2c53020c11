/**
 * Grading and scoring: pure, shared by the live room (on the server) and self-study (in the
 * browser). No I/O, no clock: elapsed time is passed in.
 *
 * Invariants:
 * - `credit` is in [0, 1]; `correct` is true only for full credit.
 * - Points are 0…1000 per question. Speed scoring off: 1000 × credit. Speed scoring on (timed
 *   questions only): 1000 × credit × (1 − (t/T)/2), Kahoot!'s curve, so a correct answer at the
 *   last moment still earns 500. Streaks are counted, not added to points, so the cap holds.
 * - Multiple select: (right picks − wrong picks) / number of right answers, floored at 0.
 * - Ordering: the share of neighbouring pairs the student kept in the right order.
 */
import type { Question } from './kit/schema';
import { LETTERS } from './kit/schema';

/** What a student sends, by question type. Ordering sends item indices in the displayed order. */
export type Response =
	| { type: 'single'; choice: number }
	| { type: 'multiple'; choices: number[] }
	| { type: 'truefalse'; value: boolean }
	| { type: 'ordering'; order: number[] }
	| { type: 'short'; text: string }
	| { type: 'numeric'; value: number };

export interface Grade {
	credit: number;
	correct: boolean;
}

export function normalizeText(s: string): string {
	return s
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[\u2018\u2019'`"\u201C\u201D.,;:!?()[\]{}]/g, '')
		.replace(/[-\u2013\u2014/]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/^(the|a|an) /, '');
}

const letterIndex = (l: string) => LETTERS.indexOf(l);

/**
 * Ordering questions store items in the right order; `order` lists original item indices in the
 * order the student placed them.
 */
export function grade(q: Question, r: Response): Grade {
	if (r.type !== q.type) return { credit: 0, correct: false };
	let credit = 0;
	switch (q.type) {
		case 'single':
			credit = (r as { choice: number }).choice === letterIndex(q.answer) ? 1 : 0;
			break;
		case 'multiple': {
			const right = new Set(q.answer.map(letterIndex));
			const picks = new Set((r as { choices: number[] }).choices);
			let score = 0;
			for (const p of picks) score += right.has(p) ? 1 : -1;
			credit = Math.max(0, score / right.size);
			break;
		}
		case 'truefalse':
			credit = (r as { value: boolean }).value === q.answer ? 1 : 0;
			break;
		case 'ordering': {
			const order = (r as { order: number[] }).order;
			const n = q.items.length;
			if (order.length !== n || new Set(order).size !== n) break;
			let kept = 0;
			for (let i = 0; i + 1 < n; i++) if ((order[i] ?? -1) + 1 === order[i + 1]) kept += 1;
			credit = kept / (n - 1);
			break;
		}
		case 'short': {
			const given = normalizeText((r as { text: string }).text);
			credit = given !== '' && q.accept.some((a) => normalizeText(a) === given) ? 1 : 0;
			break;
		}
		case 'numeric': {
			const value = (r as { value: number }).value;
			credit = Number.isFinite(value) && Math.abs(value - q.answer) <= q.tolerance + 1e-9 ? 1 : 0;
			break;
		}
	}
	return { credit, correct: credit === 1 };
}

export interface ScoreInput {
	credit: number;
	/** Time the student took, in ms; null when untimed. */
	elapsedMs: number | null;
	/** The student's own time allowed, in ms; null when untimed. */
	allowedMs: number | null;
	speedScoring: boolean;
}

export function points({ credit, elapsedMs, allowedMs, speedScoring }: ScoreInput): number {
	if (credit <= 0) return 0;
	if (!speedScoring || elapsedMs === null || allowedMs === null || allowedMs <= 0) {
		return Math.round(1000 * credit);
	}
	const share = Math.min(1, Math.max(0, elapsedMs / allowedMs));
	return Math.round(1000 * credit * (1 - share / 2));
}

/** The correct response, for the reveal and for self-study feedback. */
export function correctResponse(q: Question): Response {
	switch (q.type) {
		case 'single':
			return { type: 'single', choice: letterIndex(q.answer) };
		case 'multiple':
			return { type: 'multiple', choices: q.answer.map(letterIndex).sort((a, b) => a - b) };
		case 'truefalse':
			return { type: 'truefalse', value: q.answer };
		case 'ordering':
			return { type: 'ordering', order: q.items.map((_, i) => i) };
		case 'short':
			return { type: 'short', text: q.accept[0] ?? '' };
		case 'numeric':
			return { type: 'numeric', value: q.answer };
	}
}
