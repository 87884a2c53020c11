import { describe, expect, it } from 'vitest';
import { createKitLibrary } from '../../src/lib/server/kit/registry';
import { defaultItems, sessionPresets } from '../../src/lib/server/sessions';
import type { AppContext } from '../../src/lib/server/context';

const ctx = { kits: createKitLibrary('quizzes') } as AppContext;

describe("the kit's lesson plans as /host presets", () => {
	const presets = sessionPresets(ctx, 'hitting-rock-bottom');

	it('offers each plan, by name and length, with its items in the plan’s order', () => {
		expect(presets.map((p) => [p.name, p.minutes])).toEqual([
			['30-minute lesson', 30],
			['45-minute lesson', 45]
		]);
		const thirty = presets[0]!.items;
		expect(thirty[0]).toBe('p:bold-or-self-defeating:before');
		expect(thirty.at(-2)).toBe('p:bold-or-self-defeating:after');
		expect(thirty).toContain('q:sequence-of-events');
	});

	it('names only items the host form can create, each once', () => {
		const known = new Set(defaultItems(ctx, 'hitting-rock-bottom'));
		for (const p of presets) {
			expect(p.items.every((ref) => known.has(ref))).toBe(true);
			expect(new Set(p.items).size).toBe(p.items.length);
		}
	});

	it('has none for a kit that is not there', () => {
		expect(sessionPresets(ctx, 'no-such-kit')).toEqual([]);
	});
});
