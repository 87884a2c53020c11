import { expect, test } from '@playwright/test';

/** The production server's headers on a page, a static file and the join form. */
test('pages and static files carry the security headers beside the CSP', async ({ request }) => {
	const page = await request.get('/');
	expect(page.status()).toBe(200);
	const html = page.headers();
	expect(html['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(html['referrer-policy']).toBe('same-origin');
	expect(html['x-content-type-options']).toBe('nosniff');
	expect(html['x-frame-options']).toBe('DENY');
	expect(html['permissions-policy']).toContain('camera=()');
	expect(html['permissions-policy']).toContain('microphone=()');
	expect(html['permissions-policy']).toContain('geolocation=()');

	const join = await request.get('/join');
	expect(join.headers()['referrer-policy']).toBe('same-origin');
	// A page's stricter policy stands (the review link's key must never leave in a Referer).
	const review = await request.get('/review/no-such-key');
	expect(review.headers()['referrer-policy']).toBe('no-referrer');

	const asset = (await page.text()).match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
	expect(asset, 'a script of the built app').toBeTruthy();
	const file = await request.get(asset!);
	expect(file.status()).toBe(200);
	expect(file.headers()['x-content-type-options']).toBe('nosniff');
	expect(file.headers()['referrer-policy']).toBe('same-origin');
});

test('a page elsewhere cannot open a socket to the room server', async ({ request }) => {
	const handshake = (origin?: string) =>
		request.get('/socket.io/?EIO=4&transport=polling', {
			headers: origin ? { origin } : {}
		});
	expect((await handshake()).status()).toBe(200);
	expect((await handshake('http://evil.example')).status()).toBe(403);
});
