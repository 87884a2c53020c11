/**
 * `npm run validate [-- --json] [--dir path]`: checks every kit, prints a table (or JSON),
 * exits 1 if any kit has an error.
 */
import { createKitLibrary, kitsDir, summarize } from '../src/lib/server/kit/registry';
import { QUESTION_TYPES, POLL_TYPES } from '../src/lib/kit/schema';

const args = process.argv.slice(2);
const json = args.includes('--json');
const dirArg = args.indexOf('--dir');
const library = createKitLibrary(dirArg >= 0 ? (args[dirArg + 1] ?? kitsDir()) : kitsDir());

const rows = [
	...library.list().map((k) => ({ ...summarize(k), errors: [] as string[] })),
	...library.broken().map((b) => ({
		slug: b.slug,
		title: null,
		questions: {},
		polls: {},
		glossary: 0,
		keyPoints: 0,
		errors: b.errors
	}))
].sort((a, b) => a.slug.localeCompare(b.slug));

const failed = rows.some((r) => r.errors.length > 0);
if (json) {
	console.log(JSON.stringify(rows, null, 2));
} else if (rows.length === 0) {
	console.log(`No kits found in ${library.dir}`);
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
		...QUESTION_TYPES.map((t) => short[t] ?? t),
		...POLL_TYPES.map((t) => short[t] ?? t),
		'gloss',
		'keypts',
		'status'
	];
	const table = rows.map((r) => [
		r.slug,
		(r.title ?? '—').slice(0, 40),
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
	for (const r of rows) for (const e of r.errors) console.error(e);
}
process.exit(failed ? 1 : 0);
