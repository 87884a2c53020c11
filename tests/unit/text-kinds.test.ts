import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKit } from '../../src/lib/server/kit/loader';
import { dateLabel, sourceLine, sourceText } from '../../src/lib/reading/source-line';
import type { FrontMatter } from '../../src/lib/kit/schema';

const meta = (m: Partial<FrontMatter>) =>
	({ kind: 'article', published: '2016-10-12', ...m }) as FrontMatter;

describe('the credit line is worded for the kind of text', () => {
	const cases: [string, Partial<FrontMatter>, string, string | null][] = [
		[
			'a news article',
			{ publisher: 'The Moscow Times', source: 'https://example.org/a' },
			'First published in The Moscow Times on 12 October 2016.',
			'Read the original article'
		],
		[
			'a speech with a transcript',
			{ kind: 'speech', publisher: 'the UN General Assembly', source: 'https://example.org/s' },
			'Delivered at the UN General Assembly on 12 October 2016.',
			'Read the source transcript'
		],
		['a public-domain speech', { kind: 'speech' }, 'Delivered on 12 October 2016.', null],
		['a letter', { kind: 'letter' }, 'Written on 12 October 2016.', null],
		[
			'a book chapter',
			{ kind: 'chapter', publisher: 'Penguin' },
			'Published in Penguin on 12 October 2016.',
			null
		]
	];
	it.each(cases)('%s', (_, m, text, link) => {
		expect(sourceText(meta(m))).toBe(text);
		expect(sourceLine(meta(m)).link?.label ?? null).toBe(link);
	});

	it('a speech is dated as delivered', () => {
		expect(dateLabel(meta({ kind: 'speech', published: '1863-11-19' }))).toBe(
			'Delivered 19 November 1863'
		);
		expect(dateLabel(meta({}))).toBe('12 October 2016');
	});
});

describe('a public-domain speech kit', () => {
	const kit = loadKit(
		join(import.meta.dirname, '../fixtures/kits/gettysburg-address'),
		'gettysburg'
	);
	it('loads without a publisher or a source', () => {
		expect(kit.meta.kind).toBe('speech');
		expect(kit.meta.publisher).toBeUndefined();
		expect(kit.meta.source).toBeUndefined();
		expect(sourceText(kit.meta)).toBe('Delivered on 19 November 1863.');
		expect(sourceLine(kit.meta).link).toBeNull();
	});
	it('resolves a quote across unspaced dashes and renders the item notes', () => {
		expect(kit.questions[0]?.evidenceRefs[0]?.anchor).toBe('p-3');
		expect(kit.questions[0]?.notesHtml).toContain('three times');
	});
	it('has a readability profile', () => {
		// 271 or so words in 10 sentences; Lincoln's long periodic sentences put it near grade 11.
		expect(kit.readability.sentences).toBe(10);
		expect(kit.readability.words).toBeGreaterThan(260);
		expect(kit.readability.grade).toBeGreaterThan(9);
	});
});
