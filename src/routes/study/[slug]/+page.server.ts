import { error } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import { toStudyKit } from '$lib/study/study-kit';
import type { PageServerLoad } from './$types';

/**
 * The whole kit travels with the page, so self-study needs no request after it has loaded. While
 * a session of the kit runs (read from the database), the kit and its key stay on the server.
 */
export const load: PageServerLoad = async ({ params }) => {
	const { kits, repo } = getContext();
	const kit = kits.get(params.slug);
	if (!kit) error(404, 'There is no reading kit with that name.');
	if (await repo.kitInSession(kit.slug))
		return { kit: null, closed: { slug: kit.slug, title: kit.meta.title } };
	return { kit: toStudyKit(kit), closed: null };
};
