import { error } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import { toStudyKit } from '$lib/study/study-kit';
import type { PageServerLoad } from './$types';

/** The whole kit travels with the page, so self-study needs no request after it has loaded. */
export const load: PageServerLoad = ({ params }) => {
	const kit = getContext().kits.get(params.slug);
	if (!kit) error(404, 'There is no reading kit with that name.');
	return { kit: toStudyKit(kit) };
};
