/**
 * The report's exports as CSV: one row per student per item, and one summary row per student.
 *
 * Invariants:
 * - RFC 4180: comma-separated, CRLF between records, a field quoted when it holds a comma, a
 *   quote (doubled inside) or a line break; UTF-8 with a byte-order mark so Excel reads accents
 *   and non-Latin names.
 * - Nothing a spreadsheet would run: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
 *   carriage return gets a leading `'` (OWASP CSV injection guidance). Numbers stay numbers.
 * - The same figures as the report page (`figures.ts`): removed students are left out, and what
 *   was not asked has no row.
 */
import { stringify } from 'csv-stringify/sync';
import { describePollResponse, describeResponse } from '../room/describe';
import type { PollResponse, RoomState } from '../room/types';
import type { Response } from '../scoring';
import { activeStudents, answerSeconds, itemStatus, type Report } from './figures';

type Cell = string | number;

/** A text cell a spreadsheet will show, never evaluate. */
export function neutralise(text: string): string {
	return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
	return stringify(
		[header, ...rows.map((r) => r.map((c) => (typeof c === 'string' ? neutralise(c) : c)))],
		{
			bom: true,
			record_delimiter: 'windows',
			// Quoted on a lone LF or CR too, not only on the CRLF record delimiter.
			quoted_match: /[\r\n]/
		}
	);
}

export const ANSWER_COLUMNS = [
	'nickname',
	'position',
	'item_id',
	'kind',
	'type',
	'prompt',
	'answered',
	'response',
	'correct',
	'credit',
	'points',
	'seconds',
	'status'
];

/** One row per student per item asked (homework while open: every item, answered or not yet). */
export function answerRows(state: RoomState): Cell[][] {
	const secs = answerSeconds(state);
	const rows: Cell[][] = [];
	for (const p of activeStudents(state)) {
		state.core.items.forEach((item, index) => {
			if (itemStatus(state, index) === 'not asked') return;
			const a = state.answers[index]?.[p.id];
			const t = secs.get(`${p.id}:${index}`);
			const common = [p.nickname, index + 1];
			if (item.kind === 'question') {
				const q = item.question;
				const credit = a?.credit ?? null;
				rows.push([
					...common,
					q.id,
					'question',
					q.type,
					q.prompt,
					a ? 'yes' : 'no',
					a ? describeResponse(q, a.response as Response) : '',
					!a ? '' : credit === 1 ? 'yes' : credit && credit > 0 ? 'partly' : 'no',
					credit === null ? '' : Math.round(credit * 1000) / 1000,
					a ? a.points : '',
					t === undefined ? '' : Math.round(t * 10) / 10,
					''
				]);
			} else {
				const poll = item.poll;
				rows.push([
					...common,
					item.round ? `${poll.id}:${item.round}` : poll.id,
					'poll',
					poll.type,
					poll.prompt,
					a ? 'yes' : 'no',
					a ? describePollResponse(poll, a.response as PollResponse) : '',
					'',
					'',
					'',
					t === undefined ? '' : Math.round(t * 10) / 10,
					a?.status ?? ''
				]);
			}
		});
	}
	return rows;
}

export const SUMMARY_COLUMNS = [
	'nickname',
	'questions_asked',
	'answered',
	'unanswered',
	'correct',
	'accuracy_percent',
	'points',
	'needs_help',
	'missed',
	'finished'
];

export function summaryRows(report: Report): Cell[][] {
	const ids = new Map(report.questions.map((q) => [q.index, q.id]));
	return report.students.map((s) => [
		s.nickname,
		s.asked,
		s.answered,
		s.unanswered,
		s.correct,
		s.accuracy === null ? '' : Math.round(s.accuracy * 1000) / 10,
		s.points,
		s.needsHelp ? 'yes' : 'no',
		s.missed.map((i) => ids.get(i) ?? '').join(' '),
		report.mode === 'homework' ? (s.finished ? 'yes' : 'no') : ''
	]);
}
