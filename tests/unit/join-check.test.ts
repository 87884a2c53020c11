import { describe, expect, it } from 'vitest';
import { CHECK_WINDOW_MS, checkMatches, currentCheck } from '../../src/lib/server/join-check';

const SECRET = 'a'.repeat(64);
const CODE = 'ABC234';
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % CHECK_WINDOW_MS); // a window's start

describe('join check', () => {
	const shown = currentCheck(SECRET, CODE, T0 + 1000);

	it('is four digits and says when it changes', () => {
		expect(shown.check).toMatch(/^\d{4}$/);
		expect(shown.changesAt).toBe(T0 + CHECK_WINDOW_MS);
		expect(currentCheck(SECRET, CODE, T0 + CHECK_WINDOW_MS - 1)).toEqual(shown);
	});

	it.each([
		['the current window', T0 + 5000, shown.check, true],
		['with spaces', T0 + 5000, ` ${shown.check.slice(0, 2)} ${shown.check.slice(2)} `, true],
		['the next window (previous accepted)', T0 + CHECK_WINDOW_MS + 9999, shown.check, true],
		['two windows later', T0 + 2 * CHECK_WINDOW_MS, shown.check, false],
		['before it was shown', T0 - 1, shown.check, false],
		['empty', T0 + 5000, '', false],
		['too long', T0 + 5000, `${shown.check}0`, false]
	])('%s → %s', (_, now, given, ok) => {
		expect(checkMatches(SECRET, CODE, given, now)).toBe(ok);
	});

	it('differs per room, per secret and per window', () => {
		const checks = new Set([
			shown.check,
			currentCheck(SECRET, 'ABC235', T0).check,
			currentCheck('b'.repeat(64), CODE, T0).check,
			currentCheck(SECRET, CODE, T0 + CHECK_WINDOW_MS).check,
			currentCheck(SECRET, CODE, T0 + 2 * CHECK_WINDOW_MS).check
		]);
		// Four digits may collide by chance; five draws colliding down to two would not.
		expect(checks.size).toBeGreaterThanOrEqual(4);
	});
});
