/**
 * The CSV exports: RFC 4180 framing, the BOM, formula injection neutralised, and hostile names
 * (formulas, quotes, commas, line breaks, right-to-left text) surviving a round trip through an
 * independent reader.
 */
import { describe, expect, it } from 'vitest';
import {
	ANSWER_COLUMNS,
	answerRows,
	neutralise,
	SUMMARY_COLUMNS,
	summaryRows,
	toCsv
} from '../../src/lib/report/csv';
import { buildReport } from '../../src/lib/report/figures';
import { readCsv } from './csv-reader';
import { homeworkRoom, liveRoom } from './report-fixture';

describe('neutralise', () => {
	it.each([
		['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
		['+1', "'+1"],
		['-2+3', "'-2+3"],
		['@SUM(A1)', "'@SUM(A1)"],
		['\tcmd', "'\tcmd"],
		['\rcmd', "'\rcmd"],
		['Ann', 'Ann'],
		['a=b', 'a=b'],
		['', ''],
		['مرحبا', 'مرحبا']
	])('%j → %j', (given, want) => expect(neutralise(given)).toBe(want));
});

describe('toCsv', () => {
	const hostile = [
		'=HYPERLINK("http://x","click")',
		'Smith, "Jo"',
		'two\nlines',
		'cr\ronly',
		'שלום עולם',
		'مرحبا بالعالم',
		'Zoë Ñandú',
		'-1',
		'@x',
		'\tx',
		'plain'
	];
	const csv = toCsv(
		['name', 'n'],
		hostile.map((h, i) => [h, i])
	);

	it('is UTF-8 with a BOM, CRLF records, every quote doubled', () => {
		expect(csv.startsWith('\uFEFFname,n\r\n')).toBe(true);
		expect(csv.endsWith('\r\n')).toBe(true);
		expect(csv).toContain('"Smith, ""Jo"""');
		expect(Buffer.from(csv, 'utf8').toString('utf8')).toBe(csv);
	});

	it('round-trips every hostile name, with formulas made inert', () => {
		const rows = readCsv(csv);
		expect(rows[0]).toEqual(['name', 'n']);
		expect(rows.slice(1).map((r) => r[0])).toEqual(hostile.map(neutralise));
		expect(rows.slice(1).map((r) => r[1])).toEqual(hostile.map((_, i) => String(i)));
		for (const [name] of rows.slice(1)) expect(name).not.toMatch(/^[=+\-@\t\r]/);
	});
});

describe('answer rows', () => {
	const state = liveRoom();
	state.participants.ann!.nickname = '=HYPERLINK("http://x")';
	const rows = answerRows(state);

	it('has one row per student per item asked, removed students and unasked items left out', () => {
		// Ann, Bob, Cat, Eve × items 1–6 (item 7 never asked).
		expect(rows).toHaveLength(24);
		expect(new Set(rows.map((r) => r[0]))).toEqual(
			new Set(['=HYPERLINK("http://x")', 'Bob', 'Cat', 'Eve'])
		);
		expect(rows.every((r) => r.length === ANSWER_COLUMNS.length)).toBe(true);
	});

	it.each([
		// nickname, position → the rest of the row
		[
			'Bob',
			2,
			['mq', 'question', 'multiple', 'Pick A and C', 'yes', 'A. A1', 'partly', 0.5, 500, 3, '']
		],
		['Cat', 3, ['shq', 'question', 'short', 'Which city?', 'yes', 'ALEPO!', 'no', 0, 0, 5, '']],
		['Eve', 1, ['sq', 'question', 'single', 'Pick B', 'no', '', '', '', '', '', '']],
		['Bob', 4, ['pp:before', 'poll', 'pair', 'Agree?', 'yes', '4 (Agree)', '', '', '', 0.5, '']],
		[
			'Bob',
			5,
			['op', 'poll', 'open', 'Why?', 'yes', 'Against: Not yet seen', '', '', '', 0.5, 'pending']
		]
	])('%s, item %i', (name, position, rest) => {
		expect(rows.find((r) => r[0] === name && r[1] === position)?.slice(2)).toEqual(rest);
	});

	it('survives the CSV round trip with the formula made inert', () => {
		const back = readCsv(toCsv(ANSWER_COLUMNS, rows));
		expect(back).toHaveLength(25);
		expect(back[1]![0]).toBe('\'=HYPERLINK("http://x")');
	});
});

describe('summary rows', () => {
	it('one row per student: counts, accuracy in percent, needs help, missed ids', () => {
		expect(summaryRows(buildReport(liveRoom(), 0.5))).toEqual([
			['Ann', 3, 3, 0, 3, 100, 3000, 'no', '', ''],
			['Bob', 3, 3, 0, 0, 16.7, 500, 'yes', 'sq mq shq', ''],
			['Cat', 3, 3, 0, 0, 0, 0, 'yes', 'sq mq shq', ''],
			['Eve', 3, 0, 3, 0, 0, 0, 'yes', 'sq mq shq', '']
		]);
		expect(SUMMARY_COLUMNS).toHaveLength(10);
	});

	it('homework in progress says who finished; a student not started has no accuracy yet', () => {
		expect(summaryRows(buildReport(homeworkRoom('open'), 0.5))).toEqual([
			['Gus', 3, 3, 0, 3, 100, 3000, 'no', '', 'yes'],
			['Hal', 1, 1, 0, 0, 0, 0, 'yes', 'sq', 'no'],
			['Ivy', 0, 0, 0, 0, '', 0, 'no', '', 'no']
		]);
	});
});
