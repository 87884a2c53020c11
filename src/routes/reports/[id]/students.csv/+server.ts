import { helpPercent, readableSession, studentsCsv } from '$lib/server/report-page';
import type { RequestHandler } from './$types';

/** One summary row per student; 404 without the gate or the session's host key. */
export const GET: RequestHandler = ({ cookies, params, url }) => {
	const { code, state } = readableSession(cookies, params.id);
	return studentsCsv(code, state, helpPercent(url));
};
