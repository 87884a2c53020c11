import { getContext } from '$lib/server/context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, params }) => ({
	name: url.searchParams.get('name') ?? '',
	/** Ask for the projector's join check up front when the teacher turned it on. */
	joinCheck:
		(await getContext().repo.sessionSettings(params.code.toUpperCase()))?.joinCheck === true
});
