import { error } from '@sveltejs/kit';
import { readingView } from '$lib/reading/view';
import { getContext } from '$lib/server/context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params }) => {
	const { kits } = getContext();
	const kit = kits.get(params.slug);
	// Only the reading view: the kit also holds the answer key, and page data ships to the browser.
	if (kit) return { reading: readingView(kit) };

	const name = params.slug.slice(0, 80);
	if (kits.broken().some((b) => b.slug === params.slug))
		error(
			404,
			`The reading “${name}” has problems in its kit file, so it can’t be shown yet. The library lists what needs fixing.`
		);
	error(404, `There is no reading called “${name}” in the library.`);
};
