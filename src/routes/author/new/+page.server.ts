import { requireTeacher } from '$lib/server/teacher';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireTeacher(event);
	return {};
};
