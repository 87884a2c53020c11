/**
 * Reads one kit folder (`reading.md` + `kit.yaml`), validates it against the one schema and
 * resolves every evidence quote to an anchor in the reading. All problems are collected and
 * reported as `file:line: field.path: message`; a kit with any error is not served.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as v from 'valibot';
import { FrontMatterSchema, KitSchema, LETTERS } from '../../kit/schema';
import type { Evidence, Kit } from '../../kit/types';
import {
	markTerm,
	renderBlocks,
	renderInline,
	htmlToText,
	footnoteRefs,
	renderReading,
	slugify
} from './markdown';
import { explainMiss, findQuote, type QuoteTarget } from '../../kit/quotes';
import { formatPath, lineOf, parseYaml, type YamlSource } from './yaml-source';
import { readability } from '../../kit/readability';
import { resolveLessonPlans } from './lesson-plans';

export class KitError extends Error {
	constructor(
		readonly slug: string,
		readonly errors: string[]
	) {
		super(`${slug}: ${errors.length} error(s)\n${errors.join('\n')}`);
	}
}

type Path = (string | number)[];

function issuePath(issue: v.BaseIssue<unknown>): Path {
	return (issue.path ?? []).map((p) => p.key as string | number);
}

/**
 * Valibot's messages, in the words of someone writing a kit by hand, with a hint for the usual
 * slips: a YAML number or yes/no where text was meant, a list on a single-choice answer, a quoted
 * number, yes/no for true/false. `siblingType` is the `type` field of the entry holding the value.
 */
export function humanMessage(issue: v.BaseIssue<unknown>, siblingType?: unknown): string {
	if (issue.message.startsWith('Invalid key:')) {
		return issue.input === undefined
			? 'is required but missing'
			: 'is not a known field (check its spelling)';
	}
	if (issue.kind === 'schema' && issue.type !== 'variant' && issue.type !== 'picklist') {
		const got = issue.input;
		const key = issue.path?.[issue.path.length - 1]?.key;
		if (issue.expected === 'string' && (typeof got === 'number' || typeof got === 'boolean'))
			return `is read as ${typeof got === 'number' ? 'a number' : `true/false`}, but text is expected: put quotes around ${String(got)}`;
		if (
			issue.expected === 'string' &&
			Array.isArray(got) &&
			key === 'answer' &&
			siblingType === 'single'
		)
			return 'lists several letters, but a single-choice question has one answer: use type: multiple for several';
		if (
			issue.expected === 'number' &&
			typeof got === 'string' &&
			got.trim() !== '' &&
			!Number.isNaN(Number(got))
		)
			return `is text ('${got}'), but a number is expected: write ${got.trim()} without quotes`;
		if (issue.expected === 'boolean' && typeof got === 'string')
			return `must be true or false (not ${got})`;
		if (issue.expected === 'Array' && typeof got === 'string')
			return 'must be a list: put each entry on its own line starting with "- "';
		if (got === null || got === undefined) return 'is required but empty';
	}
	return issue.message;
}

export function loadKit(dir: string, slug: string): Kit {
	const rel = (f: string) => relative(process.cwd(), join(dir, f)) || f;
	const errors: string[] = [];
	const fail = (file: string, line: number, path: Path, message: string) =>
		errors.push(`${rel(file)}:${line}: ${path.length ? formatPath(path) + ': ' : ''}${message}`);

	// The reading: front matter between `---` lines, then Markdown.
	const readingPath = join(dir, 'reading.md');
	const kitPath = join(dir, 'kit.yaml');
	for (const f of [readingPath, kitPath]) {
		if (!existsSync(f))
			fail(f.endsWith('.md') ? 'reading.md' : 'kit.yaml', 1, [], 'file is missing');
	}
	if (errors.length) throw new KitError(slug, errors);

	// A byte-order mark (Windows editors add one) is not part of the text.
	const reading = readFileSync(readingPath, 'utf8')
		.replace(/^\uFEFF/, '')
		.replace(/\r\n?/g, '\n');
	const fm = /^---\n([\s\S]*?)\n---\n?/.exec(reading);
	if (!fm) {
		fail('reading.md', 1, [], 'must start with front matter between --- lines (title, author, …)');
		throw new KitError(slug, errors);
	}
	const fmParsed = parseYaml(fm[1] ?? '', 1);
	for (const e of fmParsed.errors) fail('reading.md', e.line, [], e.message);
	const meta = validate(FrontMatterSchema, fmParsed.source, 'reading.md');
	const body = reading.slice(fm[0].length);

	const kitParsed = parseYaml(readFileSync(kitPath, 'utf8').replace(/^\uFEFF/, ''));
	for (const e of kitParsed.errors) fail('kit.yaml', e.line, [], e.message);
	const kitFile = kitParsed.errors.length
		? null
		: validate(KitSchema, kitParsed.source, 'kit.yaml');

	function validate<S extends v.GenericSchema>(schema: S, source: YamlSource, file: string) {
		if (source.doc.errors.length) return null;
		const result = v.safeParse(schema, source.doc.toJS());
		if (result.success) return result.output as v.InferOutput<S>;
		for (const issue of result.issues) {
			const path = issuePath(issue);
			const siblingType: unknown = source.doc.getIn([...path.slice(0, -1), 'type']);
			fail(file, lineOf(source, path), path, humanMessage(issue, siblingType));
		}
		return null;
	}

	if (!meta || !kitFile) throw new KitError(slug, errors);
	const at = (path: Path) => lineOf(kitParsed.source, path);
	const kitErr = (path: Path, message: string) => fail('kit.yaml', at(path), path, message);

	const blocks = renderReading(body, meta.footnotes.length);
	const bodyStart = reading.slice(0, fm[0].length).split('\n').length;
	if (!blocks.some((b) => b.text)) {
		// Said once: every evidence quote would fail too, and say nothing more useful.
		fail('reading.md', bodyStart, [], 'the reading is empty: put the text after the closing ---');
		throw new KitError(slug, errors);
	}
	// Every `[^n]` in the text needs its footnote in the front matter.
	const bodyLine = reading.slice(0, fm[0].length).split('\n').length - 1;
	for (const ref of footnoteRefs(body))
		if (ref.n < 1 || ref.n > meta.footnotes.length)
			fail(
				'reading.md',
				bodyLine + ref.line,
				[],
				`[^${ref.n}] refers to footnote ${ref.n}, but the front matter lists ${meta.footnotes.length === 1 ? '1 footnote' : `${meta.footnotes.length} footnotes`}`
			);
	const captionHtml = meta.caption ? renderInline(meta.caption) : null;
	const footnotes = meta.footnotes.map((f, i) => {
		const html = renderInline(f);
		return { anchor: `fn-${i + 1}`, html, text: htmlToText(html) };
	});
	const targets: QuoteTarget[] = [
		...blocks.map((b) => ({
			anchor: b.anchor,
			label: b.n ? `paragraph ${b.n}` : 'the reading',
			text: b.text
		})),
		...(captionHtml
			? [{ anchor: 'caption', label: 'the photo caption', text: htmlToText(captionHtml) }]
			: []),
		...footnotes.map((f, i) => ({ anchor: f.anchor, label: `footnote ${i + 1}`, text: f.text })),
		{ anchor: 'credit', label: 'the credit line', text: meta.credit },
		...meta.notes.map((n) => ({ anchor: 'notes', label: 'the publisher’s note', text: n }))
	];

	const resolve = (quotes: string[] | undefined, path: Path): Evidence[] =>
		(quotes ?? []).flatMap((quote, i) => {
			const t = findQuote(quote, targets);
			if (!t) {
				kitErr([...path, i], explainMiss(quote, targets));
				return [];
			}
			return [{ quote, anchor: t.anchor, label: t.label }];
		});

	const ids = new Map<string, Path>();
	const claimId = (id: string, path: Path) => {
		if (ids.has(id))
			kitErr([...path, 'id'], `duplicate id "${id}" (also at ${formatPath(ids.get(id) ?? [])})`);
		else ids.set(id, path);
	};

	const questions = kitFile.questions.map((q, i) => {
		const path: Path = ['questions', i];
		claimId(q.id, path);
		if (q.type === 'single' || q.type === 'multiple') {
			const answers = q.type === 'single' ? [q.answer] : q.answer;
			for (const a of answers) {
				if (LETTERS.indexOf(a) >= q.choices.length)
					kitErr([...path, 'answer'], `"${a}" is not one of the ${q.choices.length} choices`);
			}
			if (new Set(answers).size !== answers.length)
				kitErr([...path, 'answer'], 'lists a letter twice');
			if (new Set(q.choices).size !== q.choices.length)
				kitErr([...path, 'choices'], 'two choices are the same');
		}
		if (q.type === 'ordering' && new Set(q.items).size !== q.items.length)
			kitErr([...path, 'items'], 'two items are the same');
		return {
			...q,
			evidenceRefs: resolve(q.evidence, [...path, 'evidence']),
			...(q.notes ? { notesHtml: renderBlocks(q.notes) } : {})
		};
	});
	const polls = kitFile.polls.map((p, i) => {
		const path: Path = ['polls', i];
		claimId(p.id, path);
		return {
			...p,
			evidenceRefs: resolve(p.evidence, [...path, 'evidence']),
			...(p.notes ? { notesHtml: renderBlocks(p.notes) } : {})
		};
	});
	const lessonPlans = resolveLessonPlans(kitFile.lessonPlans, questions, polls, kitErr);
	const keyPoints = kitFile.keyPoints.map((k, i) => ({
		text: k.text,
		evidenceRefs: resolve(k.evidence, ['keyPoints', i, 'evidence'])
	}));

	// Glossary terms are marked at their first occurrence in the body (or caption, footnotes).
	const glossary = kitFile.glossary.map((g, i) => {
		const slug = slugify(g.term);
		const forms = g.match?.length ? g.match : [g.term];
		for (const form of forms) {
			for (const b of blocks) {
				const html = markTerm(b.html, form, slug, g.definition);
				if (html) {
					b.html = html;
					return { slug, term: g.term, definition: g.definition, anchor: b.anchor };
				}
			}
		}
		const inCredit = forms.some((f) => meta.credit.includes(f));
		if (!inCredit) kitErr(['glossary', i, 'match'], `"${forms[0]}" does not appear in the reading`);
		return { slug, term: g.term, definition: g.definition, anchor: inCredit ? 'credit' : null };
	});

	if (errors.length) throw new KitError(slug, errors);

	const wordCount = blocks.reduce((n, b) => n + b.text.split(/\s+/).filter(Boolean).length, 0);
	const profile = readability(blocks.filter((b) => b.kind === 'paragraph').map((b) => b.text));
	return {
		slug,
		meta,
		summary: kitFile.summary,
		level: kitFile.level ?? null,
		blocks,
		captionHtml,
		footnotes,
		notes: meta.notes,
		glossary,
		keyPoints,
		questions,
		polls,
		teacherNotesHtml: renderBlocks(kitFile.teacherNotes),
		standards: kitFile.standards,
		lessonPlans,
		readability: profile,
		wordCount,
		readingMinutes: Math.max(1, Math.round(wordCount / 200))
	};
}
