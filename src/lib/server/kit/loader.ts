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

/** Valibot's messages, in the words of someone writing a kit by hand. */
function humanMessage(issue: v.BaseIssue<unknown>): string {
	if (issue.message.startsWith('Invalid key:')) {
		return issue.input === undefined
			? 'is required but missing'
			: 'is not a known field (check its spelling)';
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

	const reading = readFileSync(readingPath, 'utf8').replace(/\r\n?/g, '\n');
	const fm = /^---\n([\s\S]*?)\n---\n?/.exec(reading);
	if (!fm) {
		fail('reading.md', 1, [], 'must start with front matter between --- lines (title, author, …)');
		throw new KitError(slug, errors);
	}
	const fmParsed = parseYaml(fm[1] ?? '', 1);
	for (const e of fmParsed.errors) fail('reading.md', e.line, [], e.message);
	const meta = validate(FrontMatterSchema, fmParsed.source, 'reading.md');
	const body = reading.slice(fm[0].length);

	const kitParsed = parseYaml(readFileSync(kitPath, 'utf8'));
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
			fail(file, lineOf(source, path), path, humanMessage(issue));
		}
		return null;
	}

	if (!meta || !kitFile) throw new KitError(slug, errors);
	const at = (path: Path) => lineOf(kitParsed.source, path);
	const kitErr = (path: Path, message: string) => fail('kit.yaml', at(path), path, message);

	const blocks = renderReading(body, meta.footnotes.length);
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
		return { ...q, evidenceRefs: resolve(q.evidence, [...path, 'evidence']) };
	});
	const polls = kitFile.polls.map((p, i) => {
		const path: Path = ['polls', i];
		claimId(p.id, path);
		return { ...p, evidenceRefs: resolve(p.evidence, [...path, 'evidence']) };
	});
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
		wordCount,
		readingMinutes: Math.max(1, Math.round(wordCount / 200))
	};
}
