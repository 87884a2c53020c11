/**
 * Parts of the student page that a phone needs only after it has joined: loaded on first use, or
 * fetched once the student is in (`prefetch`), never in the bytes a slow phone waits for before
 * the socket connects. Each loads once (a failed load is tried again by the next caller); every
 * caller shares the promise.
 */
const once = <T>(load: () => Promise<T>) => {
	let p: Promise<T> | null = null;
	return () =>
		(p ??= load().catch((e: unknown) => {
			// A failed fetch (the Wi-Fi dropped) is tried again by the next caller.
			p = null;
			throw e;
		}));
};

export const loadLiveItem = once(() => import('./LiveItem.svelte'));
export const loadReveal = once(() => import('$lib/components/Reveal.svelte'));
export const loadPollResults = once(() => import('$lib/components/PollResults.svelte'));
export const loadPollForm = once(() => import('./PollForm.svelte'));
export const loadHomework = once(() => import('./Homework.svelte'));
export const loadResumeCode = once(() => import('./ResumeCode.svelte'));
export const loadResumeForm = once(() => import('./ResumeForm.svelte'));

/** Once the student is in: what the next minutes will need, fetched while they wait. */
export function prefetch(homework: boolean) {
	void loadLiveItem();
	void loadReveal();
	void loadPollResults();
	void loadPollForm();
	void loadResumeCode();
	if (homework) void loadHomework();
}
