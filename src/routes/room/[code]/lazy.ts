/**
 * Parts of the student page that a phone needs only after it has joined: loaded on first use, or
 * fetched once the student is in (`prefetch`), never in the bytes a slow phone waits for before
 * the socket connects. Each loads once; every caller shares the promise. (A failed fetch stays
 * failed: browsers keep a module that failed to load, so the page offers a reload instead.)
 */
const once = <T>(load: () => Promise<T>) => {
	let p: Promise<T> | null = null;
	return () => (p ??= load());
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
	const loads: Promise<unknown>[] = [
		loadLiveItem(),
		loadReveal(),
		loadPollResults(),
		loadPollForm(),
		loadResumeCode()
	];
	if (homework) loads.push(loadHomework());
	// A failure shows where the part is used; here it only must not go unhandled.
	for (const l of loads) l.catch(() => undefined);
}
