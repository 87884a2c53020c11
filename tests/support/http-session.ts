/**
 * Starts a session the way a teacher's browser does, over HTTP (through nginx in the scale
 * tests): the passcode at `/teacher`, then the `/host` form. Form posts carry the Origin a
 * browser would send, so SvelteKit's CSRF check sees the Host and scheme the proxy passed on.
 */
import { createKitLibrary } from '../../src/lib/server/kit/registry';

export interface HttpSession {
	code: string;
	hostToken: string;
}

export interface SessionForm {
	kit?: string;
	/** Item refs in order (`q:<id>`, `p:<id>`); default: the kit's single-choice questions. */
	items?: string[];
	/** Seconds per question, or 'none'. */
	timeLimit?: number | 'none';
	speedScoring?: boolean;
	leaderboard?: boolean;
	showNames?: boolean;
}

export const KIT = 'hitting-rock-bottom';

/** The kit's single-choice question refs, repeated to `count` (read from `quizzes/`). */
export function singleChoiceItems(count: number, kitSlug = KIT, kitsDir = 'quizzes'): string[] {
	const kit = createKitLibrary(kitsDir).get(kitSlug);
	const singles = kit?.questions.filter((q) => q.type === 'single') ?? [];
	if (singles.length === 0) throw new Error(`kit ${kitSlug}: no single-choice questions`);
	return Array.from({ length: count }, (_, i) => `q:${singles[i % singles.length]!.id}`);
}

async function post(url: string, origin: string, form: URLSearchParams, cookie?: string) {
	return fetch(url, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			...(cookie ? { cookie } : {})
		},
		body: form
	});
}

/** The teacher's cookie (`name=value`), from the passcode form. */
export async function teacherCookie(baseUrl: string, passcode: string): Promise<string> {
	const origin = new URL(baseUrl).origin;
	const r = await post(
		`${baseUrl}/teacher?/unlock`,
		origin,
		new URLSearchParams({ passcode, next: '/host' })
	);
	const cookie = r.headers.getSetCookie().find((c) => c.startsWith('quorum_teacher='));
	if (r.status !== 303 || !cookie)
		throw new Error(`/teacher refused the passcode: ${r.status} ${await r.text()}`);
	return cookie.split(';')[0]!;
}

/** Creates a live session through the `/host` form; returns its code and host token. */
export async function createSessionOverHttp(
	baseUrl: string,
	passcode: string,
	options: SessionForm = {}
): Promise<HttpSession> {
	const cookie = await teacherCookie(baseUrl, passcode);
	const kit = options.kit ?? KIT;
	const form = new URLSearchParams({ kit, timeLimit: String(options.timeLimit ?? 'none') });
	for (const item of options.items ?? singleChoiceItems(3, kit)) form.append('item', item);
	if (options.speedScoring) form.set('speedScoring', 'on');
	if (options.leaderboard ?? true) form.set('leaderboard', 'on');
	if (options.showNames) form.set('showNames', 'on');
	const r = await post(`${baseUrl}/host?/create`, new URL(baseUrl).origin, form, cookie);
	const location = r.headers.get('location') ?? '';
	const m = /^\/room\/([^/]+)\/host#key=(.+)$/.exec(location);
	if (r.status !== 303 || !m)
		throw new Error(`/host did not create a session: ${r.status} ${location} ${await r.text()}`);
	return { code: decodeURIComponent(m[1]!), hostToken: decodeURIComponent(m[2]!) };
}
