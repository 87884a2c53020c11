import { fail, redirect } from '@sveltejs/kit';
import { lock, safeNext, teacherAccess, TEACHER_COOKIE, unlock } from '$lib/server/teacher';
import type { Actions, PageServerLoad } from './$types';

/** The teacher's gate: a teacher link (`?key=`) or the passcode form lets this browser in. */
export const load: PageServerLoad = ({ url, cookies }) => {
	const next = safeNext(url.searchParams.get('next'));
	const key = url.searchParams.get('key');
	if (key !== null && unlock(cookies, key, url.protocol === 'https:')) redirect(303, next);
	const access = teacherAccess(cookies.get(TEACHER_COOKIE));
	if (access === 'open') redirect(303, next);
	return { next, access, wrongKey: key !== null };
};

export const actions: Actions = {
	unlock: async ({ request, cookies, url }) => {
		const data = await request.formData();
		const next = safeNext(String(data.get('next') ?? ''));
		if (!unlock(cookies, String(data.get('passcode') ?? ''), url.protocol === 'https:'))
			return fail(403, { error: 'That passcode or key is not right.' });
		redirect(303, next);
	},
	lock: ({ cookies }) => {
		lock(cookies);
		return { locked: true };
	}
};
