import { answersCsv, readableSession } from '$lib/server/report-page';
import type { RequestHandler } from './$types';

/** One row per student per item; 404 without the gate or the session's host key. */
export const GET: RequestHandler = async ({ cookies, params }) => {
	const { code, state } = await readableSession(cookies, params.id);
	return answersCsv(code, state);
};
