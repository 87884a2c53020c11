import { joinInfo } from '$lib/server/join-link';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, params }) =>
	joinInfo(url, params.code.toUpperCase());
