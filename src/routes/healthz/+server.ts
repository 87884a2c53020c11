import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/**
 * Liveness for nginx, systemd and the multi-process tests: this process serves requests. No
 * auth, nothing about the data behind it.
 */
export const GET: RequestHandler = () =>
	json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
