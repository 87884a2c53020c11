import { joinInfo } from '$lib/server/join-link';
import { requireTeacher } from '$lib/server/teacher';
import type { PageServerLoad } from './$types';

/** The controls' page is a teacher page; the session's own host key (in `#key=`) then acts. */
export const load: PageServerLoad = async (event) => {
	requireTeacher(event);
	return joinInfo(event.url, event.params.code.toUpperCase());
};
