import { redirect } from '@sveltejs/kit';
import { CODE_PATTERN } from '$lib/protocol';
import { getContext } from '$lib/server/context';
import type { RequestHandler } from './$types';

/**
 * The join form works without JavaScript: normalise the code, carry the nickname along. A code
 * with no session goes back to the form with the nickname kept (and the code, to correct).
 */
export const GET: RequestHandler = async ({ url }) => {
	const code = (url.searchParams.get('code') ?? '')
		.trim()
		.toUpperCase()
		.replace(/[^A-Z0-9]/g, '');
	const name = (url.searchParams.get('name') ?? '').trim().slice(0, 24);
	if (!CODE_PATTERN.test(code) || !(await getContext().repo.codeExists(code))) {
		const back = new URLSearchParams({ code, name, error: 'unknown' });
		redirect(303, `/join?${back}`);
	}
	redirect(303, `/room/${code}${name ? `?name=${encodeURIComponent(name)}` : ''}`);
};
