/**
 * Spaced review: a Leitner schedule for the questions a student missed. Pure: no storage, no
 * clock (time comes in as `now`, in milliseconds since the epoch).
 *
 * The schedule:
 *
 *   box   next review after landing in it
 *   1     0 days (due at once: again in the same session)
 *   2     1 day
 *   3     3 days
 *   4     7 days
 *   5     16 days
 *
 * - A miss (in self-study, in the live room, or in review) puts the question in box 1, due now,
 *   wherever it was before.
 * - A success in review moves it up one box and makes it due after that box's interval.
 *   A success in box 5 retires it: the question leaves the queue.
 * - Only full credit is a success (scoring's `correct`); partial credit counts as a miss.
 * - Self-study and the live room only ever add misses; only an answer in review moves a card up.
 * - A question is due when `due <= now`. Intervals are exact multiples of 24 hours.
 *
 * Invariants: every card has an integer box in 1..5 and a finite `due`; functions never mutate
 * their input; `parseQueue` never throws and turns anything it cannot trust into an empty queue
 * (or drops just the broken cards).
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Days until due after landing in box 1..5 (index 0 is box 1). */
export const BOX_INTERVAL_DAYS = [0, 1, 3, 7, 16] as const;

export const MAX_BOX = BOX_INTERVAL_DAYS.length;

export type Box = 1 | 2 | 3 | 4 | 5;

export interface ReviewCard {
	box: Box;
	/** When the card is next due, ms since the epoch. */
	due: number;
	/** How many times the question was missed, over its life in the queue. */
	misses: number;
}

export interface ReviewQueue {
	v: 1;
	/** Cards by question id. */
	cards: Record<string, ReviewCard>;
}

/** What a review answer did to the card, for the feedback line. */
export type ReviewOutcome =
	| { kind: 'moved'; box: Box; due: number }
	| { kind: 'reset'; box: 1; due: number }
	| { kind: 'retired' };

export function emptyQueue(): ReviewQueue {
	return { v: 1, cards: {} };
}

export function intervalDays(box: Box): number {
	return BOX_INTERVAL_DAYS[box - 1] ?? 0;
}

function landIn(box: Box, now: number, misses: number): ReviewCard {
	return { box, due: now + intervalDays(box) * DAY_MS, misses };
}

/** Missed questions go to box 1, due now. Ids already in the queue go back to box 1. */
export function addMissed(queue: ReviewQueue, ids: readonly string[], now: number): ReviewQueue {
	if (ids.length === 0) return queue;
	const cards = { ...queue.cards };
	for (const id of ids) cards[id] = landIn(1, now, (cards[id]?.misses ?? 0) + 1);
	return { v: 1, cards };
}

/** The effect of a review answer: a miss goes to box 1, a success up one box (or out). */
export function recordReview(
	queue: ReviewQueue,
	id: string,
	correct: boolean,
	now: number
): { queue: ReviewQueue; outcome: ReviewOutcome } {
	const card = queue.cards[id];
	if (!correct) {
		const next = addMissed(queue, [id], now);
		return { queue: next, outcome: { kind: 'reset', box: 1, due: now } };
	}
	if (!card || card.box >= MAX_BOX) {
		const cards = { ...queue.cards };
		delete cards[id];
		return { queue: { v: 1, cards }, outcome: { kind: 'retired' } };
	}
	const box = (card.box + 1) as Box;
	const moved = landIn(box, now, card.misses);
	return {
		queue: { v: 1, cards: { ...queue.cards, [id]: moved } },
		outcome: { kind: 'moved', box, due: moved.due }
	};
}

/** Ids due at `now`, soonest first (ties by id, so the order is stable). */
export function dueIds(queue: ReviewQueue, now: number): string[] {
	return Object.entries(queue.cards)
		.filter(([, c]) => c.due <= now)
		.sort(([a, ca], [b, cb]) => ca.due - cb.due || (a < b ? -1 : a > b ? 1 : 0))
		.map(([id]) => id);
}

/** When the next card not yet due becomes due, or null when none is waiting. */
export function nextDueAt(queue: ReviewQueue, now: number): number | null {
	let next: number | null = null;
	for (const c of Object.values(queue.cards)) {
		if (c.due > now && (next === null || c.due < next)) next = c.due;
	}
	return next;
}

/** Drops cards for questions the kit no longer has (a teacher edited it). */
export function keepOnly(queue: ReviewQueue, ids: readonly string[]): ReviewQueue {
	const known = new Set(ids);
	const entries = Object.entries(queue.cards).filter(([id]) => known.has(id));
	if (entries.length === Object.keys(queue.cards).length) return queue;
	return { v: 1, cards: Object.fromEntries(entries) };
}

/** The kit schema's id rule; anything else in storage is not ours (and `__proto__` is out). */
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

function isCard(x: unknown): x is ReviewCard {
	if (typeof x !== 'object' || x === null) return false;
	const c = x as Record<string, unknown>;
	return (
		Number.isInteger(c.box) &&
		(c.box as number) >= 1 &&
		(c.box as number) <= MAX_BOX &&
		typeof c.due === 'number' &&
		Number.isFinite(c.due) &&
		Number.isInteger(c.misses) &&
		(c.misses as number) >= 0
	);
}

/** Reads a stored queue. Never throws: unreadable input gives an empty queue, bad cards are dropped. */
export function parseQueue(json: string | null | undefined): ReviewQueue {
	if (!json) return emptyQueue();
	let raw: unknown;
	try {
		raw = JSON.parse(json);
	} catch {
		return emptyQueue();
	}
	if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) {
		return emptyQueue();
	}
	const cards = (raw as { cards?: unknown }).cards;
	if (typeof cards !== 'object' || cards === null || Array.isArray(cards)) return emptyQueue();
	const out: Record<string, ReviewCard> = {};
	for (const [id, card] of Object.entries(cards)) {
		if (ID.test(id) && isCard(card))
			out[id] = { box: card.box, due: card.due, misses: card.misses };
	}
	return { v: 1, cards: out };
}

export function serializeQueue(queue: ReviewQueue): string {
	return JSON.stringify(queue);
}
