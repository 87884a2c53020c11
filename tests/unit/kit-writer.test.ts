import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { splitReading, tidyReading, tidyYaml } from '../../src/lib/kit/tidy';
import {
	checkFiles,
	deleteKit,
	duplicateKit,
	kitFolder,
	listDrafts,
	readKitFiles,
	saveKit,
	SlugError,
	toDiagnostic
} from '../../src/lib/server/kit/writer';
import { createKitLibrary } from '../../src/lib/server/kit/registry';

const FIXTURE = 'tests/fixtures/kits/gettysburg-address';

function kitsCopy(): string {
	const dir = mkdtempSync(join(tmpdir(), 'quorum-writer-'));
	cpSync(FIXTURE, join(dir, 'gettysburg-address'), { recursive: true });
	return dir;
}

const files = (dir: string, slug: string) => readKitFiles(dir, slug)!;

describe('tidyYaml', () => {
	const source = [
		'# The teacher wrote this.',
		'summary: Old # kept beside its value',
		'questions:',
		'  # about q1',
		'  - id: q1',
		'    prompt: What?',
		'    type: truefalse',
		'    answer: true',
		'  # about q2',
		'  - id: q2',
		'    type: truefalse',
		'    prompt: Why?',
		'    answer: false',
		''
	].join('\n');

	it.each([
		['keeps the top comment', '# The teacher wrote this.'],
		['keeps a comment beside an unchanged value', 'summary: Old # kept beside its value'],
		['keeps a comment above a list entry that moved', '  # about q1\n  - id: q1']
	])('%s', (_, expected) => {
		const out = tidyYaml(source, {
			summary: 'Old',
			questions: [
				{ id: 'q2', type: 'truefalse', prompt: 'Why?', answer: false },
				{ id: 'q1', type: 'truefalse', prompt: 'What?', answer: true }
			]
		});
		expect(out).toContain(expected);
	});

	it('writes keys in one stable order, whatever order they came in', () => {
		const out = tidyYaml('', {
			questions: [
				{ evidence: ['e'], answer: 'A', choices: ['x', 'y'], prompt: 'P', type: 'single', id: 'a' }
			],
			keyPoints: [{ evidence: ['e'], text: 't' }],
			summary: 'S'
		});
		expect(
			out
				.split('\n')
				.map((l) => /^\s*-?\s*(\w+):/.exec(l)?.[1])
				.filter(Boolean)
		).toEqual([
			'summary',
			'keyPoints',
			'text',
			'evidence',
			'questions',
			'id',
			'type',
			'prompt',
			'choices',
			'answer',
			'evidence'
		]);
	});

	it('writes an entry it changes in the one order, and leaves an unchanged one as written', () => {
		const source = 'questions:\n  - prompt: P\n    id: a\n  - prompt: Q\n    id: b\n';
		const out = tidyYaml(source, {
			questions: [
				{ prompt: 'P', id: 'a' },
				{ prompt: 'R', id: 'b' }
			]
		});
		expect(out).toBe('questions:\n  - prompt: P\n    id: a\n  - id: b\n    prompt: R\n');
	});

	it('gives the seed kit back byte for byte when nothing changed, and rewrites only the edited item', () => {
		const seed = readFileSync('quizzes/hitting-rock-bottom/kit.yaml', 'utf8');
		const data = parse(seed) as { questions: { id: string; prompt: string }[] };
		expect(tidyYaml(seed, data)).toBe(seed);
		data.questions[2]!.prompt = 'A new prompt?';
		const out = tidyYaml(seed, data);
		expect(parse(out)).toEqual(data);
		// Everything before and after the edited question is the teacher's text.
		const id = data.questions[2]!.id;
		const next = data.questions[3]!.id;
		const head = (t: string) => t.slice(0, t.indexOf(`- id: ${id}`));
		const tail = (t: string) => t.slice(t.indexOf(`- id: ${next}`));
		expect(head(out)).toBe(head(seed));
		expect(tail(out)).toBe(tail(seed));
	});

	it('drops keys left out, empty text and empty lists', () => {
		const out = tidyYaml('summary: S\nlevel: L\nglossary: []\n', {
			summary: 'S',
			level: '',
			glossary: []
		});
		expect(out).toBe('summary: S\n');
	});

	it('writes a changed multi-line text as a block', () => {
		const out = tidyYaml('teacherNotes: one line\n', { teacherNotes: 'one\ntwo' });
		expect(parse(out)).toEqual({ teacherNotes: 'one\ntwo' });
		expect(out).toContain('teacherNotes: |');
	});

	it('quotes a date, as the kit format asks', () => {
		expect(tidyYaml('', { published: '2024-05-01' })).toBe("published: '2024-05-01'\n");
	});

	it('refuses a file that does not parse instead of overwriting it', () => {
		expect(() => tidyYaml('summary: "open\n', { summary: 'x' })).toThrow(/does not parse/);
	});

	it('round-trips the data it is given', () => {
		const data = {
			summary: 'S',
			questions: [{ id: 'n', type: 'numeric', prompt: 'How many?', answer: 3, tolerance: 0.5 }]
		};
		expect(parse(tidyYaml('# c\nsummary: T\n', data))).toEqual(data);
	});
});

describe('tidyReading / splitReading', () => {
	it('keeps front matter comments and puts the body after it', () => {
		const src = '---\n# where I found it\ntitle: Old\nauthor: A\n---\n\nBody one.\n';
		const out = tidyReading(src, { title: 'New', author: 'A' }, 'Body two.');
		expect(out).toBe('---\n# where I found it\ntitle: New\nauthor: A\n---\n\nBody two.\n');
		expect(splitReading(out)).toEqual({ meta: { title: 'New', author: 'A' }, body: 'Body two.\n' });
	});
});

describe('kit writer', () => {
	it.each(['../etc', '..', 'a/b', 'A', '', '.drafts', 'x'.repeat(65), 'a\\b', '/abs'])(
		'refuses the slug %j',
		(slug) => {
			const dir = kitsCopy();
			expect(() => kitFolder(dir, slug)).toThrow(SlugError);
			expect(() => saveKit(dir, slug, { reading: '', kit: '' })).toThrow(SlugError);
			expect(() => deleteKit(dir, slug)).toThrow(SlugError);
		}
	);

	it('publishes a kit without errors and removes its draft', () => {
		const dir = kitsCopy();
		const f = files(dir, 'gettysburg-address');
		const result = saveKit(dir, 'speech-copy', f);
		expect(result).toEqual({ ok: true, published: true, diagnostics: [] });
		expect(readFileSync(join(dir, 'speech-copy', 'kit.yaml'), 'utf8')).toBe(f.kit);
		expect(listDrafts(dir)).toEqual([]);
		expect(createKitLibrary(dir).get('speech-copy')?.meta.title).toBe('The Gettysburg Address');
	});

	it('keeps a kit with errors as a draft the library never serves, the old kit untouched', () => {
		const dir = kitsCopy();
		const f = files(dir, 'gettysburg-address');
		const broken = f.kit.replace('we can not dedicate—we can not consecrate', 'we will consecrate');
		const result = saveKit(dir, 'gettysburg-address', { ...f, kit: broken });
		expect(result.ok).toBe(false);
		expect(result.diagnostics[0]).toMatchObject({ file: 'kit.yaml', line: 14 });
		expect(result.diagnostics[0]!.message).toMatch(/quote not found/);
		expect(listDrafts(dir)).toEqual(['gettysburg-address']);
		expect(readKitFiles(dir, 'gettysburg-address')).toMatchObject({ draft: true, kit: broken });
		const library = createKitLibrary(dir);
		expect(library.list().map((k) => k.slug)).toEqual(['gettysburg-address']);
		expect(library.broken()).toEqual([]);
		expect(readFileSync(join(dir, 'gettysburg-address', 'kit.yaml'), 'utf8')).toBe(f.kit);
	});

	it('saves a draft on request even without errors', () => {
		const dir = kitsCopy();
		expect(saveKit(dir, 'later', files(dir, 'gettysburg-address'), { draft: true }).published).toBe(
			false
		);
		expect(listDrafts(dir)).toEqual(['later']);
		expect(existsSync(join(dir, 'later'))).toBe(false);
	});

	it('duplicates a kit as a draft and refuses a taken name', () => {
		const dir = kitsCopy();
		duplicateKit(dir, 'gettysburg-address', 'copy');
		expect(readKitFiles(dir, 'copy')).toMatchObject({ draft: true });
		expect(() => duplicateKit(dir, 'gettysburg-address', 'copy')).toThrow(/already exists/);
		expect(() => duplicateKit(dir, 'nothing', 'other')).toThrow(/no kit/);
	});

	it('deletes a kit and its draft, and nothing else', () => {
		const dir = kitsCopy();
		duplicateKit(dir, 'gettysburg-address', 'copy');
		writeFileSync(join(dir, 'keep.txt'), 'x');
		deleteKit(dir, 'copy');
		deleteKit(dir, 'gettysburg-address');
		expect(readKitFiles(dir, 'copy')).toBeNull();
		expect(readKitFiles(dir, 'gettysburg-address')).toBeNull();
		expect(existsSync(join(dir, 'keep.txt'))).toBe(true);
	});

	it('checks files without writing them into the kits folder', () => {
		const f = files(kitsCopy(), 'gettysburg-address');
		expect(checkFiles('x', f)).toEqual([]);
		expect(checkFiles('x', { ...f, kit: 'summary: [' })[0]).toMatchObject({
			file: 'kit.yaml',
			line: 1
		});
	});

	it.each([
		[
			'quizzes/x/kit.yaml:42: questions[3].answer: bad',
			{ file: 'kit.yaml', line: 42, message: 'questions[3].answer: bad' }
		],
		[
			'x: folder names must be lowercase',
			{ file: null, line: 0, message: 'folder names must be lowercase' }
		]
	])('reads the loader error %j', (error, expected) => {
		expect(toDiagnostic(error)).toEqual(expected);
	});
});
