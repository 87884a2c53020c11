/**
 * Who may read a session's report and its exports: the one rule, asked by every report route.
 *
 * - A browser that passed the teacher's gate with the secret (`unlocked`) reads every report.
 * - The browser that holds a session's host key reads that session's report: the controls POST
 *   the host token to `/reports/<code>?/open`, which checks it against the stored hash and sets
 *   an httpOnly, SameSite=Strict cookie (path `/reports`) holding a value derived from the token,
 *   never the token; only the hash of that value is stored. The host token never goes in a URL.
 * - Nothing else: `open` gate mode is not `unlocked`, and a student's token, a review key or the
 *   projector key (the host token's hash) is none of these. Refused reads answer 404.
 */
import { createHash } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import type { Repository } from './db';
import { TEACHER_COOKIE, teacherAccess, type TeacherAccess } from './teacher';
import { hashToken, sameSecret } from './tokens';

const PREFIX = 'quorum_report_';
export const reportCookieName = (code: string) => `${PREFIX}${code}`;

/** What the report cookie holds: derived from the host token (and the code), not the token. */
export function reportKeyFor(code: string, hostToken: string): string {
	return createHash('sha256').update(`quorum-report:${code}:${hostToken}`).digest('base64url');
}

/** The rule itself, on plain values. `storedHash` is the session's stored report-key hash. */
export function mayReadReport(input: {
	teacher: TeacherAccess;
	reportKey: string | undefined;
	storedHash: string | null;
}): boolean {
	if (input.teacher === 'unlocked') return true;
	return (
		input.reportKey !== undefined &&
		input.storedHash !== null &&
		sameSecret(hashToken(input.reportKey), input.storedHash)
	);
}

/** For a route: may this request read session `code`'s report? False for an unknown code. */
export async function canReadReport(
	repo: Repository,
	cookies: Cookies,
	code: string
): Promise<boolean> {
	if (!(await repo.codeExists(code))) return false;
	return mayReadReport({
		teacher: teacherAccess(cookies.get(TEACHER_COOKIE)),
		reportKey: cookies.get(reportCookieName(code)),
		storedHash: await repo.reportKeyHash(code)
	});
}

/** Whether the browser is the unlocked teacher (every session listed). */
export function seesEveryReport(cookies: Cookies): boolean {
	return teacherAccess(cookies.get(TEACHER_COOKIE)) === 'unlocked';
}

/** Codes this browser holds a valid report cookie for. */
export async function heldReports(repo: Repository, cookies: Cookies): Promise<string[]> {
	const codes = cookies
		.getAll()
		.filter((c) => c.name.startsWith(PREFIX))
		.map((c) => c.name.slice(PREFIX.length))
		.filter((code) => /^[A-Z0-9]{1,12}$/.test(code));
	const readable = await Promise.all(codes.map((code) => canReadReport(repo, cookies, code)));
	return codes.filter((_, i) => readable[i]);
}

/**
 * Checks a host token against session `code` and, when it is right, lets this browser read that
 * session's report for 30 days.
 */
export async function grantReport(
	repo: Repository,
	cookies: Cookies,
	code: string,
	hostToken: string,
	secure: boolean
): Promise<boolean> {
	const session = (await repo.codeExists(code)) ? await repo.loadSession(code) : null;
	if (!session || !hostToken || !sameSecret(hashToken(hostToken), session.hostTokenHash))
		return false;
	const key = reportKeyFor(code, hostToken);
	await repo.setReportKeyHash(code, hashToken(key));
	cookies.set(reportCookieName(code), key, {
		path: '/reports',
		httpOnly: true,
		sameSite: 'strict',
		secure,
		maxAge: 60 * 60 * 24 * 30
	});
	return true;
}

export function dropReport(cookies: Cookies, code: string): void {
	cookies.delete(reportCookieName(code), { path: '/reports' });
}
