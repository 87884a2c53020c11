/**
 * `npm run import -- FILE --kit SLUG [--format gift|aiken|kahoot] [--dry-run]`: adds the questions
 * of a Moodle GIFT or Aiken file, or a Kahoot! spreadsheet (`.xlsx`), to a kit. Questions without evidence get the reading's best-matching
 * sentence (to check); what the file could not hold is listed by line; the kit is validated after.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { appendQuestions, type Addition } from '../src/lib/kit/import/append';
import { parseAiken } from '../src/lib/kit/import/aiken';
import { parseGift } from '../src/lib/kit/import/gift';
import { parseKahootRows } from '../src/lib/kit/import/kahoot';
import { readSheet } from 'read-excel-file/node';
import { suggestQuotes } from '../src/lib/kit/import/suggest';
import type { ImportedQuestion } from '../src/lib/kit/import/types';
import { renderReading } from '../src/lib/server/kit/markdown';
import { createKitLibrary, kitsDir } from '../src/lib/server/kit/registry';

const args = process.argv.slice(2);
const flag = (name: string) => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.match(/^--(kit|format)$/));
const slug = flag('--kit');
const dryRun = args.includes('--dry-run');
if (!file || !slug) {
	console.error(
		'Usage: npm run import -- FILE --kit SLUG [--format gift|aiken|kahoot] [--dry-run]'
	);
	process.exit(2);
}
const dir = kitsDir();
const kitFile = join(dir, slug, 'kit.yaml');
if (!existsSync(kitFile)) {
	console.error(`No kit file at ${kitFile} (kits are read from ${dir}).`);
	process.exit(1);
}
const spreadsheet = /\.xlsx$/i.test(file);
const source = spreadsheet ? '' : readFileSync(file, 'utf8');
const format =
	flag('--format') ?? (spreadsheet ? 'kahoot' : /\{[^}]*\}/.test(source) ? 'gift' : 'aiken');
if (format !== 'gift' && format !== 'aiken' && format !== 'kahoot') {
	console.error(`Unknown format "${format}": use gift, aiken or kahoot.`);
	process.exit(2);
}
const kitYaml = readFileSync(kitFile, 'utf8');
const taken = ((parse(kitYaml) as { questions?: { id?: string }[] } | null)?.questions ?? []).map(
	(q) => String(q.id)
);
const result =
	format === 'kahoot'
		? parseKahootRows(await readSheet(file), taken)
		: (format === 'gift' ? parseGift : parseAiken)(source, taken);

// The reading's paragraphs, to suggest evidence from (read alone: the kit may have errors).
const readingFile = join(dir, slug, 'reading.md');
const body = existsSync(readingFile)
	? readFileSync(readingFile, 'utf8')
			.replace(/^\uFEFF/, '')
			.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n?/, '')
	: '';
const passages = renderReading(body).map((b) => ({
	anchor: b.anchor,
	label: b.n ? `paragraph ${b.n}` : b.anchor,
	text: b.text
}));
const queryOf = (q: ImportedQuestion) =>
	[q.prompt, ...('choices' in q ? q.choices : []), ...('accept' in q ? q.accept : [])].join(' ');
const additions: Addition[] = result.questions.map((q) => ({
	question: q.question,
	picked: q.question.evidence.length
		? null
		: (suggestQuotes(queryOf(q.question), passages, 1)[0] ?? null),
	from: `${basename(file)}:${q.line}`
}));
const next = appendQuestions(kitYaml, additions);

console.log(`${result.questions.length} question(s) read from ${file} (${format}).`);
for (const p of result.problems)
	console.log(
		`  not imported: ${basename(file)}:${spreadsheet ? 'row ' : ''}${p.line}: ${p.message}`
	);
for (const a of additions) {
	const todo = [
		a.question.explanation === null && 'needs an explanation',
		a.picked && `evidence picked from ${a.picked.label}: check it`,
		!a.picked && a.question.evidence.length === 0 && 'needs an evidence quote'
	].filter(Boolean);
	if (todo.length) console.log(`  ${a.question.id}: ${todo.join('; ')}`);
}
if (dryRun) {
	console.log('\n--dry-run: the kit file would become:\n');
	console.log(next);
	process.exit(0);
}
writeFileSync(kitFile, next);
const broken = createKitLibrary(dir)
	.broken()
	.find((b) => b.slug === slug);
console.log(`Added to ${kitFile}.`);
if (broken) {
	console.log(`The kit is not served until these are fixed:\n  ${broken.errors.join('\n  ')}`);
	process.exit(1);
}
console.log('The kit validates. Restart the server to offer the new questions.');
