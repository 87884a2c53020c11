/**
 * The student's own reflections on the kit's polls, kept on this device and never sent anywhere.
 * Pure. `parseReflections` never throws; fields it cannot trust are reset to their defaults.
 */

/** 1 = strongly disagree … 5 = strongly agree, the room's scale. */
export type Stance = 1 | 2 | 3 | 4 | 5;
export type Tag = 'for' | 'against' | 'unsure';

export const STANCES: { value: Stance; label: string }[] = [
	{ value: 1, label: 'Strongly disagree' },
	{ value: 2, label: 'Disagree' },
	{ value: 3, label: 'Not sure' },
	{ value: 4, label: 'Agree' },
	{ value: 5, label: 'Strongly agree' }
];

export const TAGS: { value: Tag; label: string }[] = [
	{ value: 'for', label: 'For the claim' },
	{ value: 'against', label: 'Against the claim' },
	{ value: 'unsure', label: 'Not sure yet' }
];

export interface Reflection {
	/** Stance on the claim (scale, pair: the first view). */
	stance: Stance | null;
	/** Pair polls only: the view after working through the questions. */
	after: Stance | null;
	/** Choice polls: option indices. */
	picks: number[];
	/** Open polls without a scale: which side the reason argues. */
	tag: Tag | null;
	/** The written reason (or the word, for a word cloud). */
	text: string;
}

export interface Reflections {
	v: 1;
	items: Record<string, Reflection>;
}

/** Room for a writing item's longest response (its `maxLength` is at most 5000). */
export const MAX_REFLECTION_LENGTH = 5000;

export function emptyReflection(): Reflection {
	return { stance: null, after: null, picks: [], tag: null, text: '' };
}

export function emptyReflections(): Reflections {
	return { v: 1, items: {} };
}

const isStance = (x: unknown): x is Stance =>
	Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 5;
const isTag = (x: unknown): x is Tag => x === 'for' || x === 'against' || x === 'unsure';
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

function cleanReflection(x: unknown): Reflection | null {
	if (typeof x !== 'object' || x === null) return null;
	const r = x as Record<string, unknown>;
	return {
		stance: isStance(r.stance) ? r.stance : null,
		after: isStance(r.after) ? r.after : null,
		picks: Array.isArray(r.picks)
			? [...new Set(r.picks.filter((p): p is number => Number.isInteger(p) && p >= 0 && p < 8))]
			: [],
		tag: isTag(r.tag) ? r.tag : null,
		text: typeof r.text === 'string' ? r.text.slice(0, MAX_REFLECTION_LENGTH) : ''
	};
}

export function parseReflections(json: string | null | undefined): Reflections {
	if (!json) return emptyReflections();
	let raw: unknown;
	try {
		raw = JSON.parse(json);
	} catch {
		return emptyReflections();
	}
	const items = (raw as { v?: unknown; items?: unknown } | null)?.items;
	if ((raw as { v?: unknown } | null)?.v !== 1 || typeof items !== 'object' || items === null) {
		return emptyReflections();
	}
	const out: Record<string, Reflection> = {};
	for (const [id, r] of Object.entries(items)) {
		const clean = ID.test(id) ? cleanReflection(r) : null;
		if (clean) out[id] = clean;
	}
	return { v: 1, items: out };
}

export function serializeReflections(r: Reflections): string {
	return JSON.stringify(r);
}

export function setReflection(
	all: Reflections,
	id: string,
	patch: Partial<Reflection>
): Reflections {
	const merged = cleanReflection({ ...(all.items[id] ?? emptyReflection()), ...patch });
	return merged ? { v: 1, items: { ...all.items, [id]: merged } } : all;
}

/** Whether the student has said anything yet. */
export function isStarted(r: Reflection | undefined): boolean {
	return (
		!!r &&
		(r.stance !== null ||
			r.after !== null ||
			r.picks.length > 0 ||
			r.tag !== null ||
			r.text.trim() !== '')
	);
}
