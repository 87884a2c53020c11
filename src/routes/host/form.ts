/** Reads the start-a-session form: picked items in the teacher's order, and settings. */
import type { Settings } from '$lib/room/types';

export function parseSessionForm(
	data: FormData,
	now = Date.now()
): { kitSlug: string; items: string[]; settings: Settings } | { error: string } {
	const kitSlug = String(data.get('kit') ?? '');
	const picked = data.getAll('item').map(String);
	// Each item has a position field; items keep their listed order unless renumbered.
	const items = picked
		.map((ref, i) => ({ ref, pos: Number(data.get(`pos:${ref}`) ?? i + 1) || i + 1, i }))
		.sort((a, b) => a.pos - b.pos || a.i - b.i)
		.map((x) => x.ref);
	if (!kitSlug) return { error: 'Choose a reading kit.' };
	if (items.length === 0) return { error: 'Pick at least one question or poll.' };
	const limit = String(data.get('timeLimit') ?? 'none');
	const timeLimit = limit === 'none' ? null : Number(limit);
	if (timeLimit !== null && !(timeLimit >= 5 && timeLimit <= 600))
		return { error: 'Choose a time limit between 5 and 600 seconds, or untimed.' };
	const homework = data.get('mode') === 'homework';
	const due = String(data.get('deadline') ?? '').trim();
	// A datetime-local value, read in the server's time zone (the teacher's own machine).
	const deadline = homework && due ? new Date(due).getTime() : null;
	if (deadline !== null && !(deadline > now))
		return { error: 'Choose a deadline in the future, or leave it empty.' };
	return {
		kitSlug,
		items,
		settings: {
			mode: homework ? 'homework' : 'live',
			deadline,
			timeLimit,
			speedScoring: data.get('speedScoring') === 'on',
			leaderboard: data.get('leaderboard') === 'on',
			showNames: data.get('showNames') === 'on',
			joinCheck: data.get('joinCheck') === 'on',
			allowStudy: data.get('allowStudy') === 'on'
		}
	};
}
