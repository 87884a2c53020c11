import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSheet } from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { parseKahootRows } from '../../src/lib/kit/import/kahoot';

/** The template's layout: instructions first, then the header row, then one row a question. */
const TEMPLATE = [
	['Quiz template'],
	[
		'Add questions, at least two answer alternatives, time limit and choose correct answers (at least one).'
	],
	[],
	[
		'',
		'Question - max 120 characters',
		'Answer 1 - max 75 characters',
		'Answer 2 - max 75 characters',
		'Answer 3 - max 75 characters',
		'Answer 4 - max 75 characters',
		'Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs',
		'Correct answer(s) - choose at least one'
	],
	[1, 'Which city was liberated?', 'Aleppo', 'Palmyra', 'Raqqa', '', 20, '2'],
	[2, 'Which are in Syria?', 'Palmyra', 'Kyiv', 'Aleppo', 'Paris', 30, '1,3'],
	[3, 'Moscow pulled out of the agreement.', 'True', 'False', '', '', 10, 1],
	[4, 'No right answer?', 'a', 'b', '', '', 20, ''],
	[5, 'Right answer on an empty cell?', 'a', 'b', '', '', 20, '4'],
	[6, 'Only one answer?', 'a', '', '', '', 20, '1'],
	[7, '', '', '', '', '', '', '']
];

describe('the Kahoot! spreadsheet template', () => {
	it('finds the header row and reads each question row by its type', () => {
		const r = parseKahootRows(TEMPLATE);
		expect(r.questions.map((q) => [q.line, q.question])).toEqual([
			[
				5,
				{
					id: 'which-city-was-liberated',
					type: 'single',
					prompt: 'Which city was liberated?',
					choices: ['Aleppo', 'Palmyra', 'Raqqa'],
					answer: 'B',
					explanation: null,
					evidence: []
				}
			],
			[
				6,
				expect.objectContaining({
					type: 'multiple',
					choices: ['Palmyra', 'Kyiv', 'Aleppo', 'Paris'],
					answer: ['A', 'C']
				})
			],
			[7, expect.objectContaining({ type: 'truefalse', answer: true })]
		]);
		expect(r.problems).toEqual([
			{ line: 8, message: 'no correct answer given' },
			{ line: 9, message: 'correct answer 4 is an empty cell' },
			{ line: 10, message: 'fewer than two answers' }
		]);
	});

	it('says so when the sheet is not the template', () => {
		expect(parseKahootRows([['a', 'b']]).problems[0]!.message).toContain('Kahoot! quiz template');
	});

	it('reads a real .xlsx written in the template’s layout', async () => {
		const file = join(mkdtempSync(join(tmpdir(), 'quorum-kahoot-')), 'kahoot.xlsx');
		await writeXlsxFile(
			TEMPLATE.map((row) => row.map((value) => (value === '' ? null : { value })))
		).toFile(file);
		const rows = await readSheet(file);
		const r = parseKahootRows(rows);
		expect(r.questions.map((q) => q.question.type)).toEqual(['single', 'multiple', 'truefalse']);
		expect(r.problems.map((p) => p.line)).toEqual([8, 9, 10]);
	});
});
