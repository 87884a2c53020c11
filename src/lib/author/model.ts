/**
 * The kit editor's pure rules: where a value lives (paths), blank items of each type, ids from
 * prompts, and the live checks. The checks are the kit's own schema (`src/lib/kit/schema.ts`) and
 * the one quote matcher (`src/lib/kit/quotes.ts`): the browser runs exactly what the loader runs,
 * so what the editor accepts the server accepts (the loader adds only checks across items, such
 * as duplicate ids and answer letters past the last choice, which the editor shows after a save).
 *
 * Invariants: values are never changed in place (`setIn` copies along the path), so a
 * `$state.raw` field holding them updates by assignment.
 */
import * as v from 'valibot';
import { FrontMatterSchema, KitSchema, type PollType, type QuestionType } from '../kit/schema';
import { explainMiss, findQuote, type QuoteTarget } from '../kit/quotes';
import { makeId } from '../kit/import/types';

export type Path = (string | number)[];
export type Data = Record<string, unknown>;

export const pathKey = (path: Path) => path.join('.');

export function getIn(data: unknown, path: Path): unknown {
	let at: unknown = data;
	for (const k of path) at = (at as Record<string | number, unknown> | undefined)?.[k];
	return at;
}

/** A copy of `data` with `value` at `path` (arrays stay arrays). */
export function setIn<T>(data: T, path: Path, value: unknown): T {
	if (path.length === 0) return value as T;
	const [k, ...rest] = path as [string | number, ...Path];
	const inner: unknown = (data as Record<string | number, unknown> | undefined)?.[k];
	const next = setIn(inner, rest, value);
	if (Array.isArray(data)) {
		const copy = [...(data as unknown[])];
		copy[k as number] = next;
		return copy as T;
	}
	return { ...(data as object), [k]: next } as T;
}

/** The list at `path` with entry `i` moved by `delta` (clamped to the list). */
export function moveIn<T>(data: T, path: Path, i: number, delta: number): T {
	const list = [...((getIn(data, path) as unknown[] | undefined) ?? [])];
	const j = Math.max(0, Math.min(list.length - 1, i + delta));
	if (i === j || i < 0 || i >= list.length) return data;
	const [entry] = list.splice(i, 1);
	list.splice(j, 0, entry);
	return setIn(data, path, list);
}

export function removeIn<T>(data: T, path: Path, i: number): T {
	const list = (getIn(data, path) as unknown[] | undefined) ?? [];
	return setIn(
		data,
		path,
		list.filter((_, n) => n !== i)
	);
}

export function pushIn<T>(data: T, path: Path, entry: unknown): T {
	return setIn(data, path, [...((getIn(data, path) as unknown[] | undefined) ?? []), entry]);
}

/** A new question of a type, with the fields its form shows. */
export function blankQuestion(type: QuestionType, id: string): Data {
	const base = { id, type, prompt: '', explanation: '', evidence: [''] };
	switch (type) {
		case 'single':
			return { ...base, choices: ['', ''], answer: 'A' };
		case 'multiple':
			return { ...base, choices: ['', '', ''], answer: ['A'] };
		case 'truefalse':
			return { ...base, answer: true };
		case 'ordering':
			return { ...base, items: ['', '', ''] };
		case 'short':
			return { ...base, accept: [''] };
		case 'numeric':
			return { ...base, answer: 0, tolerance: 0 };
	}
}

export function blankPoll(type: PollType, id: string): Data {
	const base = { id, type, prompt: '' };
	switch (type) {
		case 'scale':
		case 'pair':
			return { ...base, claim: '' };
		case 'choice':
			return { ...base, options: ['', ''], multiple: false };
		case 'open':
			return { ...base, claim: '' };
		case 'wordcloud':
			return base;
		case 'writing':
			return { ...base, rubric: [''] };
	}
}

/** Every item id in the kit but the one at `skip`. */
export function takenIds(kit: Data, skip?: Path): Set<string> {
	const ids = new Set<string>();
	for (const list of ['questions', 'polls'])
		((kit[list] as Data[] | undefined) ?? []).forEach((item, i) => {
			if (skip && skip[0] === list && skip[1] === i) return;
			if (typeof item.id === 'string') ids.add(item.id);
		});
	return ids;
}

/** An id for an item from its prompt, unique in the kit. */
export function idFromPrompt(prompt: string, kit: Data, at: Path): string {
	return makeId(prompt.trim() || 'item', takenIds(kit, at));
}

/** Problems by field (`pathKey` of its path, in the file's terms: `questions.2.evidence.0`). */
export type Problems = Map<string, string[]>;

function add(problems: Problems, path: Path, message: string) {
	const key = pathKey(path);
	problems.set(key, [...(problems.get(key) ?? []), message]);
}

/** Valibot's message in plain words for a form (a form never sends an unknown key). */
function plain(issue: v.BaseIssue<unknown>): string {
	const input = issue.input;
	if (input === undefined || input === null || (typeof input === 'string' && !input.trim()))
		return issue.message.startsWith('Invalid') ? 'is required' : issue.message;
	if (issue.message.startsWith('Invalid type: Expected number')) return 'must be a number';
	return issue.message;
}

/** Runs `schema` over `data`, each issue filed under `prefix` + its path. */
function schemaProblems(
	problems: Problems,
	schema: v.GenericSchema,
	data: unknown,
	prefix: Path
): void {
	const result = v.safeParse(schema, data);
	if (result.success) return;
	for (const issue of result.issues) {
		const path = (issue.path ?? []).map((p) => p.key as string | number);
		add(problems, [...prefix, ...path], plain(issue));
	}
}

/** Every evidence list of a kit with its path. */
function evidenceLists(kit: Data): { path: Path; quotes: unknown[] }[] {
	const out: { path: Path; quotes: unknown[] }[] = [];
	for (const list of ['keyPoints', 'questions', 'polls'])
		((kit[list] as Data[] | undefined) ?? []).forEach((item, i) => {
			if (Array.isArray(item?.evidence))
				out.push({ path: [list, i, 'evidence'], quotes: item.evidence as unknown[] });
		});
	return out;
}

/**
 * The live checks: the front matter (under `meta.`) and the kit against the schema, each
 * evidence quote and glossary match against the reading with the one matcher.
 */
export function check(meta: Data, kit: Data, targets: QuoteTarget[]): Problems {
	const problems: Problems = new Map();
	schemaProblems(problems, FrontMatterSchema, meta, ['meta']);
	schemaProblems(problems, KitSchema, kit, []);
	if (targets.length === 0) return problems;
	for (const { path, quotes } of evidenceLists(kit))
		quotes.forEach((q, i) => {
			if (typeof q === 'string' && q.trim() && !findQuote(q, targets))
				add(problems, [...path, i], explainMiss(q, targets));
		});
	((kit.glossary as Data[] | undefined) ?? []).forEach((g, i) => {
		const forms = Array.isArray(g.match) && g.match.length ? g.match : [g.term];
		const first = forms[0];
		if (typeof first !== 'string' || !first.trim()) return;
		if (!forms.some((f) => typeof f === 'string' && targets.some((t) => t.text.includes(f))))
			add(problems, ['glossary', i, 'match'], `"${first}" does not appear in the reading`);
	});
	return problems;
}

/** Where a quote was found, for the line under an evidence field. */
export function quoteLabel(quote: string, targets: QuoteTarget[]): string | null {
	return findQuote(quote, targets)?.label ?? null;
}

/** A slug for a new kit from its title. */
export function slugFromTitle(title: string): string {
	return makeId(title.trim() || 'new-kit', new Set());
}

/** The text picked in the reading as a quote: one line, trimmed, footnote marks left out. */
export function cleanSelection(text: string): string {
	return text
		.replace(/\s+/g, ' ')
		.replace(/\s*\*$/, '')
		.trim();
}
