import { describe, expect, it } from 'vitest';
import { KitEditor } from '../../src/lib/author/editor.svelte';
import * as v from 'valibot';
import { blankPoll, check, cleanSelection, moveIn, setIn } from '../../src/lib/author/model';
import { PollSchema, POLL_TYPES } from '../../src/lib/kit/schema';
import type { QuoteTarget } from '../../src/lib/kit/quotes';

const TARGETS: QuoteTarget[] = [
	{ anchor: 'p-1', label: 'paragraph 1', text: 'The river rose — fast — in the night.' },
	{
		anchor: 'p-2',
		label: 'paragraph 2',
		text: 'Nobody was hurt. The mayor thanked the volunteers.'
	}
];

const META = {
	title: 'Flood',
	author: 'A. Writer',
	published: '2024-05-01',
	credit: 'Used with permission.'
};

function editor() {
	return new KitEditor({ slug: '', isNew: true, meta: META, body: 'x', kit: { summary: 'S' } });
}

describe('model', () => {
	it.each([
		[{ a: [1, 2] }, ['a', 1], 9, { a: [1, 9] }],
		[{}, ['a', 'b'], 1, { a: { b: 1 } }],
		[{ a: { b: 1, c: 2 } }, ['a', 'c'], 3, { a: { b: 1, c: 3 } }]
	])('setIn(%j, %j, %j) copies along the path', (data, path, value, expected) => {
		const before = JSON.stringify(data);
		expect(setIn(data, path, value)).toEqual(expected);
		expect(JSON.stringify(data)).toBe(before);
	});

	it.each([
		[0, 1, ['b', 'a', 'c']],
		[2, -1, ['a', 'c', 'b']],
		[0, -1, ['a', 'b', 'c']],
		[2, 1, ['a', 'b', 'c']]
	])('moves entry %i by %i', (i, delta, expected) => {
		expect(moveIn({ items: ['a', 'b', 'c'] }, ['items'], i, delta)).toEqual({ items: expected });
	});

	it('checks the kit with the schema and each quote with the matcher', () => {
		const problems = check(
			{ ...META, published: 'May 2024' },
			{
				summary: 'S',
				keyPoints: [{ text: 'K', evidence: ['The river rose - fast - in the night.'] }],
				questions: [
					{
						id: 'hurt',
						type: 'truefalse',
						prompt: 'Was anyone hurt?',
						answer: false,
						explanation: '',
						evidence: ['Nobody was harmed.']
					}
				],
				glossary: [
					{ term: 'mayor', definition: 'D' },
					{ term: 'levee', definition: 'D' }
				]
			},
			TARGETS
		);
		expect(Object.fromEntries(problems)).toEqual({
			'meta.published': ['must be a date written YYYY-MM-DD'],
			'questions.0.explanation': ['must not be empty'],
			'questions.0.evidence.0': [
				expect.stringMatching(
					/^quote not found in the reading: “Nobody was harmed.”. The closest passage is in paragraph 2/
				)
			],
			'glossary.1.match': ['"levee" does not appear in the reading']
		});
	});

	it('names a missing field in plain words', () => {
		const problems = check({}, { summary: 'S', keyPoints: [], questions: [] }, []);
		expect(problems.get('meta.title')).toEqual(['is required']);
		expect(problems.get('keyPoints')).toEqual(['needs at least one key point']);
	});

	it.each([
		['  The river\n rose  ', 'The river rose'],
		['a claim.*', 'a claim.']
	])('cleans the selection %j', (text, expected) => {
		expect(cleanSelection(text)).toBe(expected);
	});
});

describe('KitEditor', () => {
	it('makes the slug from the title until the teacher edits it', () => {
		const ed = editor();
		ed.set(['meta', 'title'], 'The Great Flood of 2024');
		expect(ed.slug).toBe('the-great-flood-of-2024');
		ed.setSlug('flood');
		ed.set(['meta', 'title'], 'Another');
		expect(ed.slug).toBe('flood');
	});

	it('makes ids from prompts, unique, and keeps an id the teacher typed', () => {
		const ed = editor();
		ed.addQuestion('single');
		ed.addQuestion('truefalse');
		ed.setPrompt(['questions', 0], 'Why did the river rise?');
		ed.setPrompt(['questions', 1], 'Why did the river rise?');
		expect(ed.get(['questions', 0, 'id'])).toBe('why-did-the-river-rise');
		expect(ed.get(['questions', 1, 'id'])).toBe('why-did-the-river-rise-2');
		ed.set(['questions', 0, 'id'], 'rise');
		ed.setPrompt(['questions', 0], 'What rose?');
		expect(ed.get(['questions', 0, 'id'])).toBe('rise');
	});

	it('puts text picked in the reading into the quote field in focus, verbatim', () => {
		const ed = editor();
		expect(ed.pick('Nobody was hurt.')).toBe(false);
		ed.addQuestion('truefalse');
		expect(ed.focus).toEqual(['questions', 0, 'evidence', 0]);
		expect(ed.pick('Nobody was hurt.')).toBe(true);
		expect(ed.get(['questions', 0, 'evidence', 0])).toBe('Nobody was hurt.');
	});

	it('derives the live checks from its fields', () => {
		const ed = editor();
		ed.targets = TARGETS;
		ed.addQuestion('ordering');
		expect(ed.problemsAt(['questions', 0, 'items', 0])).toEqual(['must not be empty']);
		ed.set(['questions', 0, 'items'], ['one', 'two', 'three']);
		ed.move(['questions', 0, 'items'], 2, -2);
		expect(ed.get(['questions', 0, 'items'])).toEqual(['three', 'one', 'two']);
		expect(ed.problemsAt(['questions', 0, 'items', 0])).toEqual([]);
		ed.set(['questions', 0, 'evidence', 0], 'The mayor thanked nobody.');
		expect(ed.problemsAt(['questions', 0, 'evidence', 0])[0]).toMatch(/quote not found/);
		ed.pick('The mayor thanked the volunteers.');
		expect(ed.problemsAt(['questions', 0, 'evidence', 0])).toEqual([]);
		expect(ed.dirty).toBe(true);
	});

	it('takes kit.yaml typed in the raw tab when it parses, keeping the text to write over', () => {
		const ed = editor();
		const text = '# mine\nsummary: From the file\nquestions: []\n';
		expect(ed.setYaml(text)).toEqual([]);
		expect(ed.kit).toEqual({ summary: 'From the file', questions: [] });
		expect(ed.problemsAt(['questions'])).toEqual(['needs at least one question']);
		ed.set(['summary'], 'Changed in the form');
		expect(ed.yaml()).toBe('# mine\nsummary: Changed in the form\n');
		expect(ed.setYaml('summary: [\n')[0]).toMatchObject({ line: expect.any(Number) });
		expect(ed.kit.summary).toBe('Changed in the form');
	});
});

describe('a new poll of each type', () => {
	it.each(POLL_TYPES)('%s: the blank one, once filled in, is a valid poll', (type) => {
		const blank = blankPoll(type, 'p') as Record<string, unknown>;
		const filled = Object.fromEntries(
			Object.entries(blank).map(([k, val]) => [
				k,
				Array.isArray(val) ? val.map((x) => x || 'Something') : val === '' ? 'Something' : val
			])
		);
		expect(v.safeParse(PollSchema, filled).issues).toBeUndefined();
		if (type === 'writing') expect(blank.rubric).toEqual(['']);
	});
});
