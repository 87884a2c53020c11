import { error } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import { buildReview } from '$lib/server/review';
import type { PageServerLoad } from './$types';

/** A private link: the token is the key, the page shows only that student's own misses. */
export const load: PageServerLoad = async ({ params, setHeaders }) => {
	setHeaders({ 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' });
	const review = await buildReview(getContext(), params.token);
	if (!review)
		error(404, {
			message: 'This review link is not valid. Ask your teacher, or join the session again.'
		});
	return { review };
};
