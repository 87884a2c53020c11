import { fail, redirect } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import { authorList } from '$lib/server/kit/authoring';
import { deleteKit, duplicateKit, SlugError } from '$lib/server/kit/writer';
import { requireTeacher } from '$lib/server/teacher';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireTeacher(event);
	return authorList(getContext());
};

const field = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

export const actions: Actions = {
	duplicate: async (event) => {
		requireTeacher(event);
		const form = await event.request.formData();
		const to = field(form, 'to');
		try {
			duplicateKit(getContext().kits.dir, field(form, 'slug'), to);
		} catch (e) {
			if (e instanceof SlugError) return fail(400, { error: e.message });
			throw e;
		}
		redirect(303, `/author/${to}`);
	},
	delete: async (event) => {
		requireTeacher(event);
		const form = await event.request.formData();
		const slug = field(form, 'slug');
		try {
			deleteKit(getContext().kits.dir, slug);
		} catch (e) {
			if (e instanceof SlugError) return fail(400, { error: e.message });
			throw e;
		}
		getContext().kits.reload();
		return { deleted: slug };
	}
};
