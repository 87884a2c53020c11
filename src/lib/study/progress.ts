/**
 * Self-study progress on this device: where the student is and the answers they gave. Pure.
 *
 * Invariants:
 * - Only responses are stored, never grades: a grade is recomputed from the kit, so a corrected
 *   answer key corrects old grades too.
 * - `parseProgress` never throws. It keeps only answers to questions the kit still has, in the
 *   right shape for that question; anything else is dropped, and unreadable input gives a fresh
 *   start.
 * - `current` is a step index in 0..stepCount, where stepCount itself is the summary screen.
 */
import type { Question } from '../kit/schema';
import { grade, type Response } from '../scoring';

export interface StoredAnswer {
	response: Response;
	/** When it was given, ms since the epoch. */
	at: number;
}

export interface StudyProgress {
	v: 1;
	current: number;
	answers: Record<string, StoredAnswer>;
}

export function emptyProgress(): StudyProgress {
	return { v: 1, current: 0, answers: {} };
}

const isIndex = (x: unknown, n: number) =>
	Number.isInteger(x) && (x as number) >= 0 && (x as number) < n;

/** Whether `r` is a well-formed response to `q` (the right type, indices in range). */
export function isResponseTo(q: Question, r: unknown): r is Response {
	if (typeof r !== 'object' || r === null || (r as { type?: unknown }).type !== q.type)
		return false;
	const x = r as Record<string, unknown>;
	switch (q.type) {
		case 'single':
			return isIndex(x.choice, q.choices.length);
		case 'multiple':
			return (
				Array.isArray(x.choices) &&
				x.choices.every((c) => isIndex(c, q.choices.length)) &&
				new Set(x.choices).size === x.choices.length
			);
		case 'truefalse':
			return typeof x.value === 'boolean';
		case 'ordering': {
			const n = q.items.length;
			return (
				Array.isArray(x.order) &&
				x.order.length === n &&
				x.order.every((i) => isIndex(i, n)) &&
				new Set(x.order).size === n
			);
		}
		case 'short':
			return typeof x.text === 'string' && x.text.length <= 1000;
		case 'numeric':
			return typeof x.value === 'number' && Number.isFinite(x.value);
	}
}

export function parseProgress(
	json: string | null | undefined,
	questions: readonly Question[],
	stepCount: number
): StudyProgress {
	if (!json) return emptyProgress();
	let raw: unknown;
	try {
		raw = JSON.parse(json);
	} catch {
		return emptyProgress();
	}
	if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) {
		return emptyProgress();
	}
	const { current, answers } = raw as { current?: unknown; answers?: unknown };
	const byId = new Map(questions.map((q) => [q.id, q]));
	const kept: Record<string, StoredAnswer> = {};
	if (typeof answers === 'object' && answers !== null && !Array.isArray(answers)) {
		for (const [id, a] of Object.entries(answers)) {
			const q = byId.get(id);
			if (!q || typeof a !== 'object' || a === null) continue;
			const { response, at } = a as { response?: unknown; at?: unknown };
			if (isResponseTo(q, response) && typeof at === 'number' && Number.isFinite(at)) {
				kept[id] = { response, at };
			}
		}
	}
	const cur = Number.isInteger(current) ? Math.min(Math.max(current as number, 0), stepCount) : 0;
	return { v: 1, current: cur, answers: kept };
}

export function serializeProgress(p: StudyProgress): string {
	return JSON.stringify(p);
}

export function recordAnswer(
	p: StudyProgress,
	id: string,
	response: Response,
	now: number
): StudyProgress {
	return { ...p, answers: { ...p.answers, [id]: { response, at: now } } };
}

export function moveTo(p: StudyProgress, index: number, stepCount: number): StudyProgress {
	const current = Math.min(Math.max(Math.trunc(index), 0), stepCount);
	return current === p.current ? p : { ...p, current };
}

/** Answers given so far: how many, how many fully right, and the ids of the misses. */
export function tally(p: StudyProgress, questions: readonly Question[]) {
	let answered = 0;
	let correct = 0;
	const missed: string[] = [];
	for (const q of questions) {
		const a = p.answers[q.id];
		if (!a) continue;
		answered += 1;
		if (grade(q, a.response).correct) correct += 1;
		else missed.push(q.id);
	}
	return { answered, correct, missed, total: questions.length };
}
