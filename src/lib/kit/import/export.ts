/**
 * A kit's questions written back for Moodle: GIFT (every type Moodle has) and Aiken (single
 * choice only). Pure. `parseGift(toGift(qs))` gives the same questions back, evidence included
 * (carried in `// evidence:` comments, which Moodle ignores); tested in tests/unit/gift.test.ts.
 */
import { LETTERS, type Question } from '../schema';

export interface Exported {
	text: string;
	/** Questions the format cannot hold, with the reason. */
	skipped: { id: string; reason: string }[];
}

const escapeGift = (s: string) => s.replace(/([~=#{}:\\])/g, '\\$1').replace(/\r?\n/g, '\\n');

/** Moodle wants weights that add up to 100; it accepts five decimals. */
const share = (n: number) => String(Math.round(10_000_000 / n) / 100_000);

function giftAnswers(q: Question): string | null {
	switch (q.type) {
		case 'single':
			return q.choices
				.map((c, i) => `${LETTERS[i] === q.answer ? '=' : '~'}${escapeGift(c)}`)
				.join(' ');
		case 'multiple': {
			const right = share(q.answer.length);
			return q.choices
				.map((c, i) => `~%${q.answer.includes(LETTERS[i]!) ? right : '-100'}%${escapeGift(c)}`)
				.join(' ');
		}
		case 'truefalse':
			return q.answer ? 'TRUE' : 'FALSE';
		case 'short':
			return q.accept.map((a) => `=${escapeGift(a)}`).join(' ');
		case 'numeric':
			return `#${q.answer}:${q.tolerance}`;
		case 'ordering':
			return null;
	}
}

export function toGift(questions: readonly Question[]): Exported {
	const out: string[] = [];
	const skipped: Exported['skipped'] = [];
	for (const q of questions) {
		const answers = giftAnswers(q);
		if (answers === null) {
			skipped.push({ id: q.id, reason: 'GIFT has no ordering questions' });
			continue;
		}
		// Comments Moodle skips and Quorum reads back: what GIFT has no place for.
		const lines = q.evidence.map((e) => `// evidence: ${e.replace(/\r?\n/g, ' ')}`);
		if (q.type === 'numeric' && q.unit) lines.push(`// unit: ${q.unit}`);
		lines.push(
			`::${escapeGift(q.id)}::${escapeGift(q.prompt)} {${answers} ####${escapeGift(q.explanation)}}`
		);
		out.push(lines.join('\n'));
	}
	return { text: out.length ? `${out.join('\n\n')}\n` : '', skipped };
}

export function toAiken(questions: readonly Question[]): Exported {
	const out: string[] = [];
	const skipped: Exported['skipped'] = [];
	for (const q of questions) {
		if (q.type !== 'single') {
			skipped.push({ id: q.id, reason: 'Aiken holds single-choice questions only' });
			continue;
		}
		const oneLine = (s: string) => s.replace(/\s*\r?\n\s*/g, ' ');
		out.push(
			[
				oneLine(q.prompt),
				...q.choices.map((c, i) => `${LETTERS[i]}. ${oneLine(c)}`),
				`ANSWER: ${q.answer}`
			].join('\n')
		);
	}
	return { text: out.length ? `${out.join('\n\n')}\n` : '', skipped };
}
