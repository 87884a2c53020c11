import { fail, redirect } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import {
	createSession,
	itemChoices,
	SessionInputError,
	sessionPresets
} from '$lib/server/sessions';
import {
	isTeacher,
	passcodeMatches,
	TEACHER_COOKIE,
	teacherCookieValue
} from '$lib/server/teacher';
import { parseSessionForm } from './form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url, cookies }) => {
	if (!isTeacher(cookies.get(TEACHER_COOKIE)))
		return { locked: true, kits: [], kit: null, items: [], presets: [] };
	const { kits } = getContext();
	const kit = kits.get(url.searchParams.get('kit') ?? '') ?? kits.list()[0];
	return {
		locked: false,
		kits: kits.list().map((k) => ({ slug: k.slug, title: k.meta.title })),
		kit: kit ? { slug: kit.slug, title: kit.meta.title } : null,
		items: kit ? itemChoices(getContext(), kit.slug) : [],
		presets: kit ? sessionPresets(getContext(), kit.slug) : []
	};
};

export const actions: Actions = {
	unlock: async ({ request, cookies }) => {
		const given = String((await request.formData()).get('passcode') ?? '');
		if (!passcodeMatches(given)) return fail(403, { error: 'That passcode is not right.' });
		cookies.set(TEACHER_COOKIE, teacherCookieValue(given), {
			path: '/',
			httpOnly: true,
			sameSite: 'strict',
			secure: false,
			maxAge: 60 * 60 * 24 * 30
		});
		return { unlocked: true };
	},
	create: async ({ request, cookies }) => {
		if (!isTeacher(cookies.get(TEACHER_COOKIE)))
			return fail(403, { error: 'Enter the teacher passcode first.' });
		const form = parseSessionForm(await request.formData());
		if ('error' in form) return fail(400, { error: form.error });
		let created: { code: string; hostToken: string };
		try {
			created = createSession(getContext(), form);
		} catch (e) {
			if (e instanceof SessionInputError) return fail(400, { error: e.message });
			throw e;
		}
		redirect(303, `/room/${created.code}/host#key=${created.hostToken}`);
	}
};
