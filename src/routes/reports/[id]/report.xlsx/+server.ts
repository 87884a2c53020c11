import { helpPercent, readableSession, reportXlsx } from '$lib/server/report-page';
import type { RequestHandler } from './$types';

/** Answers and the student summary as one workbook; 404 without the gate or the host key. */
export const GET: RequestHandler = async ({ cookies, params, url }) => {
	const { code, state } = await readableSession(cookies, params.id);
	return reportXlsx(code, state, helpPercent(url));
};
