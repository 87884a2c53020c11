import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appendQuestions } from '../../src/lib/kit/import/append';
import { parseGift } from '../../src/lib/kit/import/gift';

const SEED = readFileSync('quizzes/hitting-rock-bottom/kit.yaml', 'utf8');
const imported = parseGift(
	'::Signed::In which year was the agreement signed? {#2000 ####It says so.}\n\n// evidence: Palmyra\nWhich city? {=Palmyra}'
).questions;

describe('imported questions appended to a kit file', () => {
	const out = appendQuestions(SEED, [
		{
			question: imported[0]!.question,
			picked: { quote: 'signed in 2000', anchor: 'p-3', label: 'paragraph 3', score: 1 },
			from: 'moodle.gift:1'
		},
		{ question: imported[1]!.question, picked: null, from: 'moodle.gift:4' }
	]);

	it('keeps every line the teacher wrote, comments included, in order', () => {
		const added = out.split('\n');
		let at = 0;
		for (const line of SEED.split('\n')) {
			at = added.indexOf(line, at);
			expect(at, line).toBeGreaterThanOrEqual(0);
			at++;
		}
		expect(out).toContain('# ("the the Dutch Safety Board", "an hostile")');
	});

	it('adds the questions at the end of the list, tidy, with what is left to do', () => {
		const kit = parse(out) as { questions: Record<string, unknown>[]; polls: unknown[] };
		const before = (parse(SEED) as { questions: unknown[]; polls: unknown[] }).questions.length;
		expect(kit.questions).toHaveLength(before + 2);
		expect(kit.polls.length).toBeGreaterThan(0);
		expect(kit.questions.at(-2)).toEqual({
			id: 'signed',
			type: 'numeric',
			prompt: 'In which year was the agreement signed?',
			answer: 2000,
			explanation: 'It says so.',
			evidence: ['signed in 2000']
		});
		expect(kit.questions.at(-1)).toEqual({
			id: 'which-city',
			type: 'short',
			prompt: 'Which city?',
			accept: ['Palmyra'],
			evidence: ['Palmyra']
		});
		expect(out).toContain(
			'# Imported from moodle.gift:1. To do: check the evidence, picked by word overlap from paragraph 3.'
		);
		expect(out).toContain('# Imported from moodle.gift:4. To do: write an explanation.');
	});

	it('starts a questions list when the file has none', () => {
		const kit = parse(
			appendQuestions('summary: x\n', [
				{ question: imported[0]!.question, picked: null, from: 'f:1' }
			])
		);
		expect(kit.questions[0].id).toBe('signed');
	});
});
