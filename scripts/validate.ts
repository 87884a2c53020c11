/**
 * `npm run validate [-- <kit folder>…] [--dir <kits folder>] [--json] [--out <file>]`
 *
 * Checks every kit in the kits folder (QUORUM_KITS, default `quizzes/`), or only the kit folders
 * named, prints a table with each kit's readability profile, and exits 1 if any kit has an error
 * or there was no kit to check. With `--json` stdout carries only the JSON (run npm with `-s`,
 * `npm run -s validate -- --json`, or npm prints its own banner first); `--out <file>` writes the
 * JSON to a file and prints the table as usual.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createKitLibrary, kitsDir, summarize } from '../src/lib/server/kit/registry';
import { KitError, loadKit } from '../src/lib/server/kit/loader';
import { QUESTION_TYPES, POLL_TYPES } from '../src/lib/kit/schema';
import type { Kit } from '../src/lib/kit/types';

const args = process.argv.slice(2);
const json = args.includes('--json');
const valueOf = (flag: string) => {
	const i = args.indexOf(flag);
	return i >= 0 ? args[i + 1] : undefined;
};
const out = valueOf('--out');
const dir = resolve(valueOf('--dir') ?? kitsDir());
const named = args.filter(
	(a, i) => !a.startsWith('--') && !['--dir', '--out'].includes(args[i - 1] ?? '')
);

function stop(message: string): never {
	console.error(message);
	process.exit(1);
}

type Row = ReturnType<typeof summarize> & { errors: string[] };
const ok = (k: Kit): Row => ({ ...summarize(k), errors: [] });
const broken = (slug: string, errors: string[]) => ({
	slug,
	title: null,
	questions: {},
	polls: {},
	glossary: 0,
	keyPoints: 0,
	readability: null,
	errors
});

let rows: (Row | ReturnType<typeof broken>)[];
if (named.length) {
	rows = named.map((folder) => {
		const path = resolve(folder);
		if (!existsSync(path) || !statSync(path).isDirectory())
			stop(`${folder}: no such kit folder (a kit is a folder holding reading.md and kit.yaml)`);
		const slug = basename(path);
		try {
			return ok(loadKit(path, slug));
		} catch (e) {
			if (e instanceof KitError) return broken(slug, e.errors);
			throw e;
		}
	});
} else {
	if (!existsSync(dir))
		stop(
			`The kits folder ${dir} does not exist. Create it, or point QUORUM_KITS (or --dir) at the folder that holds your kits.`
		);
	if (!readdirSync(dir).some((n) => !n.startsWith('.') && statSync(resolve(dir, n)).isDirectory()))
		stop(
			`The kits folder ${dir} holds no kits. Add a folder per kit with a reading.md and a kit.yaml (see README, "Writing a kit").`
		);
	const library = createKitLibrary(dir);
	rows = [...library.list().map(ok), ...library.broken().map((b) => broken(b.slug, b.errors))];
}
rows.sort((a, b) => a.slug.localeCompare(b.slug));
const failed = rows.some((r) => r.errors.length > 0);

if (out) writeFileSync(out, JSON.stringify(rows, null, 2) + '\n');
if (json) {
	process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
} else {
	const short: Record<string, string> = {
		single: 'single',
		multiple: 'multi',
		truefalse: 't/f',
		ordering: 'order',
		short: 'text',
		numeric: 'num',
		scale: 'scale',
		pair: 'pair',
		choice: 'choice',
		open: 'open',
		wordcloud: 'cloud'
	};
	const header: string[] = [
		'slug',
		'title',
		'words',
		'grade',
		'ease',
		...QUESTION_TYPES.map((t) => short[t] ?? t),
		...POLL_TYPES.map((t) => short[t] ?? t),
		'gloss',
		'keypts',
		'status'
	];
	const table = rows.map((r) => [
		r.slug,
		(r.title ?? '—').slice(0, 40),
		r.readability ? String(r.readability.words) : '—',
		r.readability ? r.readability.grade.toFixed(1) : '—',
		r.readability ? r.readability.ease.toFixed(1) : '—',
		...QUESTION_TYPES.map((t) => String((r.questions as Record<string, number>)[t] ?? 0)),
		...POLL_TYPES.map((t) => String((r.polls as Record<string, number>)[t] ?? 0)),
		String(r.glossary),
		String(r.keyPoints),
		r.errors.length ? `${r.errors.length} error(s)` : 'ok'
	]);
	const widths = header.map((h, i) =>
		Math.max(h.length, ...table.map((row) => (row[i] ?? '').length))
	);
	const line = (cells: (string | undefined)[]) =>
		cells.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0)).join('  ');
	console.log(line(header));
	console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	for (const row of table) console.log(line(row));
	console.log('grade: Flesch–Kincaid grade level; ease: Flesch reading ease (higher is easier)');
	for (const r of rows) for (const e of r.errors) console.error(e);
}
process.exit(failed ? 1 : 0);
