/**
 * The Kahoot! quiz spreadsheet template, read from its rows (the `.xlsx` is opened by
 * `read-excel-file` in the caller; this module is pure). The template has a few rows of
 * instructions, then a header row: "Question - max 120 characters", "Answer 1 - max 75
 * characters" … "Answer 4", "Time limit (sec)", "Correct answer(s) - choose at least one"
 * (answer numbers, comma-separated). Rows are found by their headers, not by position.
 *
 * - One right answer is a single-choice question; several, multiple; exactly the answers
 *   True and False, a true/false question.
 * - The time limit is not imported: a Quorum session sets its own (and can be untimed).
 * - A row with a question but no right answer, a right answer naming an empty cell, or fewer
 *   than two answers is a problem at its row; the other rows are still imported.
 */
import { LETTERS } from '../schema';
import { makeId, type Imported, type ImportResult, type Problem } from './types';

const cell = (v: unknown) =>
	v === null || v === undefined ? '' : String(v instanceof Date ? v.toISOString() : v).trim();

export function parseKahootRows(
	rows: readonly (readonly unknown[])[],
	taken: Iterable<string> = []
): ImportResult {
	const ids = new Set(taken);
	const questions: Imported[] = [];
	const problems: Problem[] = [];
	const header = rows.findIndex(
		(r) =>
			r.some((c) => /^question\b/i.test(cell(c))) && r.some((c) => /^answer\s*1\b/i.test(cell(c)))
	);
	if (header < 0) {
		problems.push({
			line: 1,
			message: 'no header row with "Question" and "Answer 1": is this the Kahoot! quiz template?'
		});
		return { questions, problems };
	}
	const head = rows[header]!.map(cell);
	const col = (re: RegExp) => head.findIndex((h) => re.test(h));
	const qCol = col(/^question\b/i);
	const answerCols = [1, 2, 3, 4, 5, 6]
		.map((n) => col(new RegExp(`^answer\\s*${n}\\b`, 'i')))
		.filter((i) => i >= 0);
	const rightCol = col(/^correct/i);
	if (rightCol < 0) {
		problems.push({ line: header + 1, message: 'no "Correct answer(s)" column' });
		return { questions, problems };
	}
	rows.slice(header + 1).forEach((r, i) => {
		const line = header + 2 + i;
		const prompt = cell(r[qCol]);
		if (!prompt) return;
		const answers = answerCols.map((c) => cell(r[c]));
		const filled = answers.flatMap((a, n) => (a ? [{ text: a, n: n + 1 }] : []));
		const right = [...cell(r[rightCol]).matchAll(/\d+/g)].map((m) => Number(m[0]));
		if (filled.length < 2) return void problems.push({ line, message: 'fewer than two answers' });
		if (right.length === 0) return void problems.push({ line, message: 'no correct answer given' });
		const missing = right.find((n) => !filled.some((f) => f.n === n));
		if (missing !== undefined)
			return void problems.push({ line, message: `correct answer ${missing} is an empty cell` });
		const base = { id: makeId(prompt, ids), prompt, explanation: null, evidence: [] as string[] };
		const texts = filled.map((f) => f.text.toLowerCase()).sort();
		if (right.length === 1 && texts.length === 2 && texts[0] === 'false' && texts[1] === 'true') {
			const answer = filled.find((f) => f.n === right[0])!.text.toLowerCase() === 'true';
			questions.push({
				line,
				title: null,
				category: null,
				question: { ...base, type: 'truefalse', answer }
			});
			return;
		}
		const letters = filled.flatMap((f, k) => (right.includes(f.n) ? [LETTERS[k]!] : []));
		const choices = filled.map((f) => f.text);
		questions.push({
			line,
			title: null,
			category: null,
			question:
				letters.length === 1
					? { ...base, type: 'single', choices, answer: letters[0]! }
					: { ...base, type: 'multiple', choices, answer: letters }
		});
	});
	return { questions, problems };
}
