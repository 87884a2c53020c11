/** "When is the next review", in words. Pure: `now` comes in. */
import { DAY_MS } from './review-schedule';

const HOUR_MS = 60 * 60 * 1000;

export function dueInWords(due: number, now: number): string {
	const wait = due - now;
	if (wait <= 0) return 'now';
	if (wait < HOUR_MS) return 'within the hour';
	if (wait < DAY_MS) {
		const hours = Math.round(wait / HOUR_MS);
		return hours === 1 ? 'in about an hour' : `in about ${hours} hours`;
	}
	const days = Math.round(wait / DAY_MS);
	return days === 1 ? 'in 1 day' : `in ${days} days`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}
