/**
 * What the report routes share: the access check that answers 404, the teacher's "needs help"
 * threshold from the query, and the CSV responses.
 */
import { error, type Cookies } from '@sveltejs/kit';
import writeXlsxFile from 'write-excel-file/node';
import { ANSWER_COLUMNS, answerRows, SUMMARY_COLUMNS, summaryRows, toCsv } from '../report/csv';
import { buildReport } from '../report/figures';
import type { RoomState } from '../room/types';
import { getContext } from './context';
import { canReadReport } from './report-access';

export const DEFAULT_HELP_PERCENT = 50;

/** `?help=` in percent (0–100), else the default. */
export function helpPercent(url: URL): number {
	const n = Number(url.searchParams.get('help'));
	return url.searchParams.has('help') && Number.isFinite(n)
		? Math.min(100, Math.max(0, Math.round(n)))
		: DEFAULT_HELP_PERCENT;
}

export const PRIVATE_HEADERS = {
	'cache-control': 'private, no-store',
	// Not `no-referrer`: Chromium then sends `Origin: null` with the page's own forms, which
	// SvelteKit's CSRF check refuses. `same-origin` still tells other sites nothing.
	'referrer-policy': 'same-origin',
	'x-robots-tag': 'noindex'
};

/** The stored room of a report this request may read; 404 otherwise (never 403). */
export async function readableSession(
	cookies: Cookies,
	id: string
): Promise<{ code: string; state: RoomState }> {
	const { repo } = getContext();
	const code = id.toUpperCase();
	const session = (await canReadReport(repo, cookies, code)) ? await repo.loadSession(code) : null;
	if (!session) error(404, { message: 'There is no report here.' });
	return { code, state: session.state };
}

function csvResponse(body: string, filename: string): Response {
	return new Response(body, {
		headers: {
			...PRIVATE_HEADERS,
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`
		}
	});
}

export function answersCsv(code: string, state: RoomState): Response {
	return csvResponse(toCsv(ANSWER_COLUMNS, answerRows(state)), `quorum-${code}-answers.csv`);
}

/**
 * Both exports as one workbook (sheets "Answers" and "Students"). Cells are typed strings and
 * numbers, never formulas, so no spreadsheet runs a student's text; written by write-excel-file.
 */
export async function reportXlsx(code: string, state: RoomState, percent: number) {
	const sheet = (header: string[], rows: (string | number)[][]) =>
		[header, ...rows].map((row) => row.map((value) => ({ value })));
	const summary = summaryRows(buildReport(state, percent / 100));
	const buffer = await writeXlsxFile([
		{ data: sheet(ANSWER_COLUMNS, answerRows(state)), sheet: 'Answers' },
		{ data: sheet(SUMMARY_COLUMNS, summary), sheet: 'Students' }
	]).toBuffer();
	return new Response(new Uint8Array(buffer), {
		headers: {
			...PRIVATE_HEADERS,
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="quorum-${code}-report.xlsx"`
		}
	});
}

export function studentsCsv(code: string, state: RoomState, percent: number): Response {
	const rows = summaryRows(buildReport(state, percent / 100));
	return csvResponse(toCsv(SUMMARY_COLUMNS, rows), `quorum-${code}-students.csv`);
}
