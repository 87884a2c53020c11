/**
 * What the kit editor's routes do, so each route stays a few lines: open a kit as the editor
 * holds it, render a reading's blocks for the browser's quote checks, save and reload.
 *
 * The browser matches quotes with the one matcher (`src/lib/kit/quotes.ts`) against the text of
 * the blocks rendered here by the server's own Markdown module: the reading's text is extracted
 * once, in one place, the way the loader extracts it.
 */
import { parse } from 'yaml';
import type { QuoteTarget } from '../../kit/quotes';
import { splitReading, tidyReading, tidyYaml } from '../../kit/tidy';
import type { AppContext } from '../context';
import { htmlToText, renderInline, renderReading } from './markdown';
import { listDrafts, readKitFiles, saveKit, slugTaken, type SaveResult } from './writer';

type Data = Record<string, unknown>;

export interface EditorBlock {
	anchor: string;
	label: string;
	html: string;
}

const strings = (x: unknown): string[] =>
	Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];

/** The reading's blocks as the reading page shows them, and the texts a quote may come from. */
export function renderForEditor(
	meta: Data,
	body: string
): { blocks: EditorBlock[]; targets: QuoteTarget[] } {
	const footnotes = strings(meta.footnotes);
	const blocks = renderReading(body, footnotes.length).map((b) => ({
		anchor: b.anchor,
		label: b.n ? `paragraph ${b.n}` : 'the reading',
		html: b.html,
		text: b.text
	}));
	const caption = typeof meta.caption === 'string' ? meta.caption : '';
	const credit = typeof meta.credit === 'string' ? meta.credit : '';
	const targets: QuoteTarget[] = [
		...blocks.map(({ anchor, label, text }) => ({ anchor, label, text })),
		...(caption
			? [{ anchor: 'caption', label: 'the photo caption', text: htmlToText(renderInline(caption)) }]
			: []),
		...footnotes.map((f, i) => ({
			anchor: `fn-${i + 1}`,
			label: `footnote ${i + 1}`,
			text: htmlToText(renderInline(f))
		})),
		...(credit ? [{ anchor: 'credit', label: 'the credit line', text: credit }] : []),
		...strings(meta.notes).map((n) => ({ anchor: 'notes', label: 'the publisher’s note', text: n }))
	];
	return { blocks: blocks.map(({ anchor, label, html }) => ({ anchor, label, html })), targets };
}

/** A saved kit (its draft if it has one) opened for the editor. */
export function openForEditor(ctx: AppContext, slug: string) {
	const files = readKitFiles(ctx.kits.dir, slug);
	if (!files) return null;
	const { meta, body } = splitReading(files.reading);
	let kit: Data = {};
	let kitError: string | null = null;
	try {
		const parsed: unknown = parse(files.kit);
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) kit = parsed as Data;
	} catch (e) {
		kitError = (e as Error).message;
	}
	return {
		slug,
		draft: files.draft,
		meta,
		body,
		kit,
		kitSource: files.kit,
		kitError,
		...renderForEditor(meta, body)
	};
}

export interface SaveRequest {
	slug: string;
	isNew: boolean;
	meta: Data;
	body: string;
	kit: Data;
	/** The kit.yaml text to write over (from the raw YAML tab); else the saved file. */
	kitSource?: string;
	/** Keep it a draft even without errors. */
	asDraft?: boolean;
}

/**
 * Writes the editor's kit over the saved files (the teacher's YAML comments kept), checks it
 * with the loader and reloads the library, so the running server serves it at once.
 */
export function saveFromEditor(
	ctx: AppContext,
	req: SaveRequest
): SaveResult | { ok: false; published: false; taken: true } {
	if (req.isNew && slugTaken(ctx.kits.dir, req.slug))
		return { ok: false, published: false, taken: true };
	const old = readKitFiles(ctx.kits.dir, req.slug) ?? { reading: '', kit: '' };
	const files = {
		reading: tidyReading(old.reading, req.meta, req.body),
		kit: tidyYaml(req.kitSource ?? old.kit, req.kit)
	};
	const result = saveKit(ctx.kits.dir, req.slug, files, { draft: req.asDraft });
	if (result.published) ctx.kits.reload();
	return result;
}

/** The /author list: kits served, kits the loader refused, and drafts. */
export function authorList(ctx: AppContext) {
	const drafts = listDrafts(ctx.kits.dir);
	return {
		kits: ctx.kits
			.list()
			.map((k) => ({ slug: k.slug, title: k.meta.title, draft: drafts.includes(k.slug) }))
			.sort((a, b) => a.title.localeCompare(b.title, 'en')),
		broken: ctx.kits.broken().map((b) => ({ slug: b.slug, errors: b.errors })),
		drafts: drafts
			.filter((d) => !ctx.kits.get(d))
			.map((slug) => {
				const files = readKitFiles(ctx.kits.dir, slug);
				const title = files ? splitReading(files.reading).meta.title : null;
				return { slug, title: typeof title === 'string' ? title : slug };
			})
	};
}
