/**
 * Writes a kit the editor built back into the teacher's YAML text. Pure (the `yaml` package
 * only), so the server's writer and the browser share it.
 *
 * Invariants:
 * - The teacher's document is edited, never regenerated: a node whose value did not change keeps
 *   its text, its comments and its style; comments before a key or a list entry stay with it.
 * - Keys come out in one stable order (`KEY_ORDERS`), known keys first, unknown ones after in the
 *   order they had; list entries with an `id` are matched by id, others by position.
 * - A key the editor left out (or set to undefined, empty text or an empty list) is removed.
 */
import {
	Document,
	isMap,
	isScalar,
	isSeq,
	parseDocument,
	visit,
	type Pair,
	type Scalar
} from 'yaml';

/** The orders keys are written in, as the seed kit writes them, one per kind of map. */
export const KEY_ORDERS = [
	// kit.yaml
	[
		'summary',
		'level',
		'standards',
		'keyPoints',
		'glossary',
		'questions',
		'polls',
		'teacherNotes',
		'lessonPlans'
	],
	// reading.md front matter
	[
		'kind',
		'title',
		'author',
		'publisher',
		'published',
		'source',
		'credit',
		'caption',
		'captionNote',
		'footnotes',
		'notes',
		'pairedTexts'
	],
	// questions and polls
	[
		'id',
		'type',
		'skill',
		'prompt',
		'claim',
		'choices',
		'options',
		'multiple',
		'items',
		'answer',
		'accept',
		'tolerance',
		'unit',
		'maxLength',
		'explanation',
		'evidence',
		'standards',
		'notes'
	],
	['text', 'evidence'],
	['term', 'match', 'definition'],
	['name', 'minutes', 'steps'],
	['item', 'round', 'minutes', 'note'],
	['title', 'source', 'date', 'url', 'why']
];

/** The order for a map with these keys: the one that names most of them. */
function orderFor(keys: string[]): string[] {
	let best = KEY_ORDERS[0]!;
	let score = -1;
	for (const order of KEY_ORDERS) {
		const n = keys.filter((k) => order.includes(k)).length;
		if (n > score) [best, score] = [order, n];
	}
	return best;
}

function byOrder(keys: string[]): string[] {
	const order = orderFor(keys);
	const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
	return keys
		.map((k, i) => ({ k, i }))
		.sort((a, b) => rank(a.k) - rank(b.k) || a.i - b.i)
		.map(({ k }) => k);
}

type Plain = string | number | boolean | null | undefined | Plain[] | { [k: string]: Plain };

const isRecord = (x: unknown): x is Record<string, Plain> =>
	typeof x === 'object' && x !== null && !Array.isArray(x);

const isEmpty = (x: Plain) =>
	x === undefined ||
	x === null ||
	(typeof x === 'string' && x.trim() === '') ||
	(Array.isArray(x) && x.length === 0);

function keyOf(pair: Pair): string {
	return isScalar(pair.key) ? String((pair.key as Scalar).value) : String(pair.key);
}

function idOf(node: unknown): unknown {
	return isMap(node) ? node.get('id') : undefined;
}

/** The node for `value`, reusing `node` (and its comments) wherever it still fits. */
function merge(doc: Document, node: unknown, value: Plain): unknown {
	if (isRecord(value) && isMap(node)) {
		const old = new Map(node.items.map((p) => [keyOf(p), p] as const));
		const keys = byOrder(Object.keys(value).filter((k) => !isEmpty(value[k])));
		node.items = keys.map((k) => {
			const pair = old.get(k);
			if (!pair) return doc.createPair(k, clean(value[k]));
			pair.value = merge(doc, pair.value, value[k]);
			return pair;
		});
		return node;
	}
	if (Array.isArray(value) && isSeq(node)) {
		// A comment above the first entry is parsed as the list's; it belongs to that entry.
		const first = node.items[0] as { commentBefore?: string | null } | undefined;
		if (node.commentBefore && first && isMap(first) && !first.commentBefore) {
			first.commentBefore = node.commentBefore;
			node.commentBefore = undefined;
		}
		const byId = new Map(node.items.map((n) => [idOf(n), n] as const));
		node.items = value.map((v, i) => {
			const id = isRecord(v) ? v.id : undefined;
			const prior = id !== undefined && byId.has(id) ? byId.get(id) : node.items[i];
			// An entry matched by position only when it has no id of its own to disagree.
			const fits = id !== undefined || idOf(prior) === undefined;
			return merge(doc, fits ? prior : undefined, v);
		});
		return node;
	}
	if (isScalar(node) && !isRecord(value) && !Array.isArray(value)) {
		if (node.value !== value) {
			node.value = value;
			// A multi-line text is written as a block (|), the way a teacher would.
			node.type = typeof value === 'string' && value.includes('\n') ? 'BLOCK_LITERAL' : undefined;
		}
		return node;
	}
	return doc.createNode(clean(value));
}

/** A new value as it is written: keys in order, empty ones left out. */
function clean(value: Plain): Plain {
	if (Array.isArray(value)) return value.map(clean);
	if (!isRecord(value)) return value;
	const out: Record<string, Plain> = {};
	for (const k of byOrder(Object.keys(value))) if (!isEmpty(value[k])) out[k] = clean(value[k]);
	return out;
}

/**
 * `data` written into the YAML text `source` (empty for a new file), keeping the teacher's
 * comments and wording wherever a value is unchanged. Throws if `source` does not parse: the
 * editor then offers the raw text instead of overwriting it.
 */
export function tidyYaml(source: string, data: Record<string, unknown>): string {
	const doc = parseDocument(source || '{}');
	if (doc.errors.length) throw new Error(`the YAML does not parse: ${doc.errors[0]!.message}`);
	const root = isMap(doc.contents) ? doc.contents : null;
	doc.contents = merge(doc, root, data as Record<string, Plain>) as typeof doc.contents;
	if (isMap(doc.contents)) doc.contents.flow = false;
	// A date stays text for every YAML reader (YAML 1.1 tools would read it as a date).
	visit(doc, {
		Scalar(_, node) {
			if (
				typeof node.value === 'string' &&
				/^\d{4}-\d\d-\d\d$/.test(node.value) &&
				!node.type?.startsWith('QUOTE')
			)
				node.type = 'QUOTE_SINGLE';
		}
	});
	return keepTeacherText(source, doc.toString({ lineWidth: 100, indentSeq: true }));
}

/** Equal as data, whatever the key order. */
function same(a: unknown, b: unknown): boolean {
	if (Array.isArray(a) || Array.isArray(b))
		return (
			Array.isArray(a) &&
			Array.isArray(b) &&
			a.length === b.length &&
			a.every((x, i) => same(x, b[i]))
		);
	if (isRecord(a) || isRecord(b)) {
		if (!isRecord(a) || !isRecord(b)) return false;
		const ka = Object.keys(a);
		return ka.length === Object.keys(b).length && ka.every((k) => same(a[k], b[k]));
	}
	return a === b;
}

const js = (node: unknown): unknown =>
	node && typeof (node as { toJSON?: unknown }).toJSON === 'function'
		? (node as { toJSON(): unknown }).toJSON()
		: node;

type Ranged = { range?: [number, number, number] | null };

/**
 * The written text, with every top-level value and list entry whose data did not change put back
 * as the teacher wrote it (wrapping, quoting, key order): only what the editor changed is
 * rewritten. Kept only if the result reads back as the same data; else the plain rewrite.
 */
function keepTeacherText(source: string, out: string): string {
	if (!source.trim()) return out;
	const a = parseDocument(source);
	const b = parseDocument(out);
	if (!isMap(a.contents) || !isMap(b.contents) || a.contents.flow) return out;
	const edits: { from: number; to: number; text: string }[] = [];
	const keep = (was: unknown, now: unknown) => {
		const ra = (was as Ranged).range;
		const rb = (now as Ranged).range;
		if (ra && rb) edits.push({ from: rb[0], to: rb[1], text: source.slice(ra[0], ra[1]) });
	};
	for (const pb of b.contents.items) {
		const pa = a.contents.items.find((p) => keyOf(p) === keyOf(pb));
		if (!pa) continue;
		if (same(js(pa.value), js(pb.value))) keep(pa.value, pb.value);
		else if (isSeq(pa.value) && isSeq(pb.value) && !pa.value.flow) {
			const old = pa.value.items;
			pb.value.items.forEach((item, i) => {
				const id = idOf(item);
				const was = id !== undefined ? old.find((o) => idOf(o) === id) : old[i];
				if (was !== undefined && same(js(was), js(item))) keep(was, item);
			});
		}
	}
	if (edits.length === 0) return out;
	let text = out;
	for (const e of edits.sort((x, y) => y.from - x.from))
		text = text.slice(0, e.from) + e.text + text.slice(e.to);
	const check = parseDocument(text);
	return check.errors.length === 0 && same(check.toJS(), b.toJS()) ? text : out;
}

/** A reading.md's text: front matter written with `tidyYaml` over the old one, then the body. */
export function tidyReading(source: string, meta: Record<string, unknown>, body: string): string {
	const fm = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
	const front = tidyYaml(fm?.[1] ?? '', meta);
	return `---\n${front}---\n\n${body.replace(/^\s*\n/, '').replace(/\s*$/, '\n')}`;
}

/** Splits a reading.md's text into its front matter (parsed) and its body. */
export function splitReading(source: string): { meta: Record<string, unknown>; body: string } {
	const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
	const fm = /^---\n([\s\S]*?)\n---\n?/.exec(text);
	if (!fm) return { meta: {}, body: text };
	const parsed: unknown = parseDocument(fm[1] ?? '').toJS();
	return {
		meta: isRecord(parsed) ? parsed : {},
		body: text.slice(fm[0].length).replace(/^\n+/, '')
	};
}
