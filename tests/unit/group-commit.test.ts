import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/lib/server/pg/group-commit';

/** A write that finishes when the test says, recording each batch it was given. */
function controlledWrite() {
	const batches: number[][] = [];
	const finish: ((errors: (Error | null)[] | Error) => void)[] = [];
	const write = (batch: number[]) => {
		batches.push(batch);
		return new Promise<(Error | null)[]>((resolve, reject) =>
			finish.push((r) => (r instanceof Error ? reject(r) : resolve(r)))
		);
	};
	return { batches, finish, write };
}

const settled = (p: Promise<void>) =>
	p.then(
		() => 'ok',
		(e: Error) => e.message
	);

describe('group commit', () => {
	it('writes a lone call at once, and groups the calls that arrive meanwhile', async () => {
		const w = controlledWrite();
		const g = groupCommit(w.write);
		const first = settled(g.add(1));
		const rest = [2, 3, 4].map((n) => settled(g.add(n)));
		expect(w.batches).toEqual([[1]]);
		w.finish[0]!([null]);
		expect(await first).toBe('ok');
		expect(w.batches).toEqual([[1], [2, 3, 4]]);
		w.finish[1]!([null, new Error('fenced'), null]);
		expect(await Promise.all(rest)).toEqual(['ok', 'fenced', 'ok']);
		await g.drain();
	});

	it('fails every call of a write that fails, and goes on with the next', async () => {
		const w = controlledWrite();
		const g = groupCommit(w.write);
		const a = settled(g.add(1));
		const b = settled(g.add(2));
		const c = settled(g.add(3));
		w.finish[0]!(new Error('connection lost'));
		expect(await a).toBe('connection lost');
		expect(w.batches[1]).toEqual([2, 3]);
		w.finish[1]!([null, null]);
		expect(await Promise.all([b, c])).toEqual(['ok', 'ok']);
	});

	it('caps a batch, and drains only when nothing is left', async () => {
		const w = controlledWrite();
		const g = groupCommit(w.write, { maxBatch: 2 });
		const calls = [1, 2, 3, 4, 5, 6].map((n) => settled(g.add(n)));
		let drained = false;
		const draining = g.drain().then(() => (drained = true));
		for (let i = 0; i < 4; i++) {
			// The next batch starts once the one before has settled its calls.
			while (w.batches.length <= i) await new Promise((r) => setImmediate(r));
			expect(drained).toBe(false);
			w.finish[i]!(w.batches[i]!.map(() => null));
		}
		await draining;
		expect(w.batches).toEqual([[1], [2, 3], [4, 5], [6]]);
		expect(drained).toBe(true);
		expect(await Promise.all(calls)).toEqual(Array(6).fill('ok'));
	});
});
