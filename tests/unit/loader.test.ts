import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KitError, loadKit } from '../../src/lib/server/kit/loader';

/** A small valid kit; each test breaks one thing in a copy of it. */
const READING = `---
title: A Test Reading
author: Ann Author
publisher: The Daily Test
published: '2016-10-12'
source: https://example.org/article
credit: Ann Author writes tests.
caption: 'A photo of a meeting in Geneva.'
footnotes:
  - The Duma is elected every five years.
notes:
  - The views expressed are the author's own.
---

Russia has made an unexpected maneuver on a broad front.

Until recently, Russia coveted an international “diplomatic victory”.[^1]

The new Duma will start its term by approving a text.
`;

const KIT = `summary: A short reading for tests.
keyPoints:
  - text: Russia changed course.
    evidence:
      - an unexpected maneuver
glossary:
  - term: Duma
    definition: The lower house of Russia's parliament.
questions:
  - id: q1
    type: single
    prompt: What did Russia make?
    choices: [A maneuver, A cake, A film]
    answer: A
    explanation: The first paragraph says so.
    evidence:
      - 'an international "diplomatic victory"'
  - id: q2
    type: truefalse
    prompt: The Duma will approve a text.
    answer: true
    explanation: Paragraph 3.
    evidence:
      - The new Duma will start its term
polls:
  - id: p1
    type: scale
    prompt: Do you agree?
    claim: Russia was right.
`;

const root = mkdtempSync(join(tmpdir(), 'quorum-loader-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** Writes a kit folder and returns its path; `kit: null` leaves kit.yaml out. */
function writeKit(kit: string | null, reading = READING): string {
	const dir = join(root, `kit-${++n}`);
	mkdirSync(dir);
	writeFileSync(join(dir, 'reading.md'), reading);
	if (kit !== null) writeFileSync(join(dir, 'kit.yaml'), kit);
	return dir;
}

/** The errors of loading `kit`, which must fail. */
function errorsOf(kit: string | null, reading = READING): string[] {
	try {
		loadKit(writeKit(kit, reading), 'broken');
	} catch (e) {
		if (e instanceof KitError) return e.errors;
		throw e;
	}
	throw new Error('expected the kit to fail validation');
}

/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
	const i = text.split('\n').findIndex((l) => l.includes(needle));
	if (i < 0) throw new Error(`fixture has no line with ${needle}`);
	return i + 1;
}

function replace(text: string, from: string, to: string): string {
	if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
	return text.replace(from, to);
}

describe('loadKit on a valid kit', () => {
	const kit = loadKit(writeKit(KIT), 'test-kit');

	it('numbers the paragraphs and resolves evidence to anchors', () => {
		expect(kit.blocks.map((b) => b.anchor)).toEqual(['p-1', 'p-2', 'p-3']);
		expect(kit.keyPoints[0]?.evidenceRefs).toEqual([
			{ quote: 'an unexpected maneuver', anchor: 'p-1', label: 'paragraph 1' }
		]);
		// A straight-quoted quote matches the curly quotes of the reading.
		expect(kit.questions[0]?.evidenceRefs[0]?.anchor).toBe('p-2');
	});

	it('marks glossary terms and links footnotes', () => {
		expect(kit.glossary).toEqual([
			{
				slug: 'duma',
				term: 'Duma',
				definition: "The lower house of Russia's parliament.",
				anchor: 'p-3'
			}
		]);
		expect(kit.blocks[2]?.html).toContain('href="#g-duma"');
		expect(kit.blocks[1]?.html).toContain('href="#fn-1"');
		// One footnote is marked as the publisher printed it.
		expect(kit.blocks[1]?.html).toContain('aria-label="footnote 1">*</a>');
		expect(kit.footnotes[0]?.anchor).toBe('fn-1');
		expect(kit.captionHtml).toBe('A photo of a meeting in Geneva.');
	});
});

describe('loadKit errors name the file, the line and the field', () => {
	// One plain message at the first bad line (a colon inside a plain value here).
	it('bad YAML', () => {
		const kit = replace(KIT, 'prompt: What did Russia make?', 'prompt: What did: Russia make?');
		expect(errorsOf(kit)).toEqual([
			expect.stringMatching(
				new RegExp(
					`kit\\.yaml:${lineOf(kit, 'What did: Russia')}: a colon followed by a space inside a value: put the whole value in quotes`
				)
			)
		]);
	});

	it('a duplicate key', () => {
		const kit = replace(KIT, '    answer: A\n', '    answer: A\n    answer: B\n');
		const errors = errorsOf(kit);
		expect(errors).toContainEqual(
			expect.stringMatching(
				new RegExp(`kit\\.yaml:${lineOf(kit, 'answer: B')}: this field appears twice`)
			)
		);
	});

	it('an unknown question type', () => {
		const kit = replace(KIT, 'type: single', 'type: essay');
		expect(errorsOf(kit)).toContainEqual(
			expect.stringMatching(
				new RegExp(`kit\\.yaml:${lineOf(kit, 'type: essay')}: questions\\[0\\]\\.type: `)
			)
		);
	});

	it('a missing answer, at the line of its question', () => {
		const kit = replace(KIT, '    answer: A\n', '');
		expect(errorsOf(kit)).toContainEqual(
			expect.stringMatching(
				new RegExp(`kit\\.yaml:${lineOf(kit, '- id: q1')}: questions\\[0\\]\\.answer: `)
			)
		);
	});

	it('a quote that is not in the reading', () => {
		const kit = replace(KIT, `'an international "diplomatic victory"'`, 'a diplomatic defeat');
		expect(errorsOf(kit)).toEqual([
			expect.stringMatching(
				new RegExp(
					`kit\\.yaml:${lineOf(kit, 'a diplomatic defeat')}: questions\\[0\\]\\.evidence\\[0\\]: quote not found in the reading: “a diplomatic defeat”\\. `
				)
			)
		]);
	});

	it('an answer letter out of range', () => {
		const kit = replace(KIT, 'answer: A', 'answer: E');
		expect(errorsOf(kit)).toEqual([
			expect.stringMatching(
				new RegExp(
					`kit\\.yaml:${lineOf(kit, 'answer: E')}: questions\\[0\\]\\.answer: "E" is not one of the 3 choices$`
				)
			)
		]);
	});

	it('a letter that is not a letter at all', () => {
		const kit = replace(KIT, 'answer: A', 'answer: Z');
		expect(errorsOf(kit)).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`kit\\.yaml:${lineOf(kit, 'answer: Z')}: questions\\[0\\]\\.answer: must be a choice letter`
				)
			)
		);
	});

	it('a glossary term missing from the reading', () => {
		const kit = replace(KIT, 'term: Duma', 'term: Kremlin');
		expect(errorsOf(kit)).toContainEqual(
			expect.stringMatching(
				/kit\.yaml:\d+: glossary\[0\]\.match: "Kremlin" does not appear in the reading/
			)
		);
	});

	it('a duplicate id, at the second one', () => {
		const kit = replace(KIT, 'id: q2', 'id: q1');
		const second = kit.split('\n').lastIndexOf('  - id: q1') + 1;
		expect(errorsOf(kit)).toEqual([
			expect.stringMatching(
				new RegExp(
					`kit\\.yaml:${second}: questions\\[1\\]\\.id: duplicate id "q1" \\(also at questions\\[0\\]\\)$`
				)
			)
		]);
	});

	it('front matter errors name reading.md and its line', () => {
		const reading = replace(READING, "published: '2016-10-12'", "published: '12/10/2016'");
		expect(errorsOf(KIT, reading)).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`reading\\.md:${lineOf(reading, 'published:')}: published: must be a date written YYYY-MM-DD$`
				)
			)
		);
	});

	it('a footnote reference with no footnote, at its line in reading.md', () => {
		const reading = replace(READING, 'a broad front.', 'a broad front.[^2]');
		expect(errorsOf(KIT, reading)).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`reading\\.md:${lineOf(reading, 'a broad front.')}: \\[\\^2\\] refers to footnote 2, but the front matter lists 1 footnote$`
				)
			)
		);
	});

	it('several footnotes are numbered in the text, as in the list', () => {
		const reading = replace(
			replace(READING, 'a broad front.', 'a broad front.[^2]'),
			'  - The Duma is elected every five years.',
			'  - The Duma is elected every five years.\n  - A second note.'
		);
		const kit = loadKit(writeKit(KIT, reading), 'two-notes');
		expect(kit.blocks[0]?.html).toContain('aria-label="footnote 2">2</a>');
		expect(kit.blocks[1]?.html).toContain('aria-label="footnote 1">1</a>');
	});

	it('a missing kit.yaml', () => {
		expect(errorsOf(null)).toEqual([expect.stringMatching(/kit\.yaml:1: file is missing$/)]);
	});

	it('collects every problem, not just the first', () => {
		let kit = replace(KIT, 'answer: A', 'answer: E');
		kit = replace(kit, 'The new Duma will start its term', 'The old Duma');
		expect(errorsOf(kit)).toHaveLength(2);
	});
});

describe('authoring mistakes get a message a teacher can act on', () => {
	const at = (kit: string, needle: string, rest: string) =>
		expect.stringMatching(new RegExp(`kit\\.yaml:${lineOf(kit, needle)}: ${rest}`));

	it('a number where text is expected: put quotes around it', () => {
		const kit = replace(KIT, 'prompt: What did Russia make?', 'prompt: 47');
		expect(errorsOf(kit)).toEqual([
			at(
				kit,
				'prompt: 47',
				'questions\\[0\\]\\.prompt: is read as a number, but text is expected: put quotes around 47'
			)
		]);
	});

	it('several letters on a single-choice question: use type: multiple', () => {
		const kit = replace(KIT, 'answer: A', 'answer: [B, C]');
		expect(errorsOf(kit)).toEqual([
			at(
				kit,
				'answer: [B, C]',
				'questions\\[0\\]\\.answer: lists several letters.*use type: multiple'
			)
		]);
	});

	it('a quoted number on a numeric question', () => {
		const kit = replace(
			KIT,
			'polls:',
			`  - id: q3\n    type: numeric\n    prompt: How many?\n    answer: '87'\n    explanation: x\n    evidence: [an unexpected maneuver]\npolls:`
		);
		expect(errorsOf(kit)).toEqual([
			at(
				kit,
				"answer: '87'",
				"questions\\[2\\]\\.answer: is text \\('87'\\), but a number is expected: write 87 without quotes"
			)
		]);
	});

	it('no on a true/false question', () => {
		const kit = replace(KIT, 'answer: true', 'answer: no');
		expect(errorsOf(kit)).toEqual([
			at(kit, 'answer: no', 'questions\\[1\\]\\.answer: must be true or false \\(not no\\)')
		]);
	});

	it('an unclosed quote is named at the line where it opens, once', () => {
		const kit = replace(KIT, 'prompt: What did Russia make?', 'prompt: "What did Russia make?');
		expect(errorsOf(kit)).toEqual([
			at(kit, '"What did Russia', 'a quote mark opened here is never closed')
		]);
	});

	it('a byte-order mark before the front matter is accepted', () => {
		expect(loadKit(writeKit(KIT, '\uFEFF' + READING), 'bom').meta.title).toBe('A Test Reading');
		expect(loadKit(writeKit('\uFEFF' + KIT), 'bom').questions).toHaveLength(2);
	});

	it('an empty reading is said once, not once per quote', () => {
		const empty = READING.slice(0, READING.indexOf('---\n\n') + 4) + '\n\n';
		expect(errorsOf(KIT, empty)).toEqual([
			expect.stringMatching(/reading\.md:\d+: the reading is empty/)
		]);
	});
});

describe('lesson plans, item notes and standards', () => {
	const plans = `standards: [CCSS.ELA-LITERACY.RI.9-10.6]
lessonPlans:
  - name: Short
    minutes: 10
    steps:
      - note: Read the article.
        minutes: 5
      - item: q1
        note: Read the evidence aloud.
      - item: p1
`;
	it('resolves plans to host refs, renders item notes, keeps standards', () => {
		const kit = loadKit(
			writeKit(
				replace(
					KIT,
					'    answer: A\n',
					'    answer: A\n    notes: Ask **why**.\n    standards: [RI.9-10.1]\n'
				) + plans
			),
			'plans'
		);
		expect(kit.lessonPlans[0]?.refs).toEqual(['q:q1', 'p:p1']);
		expect(kit.lessonPlans[0]?.steps[0]).toMatchObject({ ref: null, note: 'Read the article.' });
		expect(kit.questions[0]?.notesHtml).toBe('<p>Ask <strong>why</strong>.</p>\n');
		expect(kit.questions[0]?.standards).toEqual(['RI.9-10.1']);
		expect(kit.standards).toEqual(['CCSS.ELA-LITERACY.RI.9-10.6']);
		expect(kit.readability.words).toBeGreaterThan(10);
	});

	it('an unknown item id is an error at its line', () => {
		const kit = KIT + replace(plans, 'item: q1', 'item: q9');
		expect(errorsOf(kit)).toEqual([
			at(
				kit,
				'item: q9',
				'lessonPlans\\[0\\]\\.steps\\[1\\]\\.item: no question or poll has the id "q9"'
			)
		]);
	});

	it('a pair poll needs its round; a question takes none', () => {
		const withPair = replace(KIT, 'type: scale', 'type: pair');
		const kit =
			withPair +
			replace(
				replace(plans, 'item: q1', 'item: q1\n        round: after'),
				'      - item: p1\n',
				'      - item: p1\n'
			);
		expect(errorsOf(kit)).toEqual([
			at(
				kit,
				'round: after',
				'lessonPlans\\[0\\]\\.steps\\[1\\]\\.round: applies only to pair polls'
			),
			at(
				kit,
				'item: p1',
				'lessonPlans\\[0\\]\\.steps\\[2\\]\\.item: "p1" is a pair poll: add round: before or round: after'
			)
		]);
	});

	it('an unknown kind of text lists the kinds', () => {
		const reading = replace(READING, 'title: A Test Reading', 'kind: novel\ntitle: A Test Reading');
		expect(errorsOf(KIT, reading)).toEqual([
			expect.stringMatching(/reading\.md:2: kind: must be one of: article, opinion, speech/)
		]);
	});

	it('steps longer than the plan are an error at its minutes', () => {
		const kit = KIT + replace(plans, 'minutes: 5', 'minutes: 15');
		expect(errorsOf(kit)).toEqual([
			at(kit, 'minutes: 10', 'lessonPlans\\[0\\]\\.minutes: the steps add up to 15 minutes')
		]);
	});

	const at = (kit: string, needle: string, rest: string) =>
		expect.stringMatching(new RegExp(`kit\\.yaml:${lineOf(kit, needle)}: ${rest}`));
});

describe('the seed kit', () => {
	const dir = join(process.cwd(), 'quizzes', 'hitting-rock-bottom');
	it.skipIf(!existsSync(join(dir, 'kit.yaml')))('loads without errors', () => {
		const kit = loadKit(dir, 'hitting-rock-bottom');
		expect(kit.blocks.filter((b) => b.n !== null).length).toBeGreaterThan(10);
		expect(kit.blocks.every((b) => b.n === null || b.anchor === `p-${b.n}`)).toBe(true);
	});
});
