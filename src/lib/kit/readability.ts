/**
 * A reading's readability profile: words, sentences, syllables, the Flesch–Kincaid grade and the
 * Flesch reading ease, the figures text sets (Newsela, CommonLit) print beside a text.
 *
 * Invariants:
 * - Pure and free of Node imports: the library page, the guide, the validator and a future
 *   browser editor all compute the same figures from the same text.
 * - A word is a run of non-space characters holding a letter or digit ("U.S.-Russia" is one word).
 * - A sentence ends at `.`, `!` or `?` (and any closing quote or bracket) before a capital letter,
 *   an opening quote or the end of a paragraph, unless the word before is an abbreviation or an
 *   initial ("Oct. 3", "U.S. actions", "J. Smith"). Every non-empty paragraph holds at least one.
 * - Syllables come from wooorm's `syllable`; the grade from his `flesch-kincaid`; reading ease is
 *   206.835 − 1.015 × words per sentence − 84.6 × syllables per word.
 */
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';

export interface Readability {
	words: number;
	sentences: number;
	syllables: number;
	/** Flesch–Kincaid U.S. grade level, one decimal. */
	grade: number;
	/** Flesch reading ease (higher is easier; 60–70 is plain English), one decimal. */
	ease: number;
}

const ABBREVIATIONS = new Set(
	(
		'mr mrs ms dr prof st jr sr gen sen rep gov col lt sgt capt vs etc no vol fig ' +
		'jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m'
	).split(' ')
);

function isWord(token: string): boolean {
	return /[\p{L}\p{N}]/u.test(token);
}

/** Sentences in one paragraph of plain text. */
export function countSentences(paragraph: string): number {
	const tokens = paragraph.split(/\s+/).filter(Boolean);
	let count = 0;
	let open = false;
	tokens.forEach((token, i) => {
		if (isWord(token)) open = true;
		const end = /[.!?]+["'”’)\]]*$/u.exec(token);
		if (!end || !open) return;
		const next = tokens[i + 1];
		if (next !== undefined && !/^["'“‘(]?\p{Lu}/u.test(next)) return;
		const bare = token
			.slice(0, end.index)
			.replace(/^["'“‘(]+/u, '')
			.toLowerCase();
		if (token.slice(end.index).startsWith('.') && next !== undefined) {
			if (ABBREVIATIONS.has(bare) || /^\p{L}$/u.test(bare)) return;
		}
		count += 1;
		open = false;
	});
	return count + (open ? 1 : 0);
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The profile of a text given as paragraphs of plain text. */
export function readability(paragraphs: string[]): Readability {
	let words = 0;
	let sentences = 0;
	let syllables = 0;
	for (const p of paragraphs) {
		const tokens = p.split(/\s+/).filter(isWord);
		if (!tokens.length) continue;
		words += tokens.length;
		sentences += countSentences(p);
		for (const t of tokens) syllables += syllable(t);
	}
	if (!words || !sentences) return { words, sentences, syllables, grade: 0, ease: 0 };
	return {
		words,
		sentences,
		syllables,
		grade: round1(fleschKincaid({ word: words, sentence: sentences, syllable: syllables })),
		ease: round1(206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words))
	};
}

/** A plain description of a Flesch reading ease score, as Flesch's own table words it. */
export function easeLabel(ease: number): string {
	if (ease >= 90) return 'very easy';
	if (ease >= 80) return 'easy';
	if (ease >= 70) return 'fairly easy';
	if (ease >= 60) return 'plain English';
	if (ease >= 50) return 'fairly difficult';
	if (ease >= 30) return 'difficult';
	return 'very difficult';
}
