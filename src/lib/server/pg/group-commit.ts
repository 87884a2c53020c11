/**
 * Group commit: the first call is written at once; calls arriving while that write is in flight
 * wait and go together in the next one (no timer: a lone call never waits). Invariants: a call
 * resolves only after the write holding it succeeded, and rejects with its own error (a room
 * fenced off) or the whole write's; no call is in two writes; at most `lanes` writes at a time.
 */
export interface GroupCommit<T> {
	add(item: T): Promise<void>;
	/** Resolves when nothing is queued or in flight. */
	drain(): Promise<void>;
}

/** Per item of the batch: its own error, or null when it was written. */
export type BatchWrite<T> = (batch: T[]) => Promise<(Error | null)[]>;

interface Waiting<T> {
	item: T;
	resolve: () => void;
	reject: (e: unknown) => void;
}

export function groupCommit<T>(
	write: BatchWrite<T>,
	options: { lanes?: number; maxBatch?: number } = {}
): GroupCommit<T> {
	const lanes = options.lanes ?? 1;
	const maxBatch = options.maxBatch ?? 1000;
	const queue: Waiting<T>[] = [];
	let inFlight = 0;
	let idle: (() => void)[] = [];

	const settle = (batch: Waiting<T>[], errors: (Error | null)[]) =>
		batch.forEach((w, i) => {
			const e = errors[i];
			if (e) w.reject(e);
			else w.resolve();
		});

	const pump = () => {
		while (inFlight < lanes && queue.length) {
			const batch = queue.splice(0, maxBatch);
			inFlight++;
			let pending: Promise<(Error | null)[]>;
			try {
				pending = write(batch.map((w) => w.item));
			} catch (e) {
				pending = Promise.reject(e);
			}
			void pending
				.then(
					(errors) => settle(batch, errors),
					(e: unknown) => batch.forEach((w) => w.reject(e))
				)
				.finally(() => {
					inFlight--;
					pump();
				});
		}
		if (!inFlight && !queue.length) {
			const waiting = idle;
			idle = [];
			waiting.forEach((r) => r());
		}
	};

	return {
		add: (item) =>
			new Promise<void>((resolve, reject) => {
				queue.push({ item, resolve, reject });
				pump();
			}),
		drain: () =>
			!inFlight && !queue.length
				? Promise.resolve()
				: new Promise<void>((resolve) => idle.push(resolve))
	};
}
