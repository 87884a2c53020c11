/** Small, deterministic formatters shared by server and browser (no locale or time-zone drift). */

const MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];

/** `2016-10-12` → `12 October 2016`; anything else is returned unchanged. */
export function formatDate(iso: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
	if (!m || !month) return iso;
	return `${Number(m[3])} ${month} ${m[1]}`;
}

/** `plural(1, 'question')` → `1 question`; `plural(3, 'glossary term')` → `3 glossary terms`. */
export function plural(n: number, noun: string, many = `${noun}s`): string {
	return `${n} ${n === 1 ? noun : many}`;
}

/** Sum of a partial count record such as `{ single: 3, truefalse: 2 }`. */
export function total(counts: Partial<Record<string, number>>): number {
	return Object.values(counts).reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

/** `1234` → `1,234`. */
export function formatNumber(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
