import type { RosterRow } from '$lib/room/view';

/**
 * The teacher's roster after a `host:roster` update: changed rows replace theirs in place, new
 * students go last (the server's joining order). Returns a new array; the old one is untouched.
 */
export function mergeRoster(
	rows: readonly RosterRow[],
	changed: readonly RosterRow[]
): RosterRow[] {
	if (!changed.length) return [...rows];
	const next = [...rows];
	const at = new Map(next.map((r, i) => [r.id, i]));
	for (const row of changed) {
		const i = at.get(row.id);
		if (i === undefined) {
			at.set(row.id, next.length);
			next.push(row);
		} else next[i] = row;
	}
	return next;
}

/** The roster after a `host:answered` update: these students' rows now show `item` answered. */
export function markAnswered(
	rows: readonly RosterRow[],
	item: number,
	ids: readonly string[]
): RosterRow[] {
	const answered = new Set(ids);
	return rows.map((r) => (answered.has(r.id) ? { ...r, answeredItem: item } : r));
}
