/**
 * The review queue on this device, one per kit, in localStorage. The thin I/O edge around the
 * pure schedule in `review-schedule.ts`; safe to import anywhere (a no-op during SSR).
 *
 * Other code (the live room's end screen) adds what a student missed with
 * `addToReviewQueue(slug, ids, Date.now())`.
 */
import { addMissed, parseQueue, serializeQueue, type ReviewQueue } from './review-schedule';
import { readStored, storageKeys, writeStored } from './storage';

export function loadReviewQueue(slug: string): ReviewQueue {
	return parseQueue(readStored(storageKeys.review(slug)));
}

/** Returns false when the browser refused to store it. */
export function saveReviewQueue(slug: string, queue: ReviewQueue): boolean {
	return writeStored(storageKeys.review(slug), serializeQueue(queue));
}

/**
 * Puts these question ids of kit `slug` in box 1, due now (see the schedule). Returns the queue
 * as stored, or null when the browser refused to store it (or during SSR).
 */
export function addToReviewQueue(
	slug: string,
	ids: readonly string[],
	now: number
): ReviewQueue | null {
	const next = addMissed(loadReviewQueue(slug), ids, now);
	return saveReviewQueue(slug, next) ? next : null;
}
