/**
 * Security headers for every response, beside the Content-Security-Policy that SvelteKit sets
 * (svelte.config.js, `kit.csp`, with `frame-ancestors 'none'`). Tokens ride in links (the review
 * key, the projector key), so no page tells another site where it came from.
 */
import type { Handle } from '@sveltejs/kit';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	// Not `no-referrer`: with it browsers send `Origin: null` on form posts, which SvelteKit's
	// CSRF check rightly refuses. `same-origin` never sends a Referer to another site.
	'referrer-policy': 'same-origin',
	'x-content-type-options': 'nosniff',
	// For browsers that ignore CSP frame-ancestors: nothing of Quorum is framed, not even the projector.
	'x-frame-options': 'DENY',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'
};

export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		// A page may set a stricter one (the review page: `no-referrer`, it posts no form).
		if (response.headers.has(name)) continue;
		// A redirect or a fetched response may come with immutable headers; they are not pages.
		try {
			response.headers.set(name, value);
		} catch {
			return response;
		}
	}
	return response;
};
