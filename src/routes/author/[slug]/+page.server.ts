import { error } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import { openForEditor } from '$lib/server/kit/authoring';
import { isSlug } from '$lib/server/kit/writer';
import { requireTeacher } from '$lib/server/teacher';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireTeacher(event);
	const kit = isSlug(event.params.slug) ? openForEditor(getContext(), event.params.slug) : null;
	if (!kit) error(404, `There is no kit called “${event.params.slug}”.`);
	return { kit };
};
