/**
 * An optional teacher passcode for starting sessions. On a teacher's own machine Quorum is open
 * (no QUORUM_TEACHER_PASSCODE); a school server sets one, so a student cannot start a session of
 * the kit and read its key from the host controls.
 */
import { createHash } from 'node:crypto';
import { sameSecret } from './tokens';

export const TEACHER_COOKIE = 'quorum_teacher';

/** What the cookie holds: derived from the passcode, never the passcode itself. */
export function teacherCookieValue(passcode: string): string {
	return createHash('sha256').update(`quorum-teacher:${passcode}`).digest('base64url');
}

export function teacherPasscode(): string | null {
	return process.env.QUORUM_TEACHER_PASSCODE || null;
}

/** Whether this request may start sessions. */
export function isTeacher(cookie: string | undefined, passcode = teacherPasscode()): boolean {
	if (!passcode) return true;
	return cookie !== undefined && sameSecret(cookie, teacherCookieValue(passcode));
}

export function passcodeMatches(given: string, passcode = teacherPasscode()): boolean {
	return passcode !== null && sameSecret(teacherCookieValue(given), teacherCookieValue(passcode));
}
