/**
 * The review queue of one kit in the browser: a snapshot of the stored queue, the ids due at the
 * last `refresh(now)`, and methods that apply the pure schedule and save at once. Open it in an
 * `$effect`; the returned function (for the cleanup) stops following other tabs.
 */
import { createContext } from 'svelte';
import {
	addMissed,
	dueIds,
	emptyQueue,
	keepOnly,
	nextDueAt,
	recordReview,
	type ReviewOutcome,
	type ReviewQueue
} from './review-schedule';
import { loadReviewQueue, saveReviewQueue } from './review-store';
import { storageKeys } from './storage';

export class ReviewQueueState {
	readonly slug: string;
	/** Question ids of the kit, in kit order. */
	readonly #order: string[];

	queue = $state.raw<ReviewQueue>(emptyQueue());
	/** The clock the due list was last computed at (passed in: this class never reads the time). */
	now = $state(0);
	ready = $state(false);
	stored = $state(true);

	/** Ids due at `now`, in kit order (the order the reading presents them). */
	readonly due = $derived.by(() => {
		const due = dueIds(this.queue, this.now);
		return this.#order.filter((id) => due.includes(id));
	});
	readonly size = $derived(Object.keys(this.queue.cards).length);
	readonly nextDue = $derived(nextDueAt(this.queue, this.now));

	constructor(slug: string, questionIds: readonly string[]) {
		this.slug = slug;
		this.#order = [...questionIds];
	}

	open(now: number): () => void {
		const load = () => {
			// Questions a teacher has since removed from the kit leave the queue.
			this.queue = keepOnly(loadReviewQueue(this.slug), this.#order);
		};
		load();
		this.now = now;
		this.ready = true;
		const onStorage = (e: StorageEvent) => {
			if (e.key === null || e.key === storageKeys.review(this.slug)) load();
		};
		addEventListener('storage', onStorage);
		return () => removeEventListener('storage', onStorage);
	}

	refresh(now: number): void {
		this.now = now;
	}

	add(ids: readonly string[], now: number): void {
		this.#save(addMissed(this.queue, ids, now), now);
	}

	record(id: string, correct: boolean, now: number): ReviewOutcome {
		const { queue, outcome } = recordReview(this.queue, id, correct, now);
		this.#save(queue, now);
		return outcome;
	}

	has(id: string): boolean {
		return Object.hasOwn(this.queue.cards, id);
	}

	#save(next: ReviewQueue, now: number): void {
		this.queue = next;
		this.now = now;
		this.stored = saveReviewQueue(this.slug, next);
	}
}

export const [getReviewQueue, setReviewQueue] = createContext<ReviewQueueState>();
