/**
 * `npm run export -- SLUG --format gift|aiken [--out FILE]`: a kit's questions for Moodle.
 * Questions the format cannot hold are listed on stderr, never dropped silently.
 */
import { writeFileSync } from 'node:fs';
import { toAiken, toGift } from '../src/lib/kit/import/export';
import type { Question } from '../src/lib/kit/schema';
import { createKitLibrary } from '../src/lib/server/kit/registry';

const args = process.argv.slice(2);
const slug = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.match(/^--(format|out)$/));
const format = args[args.indexOf('--format') + 1] ?? 'gift';
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const library = createKitLibrary();
const kit = slug ? library.get(slug) : undefined;
if (!kit || !['gift', 'aiken'].includes(format)) {
	console.error('Usage: npm run -s export -- SLUG --format gift|aiken [--out FILE]');
	if (slug && !kit) console.error(`No kit "${slug}" that loads in ${library.dir}.`);
	process.exit(2);
}
// Loaded questions carry resolved evidence too; the file format wants the kit's own fields.
const questions = kit.questions.map(
	(q) => Object.fromEntries(Object.entries(q).filter(([k]) => k !== 'evidenceRefs')) as Question
);
const { text, skipped } = (format === 'gift' ? toGift : toAiken)(questions);
if (out) writeFileSync(out, text);
else process.stdout.write(text);
for (const s of skipped) console.error(`skipped ${s.id}: ${s.reason}`);
