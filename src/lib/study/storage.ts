/**
 * The device's own storage for self-study: localStorage, read and written as strings. Nothing
 * here is ever sent to the server. Every call is safe during SSR and in browsers that refuse
 * storage (private mode, quota full, disabled cookies): reads give null, writes report false.
 */

/** Storage keys, one set per kit. The version lets a later format move on without misreading. */
export const storageKeys = {
	progress: (slug: string) => `quorum:study:v1:${slug}`,
	reflections: (slug: string) => `quorum:reflect:v1:${slug}`,
	review: (slug: string) => `quorum:review:v1:${slug}`
};

function store(): Storage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		// Some browsers throw on the mere access when storage is blocked.
		return null;
	}
}

export function readStored(key: string): string | null {
	try {
		return store()?.getItem(key) ?? null;
	} catch {
		return null;
	}
}

export function writeStored(key: string, value: string): boolean {
	const s = store();
	if (!s) return false;
	try {
		s.setItem(key, value);
		return true;
	} catch {
		return false;
	}
}

export function removeStored(key: string): void {
	try {
		store()?.removeItem(key);
	} catch {
		// Nothing to do: the value simply stays.
	}
}
