import { error } from '@sveltejs/kit';
import { reviewOf } from '$lib/server/review';
import { PRIVATE_HEADERS, readableSession } from '$lib/server/report-page';
import type { PageServerLoad } from './$types';

/** What one student's private review link shows, for the teacher who may read the report. */
export const load: PageServerLoad = async ({ cookies, params, setHeaders }) => {
	setHeaders(PRIVATE_HEADERS);
	const { code, state } = await readableSession(cookies, params.id);
	const review = reviewOf(state, params.pid);
	if (!review) error(404, { message: 'There is no such student in this session.' });
	return { code, review };
};
