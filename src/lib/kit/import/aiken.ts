/**
 * Moodle's Aiken format, read by Moodle's rules (docs.moodle.org, "Aiken format"): the question
 * text, then its choices one per line, each a capital letter, `.` or `)` and a space, then a line
 * `ANSWER: X`. Only single-answer multiple choice exists in Aiken. Pure: text in, questions and
 * problems out. Rules tested one by one in tests/unit/aiken.test.ts.
 *
 * - A question's text may wrap over several lines (Moodle wants one; joined with spaces here).
 * - Blank lines between questions are allowed and not needed: `ANSWER:` ends a question.
 * - `ANSWER:` naming a letter with no choice, a question with no `ANSWER:`, fewer than two
 *   choices or more than eight, and choices out of order (B before A) are problems at their
 *   line; the other questions are still imported.
 */
import { LETTERS } from '../schema';
import { makeId, type Imported, type ImportResult, type Problem } from './types';

const CHOICE = /^([A-Z])[.)]\s+(.+)$/;
const ANSWER = /^ANSWER:\s*([A-Z])\s*$/i;

export function parseAiken(source: string, taken: Iterable<string> = []): ImportResult {
	const ids = new Set(taken);
	const questions: Imported[] = [];
	const problems: Problem[] = [];
	let prompt: string[] = [];
	let choices: string[] = [];
	let start = 0;
	let broken: string | null = null;

	const reset = () => {
		prompt = [];
		choices = [];
		broken = null;
	};
	source
		.replace(/^\uFEFF/, '')
		.split(/\r?\n/)
		.forEach((raw, i) => {
			const line = raw.trim();
			if (line === '') return;
			const choice = CHOICE.exec(line);
			const answer = ANSWER.exec(line);
			if (answer) {
				const letter = answer[1]!.toUpperCase();
				const index = LETTERS.indexOf(letter);
				if (prompt.length === 0)
					problems.push({ line: i + 1, message: '"ANSWER:" with no question before it' });
				else if (broken) problems.push({ line: start, message: broken });
				else if (choices.length < 2)
					problems.push({ line: start, message: 'a question needs at least two choices' });
				else if (index < 0 || index >= choices.length)
					problems.push({
						line: i + 1,
						message: `"ANSWER: ${letter}" names no choice (the choices are A to ${LETTERS[choices.length - 1]})`
					});
				else {
					const text = prompt.join(' ');
					questions.push({
						line: start,
						title: null,
						category: null,
						question: {
							id: makeId(text, ids),
							type: 'single',
							prompt: text,
							choices,
							answer: letter,
							explanation: null,
							evidence: []
						}
					});
				}
				reset();
				return;
			}
			if (choice && prompt.length > 0) {
				const expected = String.fromCharCode(65 + choices.length);
				if (choice[1] !== expected)
					broken ??= `choice ${choice[1]} where ${expected} was expected (line ${i + 1})`;
				else if (choices.length >= LETTERS.length)
					broken ??= `more than ${LETTERS.length} choices: a kit question has at most ${LETTERS.length}`;
				choices.push(choice[2]!.trim());
				return;
			}
			if (choices.length > 0) {
				// Text after the choices with no ANSWER line: the last question never ended.
				problems.push({ line: start, message: 'a question with no "ANSWER:" line' });
				reset();
			}
			if (prompt.length === 0) start = i + 1;
			prompt.push(line);
		});
	if (prompt.length > 0)
		problems.push({ line: start, message: 'a question with no "ANSWER:" line' });
	return { questions, problems };
}
