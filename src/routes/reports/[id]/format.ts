/** Figures as the report prints them. */
export const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

/** A date the same on the server and in the browser (no locale or time zone of either). */
export function when(ms: number): string {
	return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
