/**
 * What a student types as a nickname, made safe to show and to compare. Pure: no I/O.
 *
 * Invariants:
 * - A stored nickname is NFKC-normalised, holds no control, format (zero-width, bidi override,
 *   soft hyphen) or other invisible characters, has its whitespace collapsed, and is at most
 *   `MAX_NICKNAME` characters (code points). Nothing visible left: refused.
 * - Two nicknames that look alike have the same `nicknameKey` (case-folded, look-alike letters
 *   folded to their Latin skeleton with the `confusables` list), and a room refuses the second.
 * - The profanity check knows real first names: a whole word that is a known name is never
 *   abuse ("Dick", "Analia", "Shitij"), and digits after a word are a number, not leetspeak
 *   ("Cash17"). Letters spaced apart ("f u c k") are read together.
 */
import { remove as skeleton } from 'confusables';
import { INVISIBLE, MAX_NICKNAME, nicknameKey } from './nickname-key';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

export { MAX_NICKNAME, nicknameKey };

export type NicknameError = 'nickname_empty' | 'nickname_long' | 'nickname_blocked';
export type Nickname =
	{ ok: true; nickname: string; key: string } | { ok: false; error: NicknameError };

/** The nickname as stored and shown, or why it is refused. */
export function cleanNickname(raw: string): Nickname {
	const nickname = raw.normalize('NFKC').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
	if (!nickname) return { ok: false, error: 'nickname_empty' };
	if ([...nickname].length > MAX_NICKNAME) return { ok: false, error: 'nickname_long' };
	if (isAbusiveName(nickname)) return { ok: false, error: 'nickname_blocked' };
	return { ok: true, nickname, key: nicknameKey(nickname) };
}

// Students argue about diplomacy: "tit-for-tat expulsions" and "sex scandal" are ordinary words
// there, which the stock dataset would refuse.
const dataset = englishDataset.build();
const matcher = new RegExpMatcher({
	...dataset,
	whitelistedTerms: [
		...(dataset.whitelistedTerms ?? []),
		'tit for tat',
		'tit-for-tat',
		'sex scandal'
	],
	...englishRecommendedTransformers
});

/**
 * Whole words that are real first names (and a few surnames used as nicknames) which the stock
 * English dataset refuses. A word is whitelisted only as a whole: "Dick" passes, "dickhead" not.
 */
const NAME_WORDS = new Set(
	[
		'analia',
		'anala',
		'analise',
		'annalisa',
		'shitij',
		'ashit',
		'shital',
		'shitanshu',
		'dick',
		'dicky',
		'dickie',
		'cummings',
		'cumhur',
		'cuma',
		'fuka',
		'fukuda',
		'fukuko',
		'shiitake',
		'hoare',
		'titus',
		'bich',
		'nob',
		'kunta',
		'fanny',
		'mona',
		'assunta'
	].map((w) => w.normalize('NFKC'))
);

/** Runs of single letters or digits set apart by spaces or dots ("f u c k", "s.h.i.t") joined. */
function joinSpaced(text: string): string {
	return text.replace(
		/(?:^|(?<=[\s._*-]))(?:\p{L}|\p{N})(?:[\s._*-]+(?:\p{L}|\p{N}))+(?=$|[\s._*-])/gu,
		(run) => run.replace(/[\s._*-]+/gu, '')
	);
}

/** Free text a student sends (arguments, word-cloud words): the stock matcher, spacing undone. */
export function isAbusiveText(text: string): boolean {
	const t = text.normalize('NFKC').replace(INVISIBLE, '');
	return matcher.hasMatch(t) || matcher.hasMatch(joinSpaced(t));
}

/**
 * A nickname: each word checked on its own, known names skipped, and digits that end a word
 * read as a number ("crash17" is "crash" and 17, not "cra" + "sh17"; "S455" is S and 455, not
 * "sass"), and a number is never read as letters. Leetspeak inside a word
 * ("sh1t", "b1tch") is still read as letters, and so are letters spaced apart.
 */
export function isAbusiveName(nickname: string): boolean {
	const t = joinSpaced(nickname.normalize('NFKC').replace(INVISIBLE, ''));
	const words = t.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
	const checked = words
		.flatMap((w) => {
			const m = /^(.*?\p{L})(\p{N}+)$/u.exec(w);
			return m ? [m[1] as string, m[2] as string] : [w];
		})
		// A number is a number ("S455", a class list's numbering, is not "s" + "ass").
		.filter((w) => !/^\p{N}+$/u.test(w))
		.filter((w) => !NAME_WORDS.has(skeleton(w).toLowerCase()) && !NAME_WORDS.has(w.toLowerCase()));
	return matcher.hasMatch(checked.join(' '));
}
