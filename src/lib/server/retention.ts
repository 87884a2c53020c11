/**
 * Retention: with `QUORUM_RETENTION_DAYS=N`, sessions that ended more than N days ago are deleted
 * (participants, answers, responses and upvotes with them) when the server starts and once a day.
 * Unset, empty or not a positive number: everything is kept (the default).
 */
import type { Repository } from './db';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The retention period in days from the environment; null keeps everything. */
export function retentionDays(env: NodeJS.ProcessEnv = process.env): number | null {
	const raw = env.QUORUM_RETENTION_DAYS?.trim();
	if (!raw) return null;
	const days = Number(raw);
	if (!Number.isFinite(days) || days <= 0) {
		console.warn(
			`[quorum] QUORUM_RETENTION_DAYS=${raw} is not a positive number: keeping everything`
		);
		return null;
	}
	return days;
}

/** Deletes sessions that ended (were last changed) more than `days` before `now`; their codes. */
export async function pruneSessions(
	repo: Repository,
	days: number,
	now: number
): Promise<string[]> {
	const codes = await repo.deleteEndedBefore(now - days * DAY_MS);
	if (codes.length)
		console.info(
			`[quorum] retention: deleted ${codes.length} session(s) ended over ${days} day(s) ago`
		);
	return codes;
}

/** Prunes now and then daily; returns the stop. Nothing at all when retention is off. */
export function startRetention(
	repo: Repository,
	days: number | null,
	clock: () => number = Date.now
): () => void {
	if (days === null) return () => {};
	const run = () => {
		pruneSessions(repo, days, clock()).catch((e: unknown) => {
			console.error('[quorum] retention: deleting old sessions failed', { error: e });
		});
	};
	run();
	const timer = setInterval(run, DAY_MS);
	timer.unref?.();
	return () => clearInterval(timer);
}
