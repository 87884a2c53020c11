/**
 * The comparable form of a nickname, apart from the profanity matcher (`nickname.ts`) so the
 * room machine, which the browser also loads, stays small. Pure.
 */
import { remove as skeleton } from 'confusables';

export { MAX_NICKNAME } from './messages';

/** Controls, format characters (zero-width, bidi controls, BOM, soft hyphen), and fillers. */
export const INVISIBLE =
	/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Variation_Selector}]|\u034f|\u115f|\u1160|\u17b4|\u17b5|\u3164|\uffa0/gu;

/**
 * The form two nicknames are compared in: look-alikes folded to one skeleton (Cyrillic "А" and
 * Latin "A", full-width letters, accents), case folded, invisible characters and spaces gone,
 * and the digit look-alikes 1/l and 0/o made one (not i/l: "Lia" and "Ila" are two names).
 */
export function nicknameKey(nickname: string): string {
	const visible = nickname.normalize('NFKC').replace(INVISIBLE, '').replace(/\s+/gu, '');
	return skeleton(visible).toLowerCase().replace(/[1|]/g, 'l').replace(/0/g, 'o');
}
