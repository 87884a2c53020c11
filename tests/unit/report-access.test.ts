/** The report's access rule on plain values: every kind of key a browser might hold. */
import { describe, expect, it } from 'vitest';
import { mayReadReport, reportKeyFor } from '../../src/lib/server/report-access';
import { hashToken, reviewKeyFor } from '../../src/lib/server/tokens';
import type { TeacherAccess } from '../../src/lib/server/teacher';

const HOST = 'host-token-of-session-one';
const STUDENT = 'student-token-of-session-one';
const stored = hashToken(reportKeyFor('ABC234', HOST));

describe('mayReadReport', () => {
	it.each<[string, TeacherAccess, string | undefined, string | null, boolean]>([
		['the unlocked teacher, no report cookie', 'unlocked', undefined, stored, true],
		[
			'the unlocked teacher, a session never opened from its controls',
			'unlocked',
			undefined,
			null,
			true
		],
		[
			'the host key’s report cookie, gate locked',
			'locked',
			reportKeyFor('ABC234', HOST),
			stored,
			true
		],
		['the host key’s report cookie, open mode', 'open', reportKeyFor('ABC234', HOST), stored, true],
		['open mode alone', 'open', undefined, stored, false],
		['nothing', 'locked', undefined, stored, false],
		['the host token itself as the cookie', 'locked', HOST, stored, false],
		['the projector key (the host token’s hash)', 'open', hashToken(HOST), stored, false],
		['a student’s token', 'locked', STUDENT, stored, false],
		['a student’s review key', 'open', reviewKeyFor(STUDENT), stored, false],
		['another session’s report cookie', 'locked', reportKeyFor('XYZ789', HOST), stored, false],
		['the stored hash itself as the cookie', 'locked', stored, stored, false],
		['a cookie before any was granted', 'locked', reportKeyFor('ABC234', HOST), null, false],
		['an empty cookie', 'open', '', stored, false]
	])('%s → %s', (_, teacher, reportKey, storedHash, want) => {
		expect(mayReadReport({ teacher, reportKey, storedHash })).toBe(want);
	});

	it('derives the cookie from the token without containing it', () => {
		const key = reportKeyFor('ABC234', HOST);
		expect(key).not.toContain(HOST);
		expect(key).not.toBe(hashToken(HOST));
		expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});
});
