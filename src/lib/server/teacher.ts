/**
 * The teacher's gate: the one rule that decides who is a teacher. Every teacher page (start a
 * session, the controls, the guide, reports, the editor) asks this module, and nothing else.
 *
 * The secret, first match wins:
 * - `QUORUM_OPEN_HOST=1`: no gate, for one teacher's own laptop (the old default);
 * - `QUORUM_TEACHER_PASSCODE`: a passcode the school chose;
 * - otherwise a key generated on first start and kept in `QUORUM_DATA/teacher-key` (mode 0600),
 *   printed at start in a teacher link, as Jupyter prints its token.
 *
 * Invariants: the browser holds a cookie derived from the secret, never the secret itself;
 * comparisons are constant time; `open` is never reported as `unlocked`, so what needs a real
 * secret (every session's report) can tell the two apart.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redirect, type Cookies } from '@sveltejs/kit';
import { dataDir } from './db';
import { newToken, sameSecret } from './tokens';

export const TEACHER_COOKIE = 'quorum_teacher';

export type Gate =
	| { mode: 'open' }
	| { mode: 'passcode'; secret: string }
	| { mode: 'key'; secret: string; file: string };

/** `open`: no gate is set; `unlocked`: this browser proved the secret; `locked`: neither. */
export type TeacherAccess = 'open' | 'unlocked' | 'locked';

const KEY_FILE = 'teacher-key';
let cached: Gate | null = null;

/** Reads (or on first start creates) the gate's secret from the environment and data folder. */
export function loadGate(env: NodeJS.ProcessEnv = process.env, dir = dataDir()): Gate {
	if (env.QUORUM_OPEN_HOST === '1') return { mode: 'open' };
	if (env.QUORUM_TEACHER_PASSCODE) return { mode: 'passcode', secret: env.QUORUM_TEACHER_PASSCODE };
	const file = join(dir, KEY_FILE);
	const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
	if (stored !== null && stored.length >= 22) return { mode: 'key', secret: stored, file };
	mkdirSync(dir, { recursive: true });
	const secret = newToken();
	// 'wx': two processes starting at once must not write two keys; the loser reads the winner's.
	// A key too short to be a secret (edited by hand) is replaced.
	try {
		writeFileSync(file, `${secret}\n`, { flag: stored === null ? 'wx' : 'w', mode: 0o600 });
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		return loadGate(env, dir);
	}
	chmodSync(file, 0o600);
	return { mode: 'key', secret, file };
}

/** This process's gate, read once. */
export function teacherGate(): Gate {
	return (cached ??= loadGate());
}

/** Tests that change the environment read the gate again. */
export function resetTeacherGate(): void {
	cached = null;
}

/** What the cookie holds: derived from the secret, never the secret itself. */
export function teacherCookieValue(secret: string): string {
	return createHash('sha256').update(`quorum-teacher:${secret}`).digest('base64url');
}

export function teacherAccess(cookie: string | undefined, gate = teacherGate()): TeacherAccess {
	if (gate.mode === 'open') return 'open';
	return cookie !== undefined && sameSecret(cookie, teacherCookieValue(gate.secret))
		? 'unlocked'
		: 'locked';
}

/** Whether this request may do what a teacher does. */
export function isTeacher(cookie: string | undefined, gate = teacherGate()): boolean {
	return teacherAccess(cookie, gate) !== 'locked';
}

/** Whether a typed passcode or a key from a teacher link is the gate's secret. */
export function secretMatches(given: string, gate = teacherGate()): boolean {
	return (
		gate.mode !== 'open' &&
		given.length > 0 &&
		sameSecret(teacherCookieValue(given), teacherCookieValue(gate.secret))
	);
}

/** Checks `given` and, when it is right, lets this browser in for 30 days. */
export function unlock(cookies: Cookies, given: string, secure: boolean): boolean {
	const gate = teacherGate();
	if (!secretMatches(given, gate) || gate.mode === 'open') return false;
	cookies.set(TEACHER_COOKIE, teacherCookieValue(gate.secret), {
		path: '/',
		httpOnly: true,
		sameSite: 'strict',
		secure,
		maxAge: 60 * 60 * 24 * 30
	});
	return true;
}

export function lock(cookies: Cookies): void {
	cookies.delete(TEACHER_COOKIE, { path: '/' });
}

/** Only a path on this site: `next` must never send a teacher elsewhere with a fresh cookie. */
export function safeNext(next: string | null): string {
	return next && /^\/(?![/\\])/.test(next) ? next : '/host';
}

/**
 * The check every teacher page's `load` and action makes first: a locked request goes to the
 * unlock page, which sends it back here after.
 */
export function requireTeacher(event: { cookies: Cookies; url: URL }): TeacherAccess {
	const access = teacherAccess(event.cookies.get(TEACHER_COOKIE));
	if (access === 'locked') {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/teacher?next=${encodeURIComponent(next)}`);
	}
	return access;
}

/** The link printed at start: it carries the key, so only the person at the console sees it. */
export function teacherLink(origin: string, gate = teacherGate()): string {
	return gate.mode === 'key' ? `${origin}/teacher?key=${gate.secret}` : `${origin}/host`;
}
