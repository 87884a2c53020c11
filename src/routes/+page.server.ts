import { getContext } from '$lib/server/context';
import { summarize } from '$lib/server/kit/registry';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = () => {
	const { kits } = getContext();
	return {
		// Counts and front matter only: never the questions themselves (they hold the answer key).
		kits: kits
			.list()
			.map((kit) => ({ ...summarize(kit), summary: kit.summary, level: kit.level }))
			.sort((a, b) => a.title.localeCompare(b.title, 'en')),
		broken: kits.broken()
	};
};
