import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** The join form works without JavaScript: normalise the code, carry the nickname along. */
export const GET: RequestHandler = ({ url }) => {
	const code = (url.searchParams.get('code') ?? '')
		.trim()
		.toUpperCase()
		.replace(/[^A-Z0-9]/g, '');
	const name = (url.searchParams.get('name') ?? '').trim().slice(0, 24);
	redirect(303, `/room/${code}${name ? `?name=${encodeURIComponent(name)}` : ''}`);
};
