import { helpPercent, readableSession, studentsCsv } from '$lib/server/report-page';
import type { RequestHandler } from './$types';

/** One summary row per student; 404 without the gate or the session's host key. */
export const GET: RequestHandler = async ({ cookies, params, url }) => {
	const { code, state } = await readableSession(cookies, params.id);
	return studentsCsv(code, state, helpPercent(url));
};
