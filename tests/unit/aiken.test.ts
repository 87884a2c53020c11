import { describe, expect, it } from 'vitest';
import { parseAiken } from '../../src/lib/kit/import/aiken';

describe('Aiken, rule by rule (Moodle docs, "Aiken format")', () => {
	it('a question, choices with "." or ")", and ANSWER', () => {
		const r = parseAiken(
			'Who wrote the article?\nA. Alexander Baunov\nB) Vladimir Putin\nC. John Kerry\nANSWER: A\n'
		);
		expect(r.problems).toEqual([]);
		expect(r.questions[0]).toMatchObject({
			line: 1,
			question: {
				id: 'who-wrote-the-article',
				type: 'single',
				prompt: 'Who wrote the article?',
				choices: ['Alexander Baunov', 'Vladimir Putin', 'John Kerry'],
				answer: 'A',
				explanation: null,
				evidence: []
			}
		});
	});

	it('questions follow each other with or without blank lines', () => {
		const r = parseAiken(
			'Q1?\nA. a\nB. b\nANSWER: B\nQ2?\nA. a\nB. b\nANSWER: A\n\n\nQ3?\nA. x\nB. y\nANSWER: a'
		);
		expect(
			r.questions.map((q) => [
				q.line,
				q.question.prompt,
				q.question.type === 'single' && q.question.answer
			])
		).toEqual([
			[1, 'Q1?', 'B'],
			[5, 'Q2?', 'A'],
			[11, 'Q3?', 'A']
		]);
	});

	it('a question text wrapped over lines is joined', () => {
		const r = parseAiken('Which city\nwas liberated?\nA. Palmyra\nB. Aleppo\nANSWER: A');
		expect(r.questions[0]!.question.prompt).toBe('Which city was liberated?');
	});

	it('reports each broken question at its line and keeps the others', () => {
		const src = [
			'No answer line?', // 1
			'A. a',
			'B. b',
			'Letter out of range?', // 4 (the previous question never ended)
			'A. a',
			'B. b',
			'ANSWER: D', // 7
			'One choice?', // 8
			'A. a',
			'ANSWER: A',
			'Out of order?', // 11
			'B. b',
			'A. a',
			'ANSWER: A',
			'Good?', // 15
			'A. yes',
			'B. no',
			'ANSWER: A'
		].join('\n');
		const r = parseAiken(src);
		expect(r.questions.map((q) => q.line)).toEqual([15]);
		expect(r.problems.map((p) => p.line)).toEqual([1, 7, 8, 11]);
		expect(r.problems[1]!.message).toContain('names no choice');
		expect(r.problems[3]!.message).toContain('where A was expected');
	});

	it('an ANSWER with nothing before it, and a last question with no ANSWER', () => {
		expect(parseAiken('ANSWER: A').problems[0]!.message).toContain('no question');
		expect(parseAiken('Q?\nA. a\nB. b').problems[0]).toEqual({
			line: 1,
			message: 'a question with no "ANSWER:" line'
		});
	});
});
