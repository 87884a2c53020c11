/**
 * The shuffle of ordering items, apart from the machine so that self-study (which shows the
 * same order) loads it without the machine's dependencies. Pure.
 */
/** A deterministic shuffle that is never the identity (the right order must not be shown). */
export function shuffledPerm(n: number, seed: string): number[] {
	let h = 2166136261;
	for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
	const rand = () => ((h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0), h / 2 ** 32);
	const perm = Array.from({ length: n }, (_, i) => i);
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
	}
	if (n > 1 && perm.every((p, i) => p === i)) perm.push(perm.shift() as number);
	return perm;
}
