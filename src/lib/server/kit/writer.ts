/**
 * Every write the kit editor makes to the kits folder goes through here.
 *
 * Invariants:
 * - A slug is lowercase letters, digits and dashes (the loader's own rule for folder names) and
 *   the path it names stays inside the kits folder: nothing else is ever written or deleted.
 * - A save lands first in `<kits>/.drafts/<slug>/` (the registry skips dot folders, so a draft is
 *   never offered on `/`, `/read`, `/study` or `/host`) and is checked by the real loader there.
 *   Only a kit without errors replaces `<kits>/<slug>/`, and its draft is then removed.
 * - Files are written whole (a temporary file renamed over the old one), never half.
 */
import {
	cpSync,
	mkdtempSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { KitError, loadKit } from './loader';

export const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface KitFiles {
	reading: string;
	kit: string;
}

/** One loader error, split for the editor: which file, which line, what. */
export interface Diagnostic {
	file: 'reading.md' | 'kit.yaml' | null;
	line: number;
	message: string;
}

export type SaveResult =
	| { ok: true; published: boolean; diagnostics: [] }
	| { ok: false; published: false; diagnostics: Diagnostic[] };

export class SlugError extends Error {}

export function isSlug(slug: unknown): slug is string {
	return typeof slug === 'string' && SLUG.test(slug);
}

/** The folder of a kit (or of its draft), refusing anything that would leave the kits folder. */
export function kitFolder(dir: string, slug: string, draft = false): string {
	if (!isSlug(slug)) throw new SlugError(`"${slug}" is not a kit name: use a-z, 0-9 and dashes`);
	const root = resolve(dir);
	const base = draft ? join(root, '.drafts') : root;
	const folder = resolve(base, slug);
	if (!folder.startsWith(base + sep)) throw new SlugError(`"${slug}" is outside the kits folder`);
	return folder;
}

function writeWhole(file: string, text: string) {
	const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
	writeFileSync(tmp, text);
	renameSync(tmp, file);
}

/** A loader error line (`…/kit.yaml:42: questions[3].answer: …`) as a diagnostic. */
export function toDiagnostic(error: string): Diagnostic {
	const m = /(reading\.md|kit\.yaml):(\d+): ([\s\S]*)$/.exec(error);
	if (!m) return { file: null, line: 0, message: error.replace(/^[^:]*: /, '') };
	return { file: m[1] as Diagnostic['file'], line: Number(m[2]), message: m[3] ?? '' };
}

/** What the real loader says of a kit folder: nothing when it loads. */
export function checkFolder(folder: string, slug: string): Diagnostic[] {
	try {
		loadKit(folder, slug);
		return [];
	} catch (e) {
		if (e instanceof KitError) return e.errors.map(toDiagnostic);
		return [{ file: null, line: 0, message: (e as Error).message }];
	}
}

/** What the loader says of two files not yet saved (checked in a temporary folder). */
export function checkFiles(slug: string, files: KitFiles): Diagnostic[] {
	const folder = mkdtempSync(join(tmpdir(), 'quorum-check-'));
	try {
		writeFileSync(join(folder, 'reading.md'), files.reading);
		writeFileSync(join(folder, 'kit.yaml'), files.kit);
		return checkFolder(folder, isSlug(slug) ? slug : 'new-kit');
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

/** The kit's two files as saved: its draft when it has one, else the published kit. */
export function readKitFiles(dir: string, slug: string): (KitFiles & { draft: boolean }) | null {
	for (const draft of [true, false]) {
		const folder = kitFolder(dir, slug, draft);
		const read = (f: string) =>
			existsSync(join(folder, f)) ? readFileSync(join(folder, f), 'utf8') : '';
		if (existsSync(folder)) return { reading: read('reading.md'), kit: read('kit.yaml'), draft };
	}
	return null;
}

/** Slugs of the drafts, sorted. */
export function listDrafts(dir: string): string[] {
	const drafts = join(resolve(dir), '.drafts');
	if (!existsSync(drafts)) return [];
	return readdirSync(drafts)
		.filter((s) => isSlug(s) && statSync(join(drafts, s)).isDirectory())
		.sort();
}

/**
 * Saves a kit: into its draft folder, checked by the loader, then published in place of the old
 * kit when it has no errors (unless `draft` is asked for). A kit with errors stays a draft.
 */
export function saveKit(
	dir: string,
	slug: string,
	files: KitFiles,
	options: { draft?: boolean } = {}
): SaveResult {
	const draftDir = kitFolder(dir, slug, true);
	mkdirSync(draftDir, { recursive: true });
	writeWhole(join(draftDir, 'reading.md'), files.reading);
	writeWhole(join(draftDir, 'kit.yaml'), files.kit);
	const diagnostics = checkFolder(draftDir, slug);
	if (diagnostics.length) return { ok: false, published: false, diagnostics };
	if (options.draft) return { ok: true, published: false, diagnostics: [] };
	publish(dir, slug);
	return { ok: true, published: true, diagnostics: [] };
}

/** Moves a checked draft over the published kit (the old one goes aside, then away). */
function publish(dir: string, slug: string) {
	const live = kitFolder(dir, slug);
	const aside = join(resolve(dir), `.old-${slug}-${randomBytes(4).toString('hex')}`);
	if (existsSync(live)) renameSync(live, aside);
	renameSync(kitFolder(dir, slug, true), live);
	rmSync(aside, { recursive: true, force: true });
}

/** Copies a kit (its draft if it has one) to a new name, as a draft until it is saved. */
export function duplicateKit(dir: string, from: string, to: string): void {
	const source = readKitFiles(dir, from);
	if (!source) throw new SlugError(`there is no kit called "${from}"`);
	if (existsSync(kitFolder(dir, to)) || existsSync(kitFolder(dir, to, true)))
		throw new SlugError(`a kit called "${to}" already exists`);
	const target = kitFolder(dir, to, true);
	mkdirSync(target, { recursive: true });
	const src = existsSync(kitFolder(dir, from, true))
		? kitFolder(dir, from, true)
		: kitFolder(dir, from);
	cpSync(src, target, { recursive: true });
}

/** Deletes a kit and its draft. */
export function deleteKit(dir: string, slug: string): void {
	for (const draft of [true, false])
		rmSync(kitFolder(dir, slug, draft), { recursive: true, force: true });
}

/** Whether a slug is taken by a kit or a draft. */
export function slugTaken(dir: string, slug: string): boolean {
	return existsSync(kitFolder(dir, slug)) || existsSync(kitFolder(dir, slug, true));
}
