import { fail, redirect } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import {
	createSession,
	itemChoices,
	SessionInputError,
	sessionPresets
} from '$lib/server/sessions';
import { requireTeacher } from '$lib/server/teacher';
import { parseSessionForm } from './form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireTeacher(event);
	const { url } = event;
	const { kits } = getContext();
	const kit = kits.get(url.searchParams.get('kit') ?? '') ?? kits.list()[0];
	return {
		kits: kits.list().map((k) => ({ slug: k.slug, title: k.meta.title })),
		kit: kit ? { slug: kit.slug, title: kit.meta.title } : null,
		items: kit ? itemChoices(getContext(), kit.slug) : [],
		presets: kit ? sessionPresets(getContext(), kit.slug) : []
	};
};

export const actions: Actions = {
	create: async (event) => {
		requireTeacher(event);
		const { request } = event;
		const form = parseSessionForm(await request.formData());
		if ('error' in form) return fail(400, { error: form.error });
		let created: { code: string; hostToken: string };
		try {
			created = await createSession(getContext(), form);
		} catch (e) {
			if (e instanceof SessionInputError) return fail(400, { error: e.message });
			throw e;
		}
		redirect(303, `/room/${created.code}/host#key=${created.hostToken}`);
	}
};
