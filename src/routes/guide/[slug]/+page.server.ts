import { error } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import { guideView } from '$lib/server/guide';
import { requireTeacher } from '$lib/server/teacher';
import type { PageServerLoad } from './$types';

/** The teacher guide holds the answer key and the notes: a teacher page, behind the gate. */
export const load: PageServerLoad = (event) => {
	requireTeacher(event);
	const kit = getContext().kits.get(event.params.slug);
	if (!kit) error(404, 'There is no reading kit with that name.');
	return { guide: guideView(kit) };
};
