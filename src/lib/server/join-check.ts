/**
 * The optional join check (Kahoot!'s 2-step join): a short code shown only on the projector,
 * changing every `CHECK_WINDOW_MS`, that a new student types beside the session code. Someone
 * who only has the session code (a bot script, a friend at home) cannot join.
 *
 * Invariants:
 * - The check is derived, never stored: HMAC-SHA256 of the room's secret (the host token's hash,
 *   which no student ever sees) over the code and the time window. Nothing to persist, and every
 *   process that knows the room derives the same check.
 * - The current and the previous window's checks are accepted, so a student who read the code
 *   just before it changed still gets in; anything older is refused.
 * - Compared in constant time.
 */
import { createHmac } from 'node:crypto';
import { sameSecret } from './tokens';

export const CHECK_WINDOW_MS = 10_000;
export const CHECK_DIGITS = 4;

function checkFor(secret: string, code: string, window: number): string {
	const mac = createHmac('sha256', secret).update(`join-check:${code}:${window}`).digest();
	return String(mac.readUInt32BE(0) % 10 ** CHECK_DIGITS).padStart(CHECK_DIGITS, '0');
}

/** The check to show now, and when it changes (server ms). */
export function currentCheck(
	secret: string,
	code: string,
	now: number
): { check: string; changesAt: number } {
	const window = Math.floor(now / CHECK_WINDOW_MS);
	return { check: checkFor(secret, code, window), changesAt: (window + 1) * CHECK_WINDOW_MS };
}

/** Whether `given` is the check of this window or the one before (spaces ignored). */
export function checkMatches(secret: string, code: string, given: string, now: number): boolean {
	const typed = given.replace(/\s+/g, '');
	const window = Math.floor(now / CHECK_WINDOW_MS);
	// Both compared, always: the time taken says nothing about which one was near.
	const current = sameSecret(typed, checkFor(secret, code, window));
	const previous = sameSecret(typed, checkFor(secret, code, window - 1));
	return current || previous;
}
