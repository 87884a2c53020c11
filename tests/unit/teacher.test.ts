import { describe, expect, it } from 'vitest';
import { isTeacher, passcodeMatches, teacherCookieValue } from '../../src/lib/server/teacher';

describe('the optional teacher passcode', () => {
	it.each([
		// passcode set on the server, cookie the browser sends, allowed?
		[null, undefined, true],
		[null, 'anything', true],
		['maple-42', undefined, false],
		['maple-42', 'maple-42', false],
		['maple-42', teacherCookieValue('wrong'), false],
		['maple-42', teacherCookieValue('maple-42'), true]
	] as const)('passcode %s, cookie %s → %s', (passcode, cookie, allowed) => {
		expect(isTeacher(cookie, passcode)).toBe(allowed);
	});

	it('checks a typed passcode, and never matches when none is set', () => {
		expect(passcodeMatches('maple-42', 'maple-42')).toBe(true);
		expect(passcodeMatches('maple-4', 'maple-42')).toBe(false);
		expect(passcodeMatches('', null)).toBe(false);
	});

	it('keeps the passcode itself out of the cookie', () => {
		expect(teacherCookieValue('maple-42')).not.toContain('maple');
	});
});
