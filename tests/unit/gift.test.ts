import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { parseGift } from '../../src/lib/kit/import/gift';
import { toAiken, toGift } from '../../src/lib/kit/import/export';
import { parseAiken } from '../../src/lib/kit/import/aiken';
import { QuestionSchema, type Question } from '../../src/lib/kit/schema';

const one = (src: string) => {
	const r = parseGift(src);
	expect(r.problems).toEqual([]);
	expect(r.questions).toHaveLength(1);
	return r.questions[0]!;
};

describe('GIFT, rule by rule (Moodle docs, "GIFT format")', () => {
	it('multiple choice with one right answer is a single-choice question', () => {
		const q = one('Who wrote the article? {=Alexander Baunov ~Vladimir Putin ~John Kerry}');
		expect(q.question).toMatchObject({
			type: 'single',
			prompt: 'Who wrote the article?',
			choices: ['Alexander Baunov', 'Vladimir Putin', 'John Kerry'],
			answer: 'A',
			explanation: null,
			evidence: []
		});
	});

	it('answers may sit on their own lines', () => {
		const q = one('Which city was liberated?\n{\n~Aleppo\n=Palmyra\n~Raqqa\n}');
		expect(q.question).toMatchObject({ type: 'single', answer: 'B' });
	});

	it('positive weights mark several right answers: multiple', () => {
		const q = one('Pick two. {~%50%Palmyra ~%50%Aleppo ~%-100%Paris}');
		expect(q.question).toMatchObject({ type: 'multiple', answer: ['A', 'B'] });
	});

	it('a lone %100% weight is still one right answer', () => {
		expect(one('Q? {~%100%yes ~no}').question).toMatchObject({ type: 'single', answer: 'A' });
	});

	it('true/false in every spelling, with feedback for wrong then right', () => {
		expect(one('Sky is blue. {T}').question).toMatchObject({ type: 'truefalse', answer: true });
		expect(one('Sky is green. {FALSE}').question).toMatchObject({ answer: false });
		expect(one('Q. {TRUE}').question).toMatchObject({ answer: true });
		expect(one('Q. {F}').question).toMatchObject({ answer: false });
		expect(one('Q. {T#No, it is.#Yes, it is.}').question.explanation).toBe('Yes, it is.');
	});

	it('only "=" answers is a short answer accepting each (partial ones left out)', () => {
		const q = one('Which city? {=Palmyra =Tadmur =%50%Palmira}');
		expect(q.question).toMatchObject({ type: 'short', accept: ['Palmyra', 'Tadmur'] });
	});

	it('numerical: answer with tolerance, a range, a bare number, several answers', () => {
		expect(one('Year? {#2000:0}').question).toMatchObject({
			type: 'numeric',
			answer: 2000,
			tolerance: 0
		});
		expect(one('Pi? {#3.14:0.01}').question).toMatchObject({ answer: 3.14, tolerance: 0.01 });
		expect(one('Between? {#1..5}').question).toMatchObject({ answer: 3, tolerance: 2 });
		expect(one('N? {#35}').question).toMatchObject({ answer: 35, tolerance: 0 });
		expect(one('When? {#=2000:0 =%50%2000:1}').question).toMatchObject({
			answer: 2000,
			tolerance: 0
		});
		expect(parseGift('N? {#lots}').problems[0]!.message).toContain('not a number');
	});

	it('a title names the question and gives its id', () => {
		const q = one('::Signed when::In which year was the agreement signed? {#2000}');
		expect(q.title).toBe('Signed when');
		expect(q.question.id).toBe('signed-when');
		expect(q.question.prompt).toBe('In which year was the agreement signed?');
	});

	it('ids are unique among the kit’s own and the file’s', () => {
		const r = parseGift('::Same::A {T}\n\n::Same::B {F}', ['same']);
		expect(r.questions.map((q) => q.question.id)).toEqual(['same-2', 'same-3']);
	});

	it('general feedback (####) is the explanation, else the right answer’s feedback', () => {
		expect(
			one('Q? {=a#Right: paragraph 3. ~b#No. ####Because paragraph 3.}').question.explanation
		).toBe('Because paragraph 3.');
		expect(one('Q? {=a#Right: paragraph 3. ~b#No.}').question.explanation).toBe(
			'Right: paragraph 3.'
		);
	});

	it('comments are skipped; blank lines separate questions', () => {
		const r = parseGift('// a comment\nQ1? {T}\n\n// another\n\nQ2? {F}\n');
		expect(r.questions.map((q) => [q.line, q.question.prompt])).toEqual([
			[2, 'Q1?'],
			[6, 'Q2?']
		]);
	});

	it('$CATEGORY sets the category of what follows', () => {
		const r = parseGift('$CATEGORY: $course$/Russia/2016\n\nQ? {T}');
		expect(r.questions[0]!.category).toBe('$course$/Russia/2016');
	});

	it('escaped special characters are text; \\n is a new line', () => {
		const q = one('What is 2 \\= 2\\: true\\{\\}? {=yes \\~ sure ~no \\# way}');
		expect(q.question).toMatchObject({
			prompt: 'What is 2 = 2: true{}?',
			choices: ['yes ~ sure', 'no # way']
		});
		expect(one('Line one\\nline two {T}').question.prompt).toBe('Line one\nline two');
	});

	it('[html] text loses its tags; [markdown] and [plain] stay as written', () => {
		expect(one('[html]<p>Who <b>wrote</b> it?</p> {=me ~you}').question.prompt).toBe(
			'Who wrote it?'
		);
		expect(one('[markdown]Who **wrote** it? {=me ~you}').question.prompt).toBe('Who **wrote** it?');
	});

	it('reports at its line what it cannot import, and keeps the rest', () => {
		const src = [
			'Match. {=cat -> animal =rose -> flower}', // 1
			'',
			'Moodle costs {~lots =nothing} to download.', // 3
			'',
			'Write an essay. {}', // 5
			'',
			'Just a description.', // 7
			'',
			'Fine? {T}' // 9
		].join('\n');
		const r = parseGift(src);
		expect(r.questions.map((q) => q.line)).toEqual([9]);
		expect(r.problems.map((p) => [p.line, p.message.split(' ')[1]])).toEqual([
			[1, 'matching'],
			[3, 'missing-word'],
			[5, 'essay'],
			[7, 'description']
		]);
	});

	it('more than eight choices, or none right, is a problem', () => {
		const nine = Array.from({ length: 9 }, (_, i) => `~c${i}`).join(' ');
		expect(parseGift(`Q? {=a ${nine}}`).problems[0]!.message).toContain('at most 8');
		expect(parseGift('Q? {~a ~b}').problems[0]!.message).toContain('no right answer');
	});

	it('a byte order mark and Windows line ends are read', () => {
		expect(parseGift('\uFEFFQ1? {T}\r\n\r\nQ2? {F}\r\n').questions).toHaveLength(2);
	});
});

const KIT: Question[] = [
	{
		id: 'who-wrote',
		type: 'single',
		prompt: 'Who wrote it: a {journalist} = analyst?',
		choices: ['Baunov', 'Putin: the president', 'Kerry ~ Lavrov'],
		answer: 'A',
		explanation: 'The byline #1.',
		evidence: ['Alexander Baunov'],
		skill: undefined
	},
	{
		id: 'two-cities',
		type: 'multiple',
		prompt: 'Which are in Syria?',
		choices: ['Palmyra', 'Aleppo', 'Kyiv'],
		answer: ['A', 'B'],
		explanation: 'Both are.',
		evidence: ['Palmyra', 'Aleppo'],
		skill: undefined
	},
	{
		id: 'tf',
		type: 'truefalse',
		prompt: 'Moscow pulled out.',
		answer: true,
		explanation: 'It did.',
		evidence: ['pulling out'],
		skill: undefined
	},
	{
		id: 'city',
		type: 'short',
		prompt: 'Which city?',
		accept: ['Palmyra', 'Tadmur'],
		maxLength: 80,
		explanation: 'Palmyra.',
		evidence: ['Palmyra'],
		skill: undefined
	},
	{
		id: 'year',
		type: 'numeric',
		prompt: 'Which year?',
		answer: 2000,
		tolerance: 0,
		unit: 'year',
		explanation: '2000.',
		evidence: ['signed in 2000'],
		skill: undefined
	}
];
const ORDERING: Question = {
	id: 'order',
	type: 'ordering',
	prompt: 'Put in order.',
	items: ['a', 'b', 'c'],
	explanation: 'So.',
	evidence: ['x'],
	skill: undefined
};

describe('export for Moodle, and back', () => {
	it('GIFT → parseGift gives the same questions, evidence and units included', () => {
		const { text, skipped } = toGift([...KIT, ORDERING]);
		expect(skipped).toEqual([{ id: 'order', reason: 'GIFT has no ordering questions' }]);
		const back = parseGift(text);
		expect(back.problems).toEqual([]);
		const questions = back.questions.map((q) => v.parse(QuestionSchema, q.question));
		expect(questions).toEqual(KIT.map((q) => v.parse(QuestionSchema, q)));
	});

	it('GIFT weights of several right answers add up to 100', () => {
		expect(toGift([KIT[1]!]).text).toContain('~%50%Palmyra ~%50%Aleppo ~%-100%Kyiv');
		const three = { ...KIT[1]!, answer: ['A', 'B', 'C'] } as Question;
		expect(toGift([three]).text).toContain('~%33.33333%Palmyra');
	});

	it('Aiken holds single choice only, and reads back the same', () => {
		const { text, skipped } = toAiken(KIT);
		expect(skipped.map((s) => s.id)).toEqual(['two-cities', 'tf', 'city', 'year']);
		expect(text).toBe(
			'Who wrote it: a {journalist} = analyst?\nA. Baunov\nB. Putin: the president\nC. Kerry ~ Lavrov\nANSWER: A\n'
		);
		const back = parseAiken(text).questions[0]!.question;
		expect(back).toMatchObject({
			type: 'single',
			prompt: KIT[0]!.prompt,
			choices: KIT[0]!.type === 'single' ? KIT[0]!.choices : [],
			answer: 'A'
		});
	});
});
