/**
 * The pre-encoded fast path must send exactly the bytes Socket.IO's own encoder would: each case
 * is encoded both ways, by a server whose encoder takes the fast path and by a plain one.
 */
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { createRoom, step } from '../../src/lib/room/machine';
import type { Command, RoomState } from '../../src/lib/room/types';
import { myView, publicView, standings } from '../../src/lib/room/view';
import { createKitLibrary } from '../../src/lib/server/kit/registry';
import { encodeOnce, fastEncode, usePreEncoded } from '../../src/lib/server/pre-encoded';

const kit = createKitLibrary(fileURLToPath(new URL('../../quizzes', import.meta.url))).get(
	'hitting-rock-bottom'
)!;

type Packet = { type: number; nsp: string; data?: unknown[]; id?: number };
const plain = new Server().encoder as unknown as { encode(p: Packet): unknown[] };
const fastIo = new Server();
usePreEncoded(fastIo);
const fast = fastIo.encoder as unknown as { encode(p: Packet): unknown[] };

/** A room after a reveal, with answers and scores: the views a reveal sends. */
function revealed(): RoomState {
	const items = kit.questions
		.filter((q) => q.type === 'single')
		.slice(0, 2)
		.map((question) => ({ kind: 'question' as const, question }));
	let state = createRoom({
		seed: 'test-seed',
		code: 'ABC123',
		kitSlug: kit.slug,
		kitTitle: kit.meta.title,
		items,
		settings: { timeLimit: null, speedScoring: false, leaderboard: true, showNames: false },
		now: 0
	});
	const run = (cmd: Command) => {
		const r = step(state, cmd, 1000);
		if (!r.ok) throw new Error(r.error);
		state = r.state;
	};
	for (const [i, nickname] of ['Ana', 'Zoë “Z”', 'Ünal\\n'].entries())
		run({ type: 'join', participantId: `p${i}`, nickname });
	run({ type: 'start' });
	for (const i of [0, 1, 2])
		run({
			type: 'answer',
			participantId: `p${i}`,
			item: 0,
			response: { type: 'single', choice: i % 2 }
		} as Command);
	// Everyone answered: the question closed by itself.
	run({ type: 'reveal' });
	return state;
}

describe('pre-encoded packets', () => {
	const state = revealed();
	const view = publicView(state, 1234, 'student');
	const { ranks } = standings(state);
	const mes = ['p0', 'p1', 'p2'].map((id) => myView(state, id, ranks)!);

	it('are byte for byte what Socket.IO encodes', () => {
		const v = encodeOnce(structuredClone(view));
		const cases: Packet[] = [
			{ type: 2, nsp: '/', data: ['room:updated', v] },
			// With Socket.IO's recovery offset appended, as its session-aware adapter does.
			{ type: 2, nsp: '/', data: ['room:updated', v, 'NsA1-x'] },
			...mes.map((me) => ({
				type: 2,
				nsp: '/',
				data: ['room:updated', v, encodeOnce(structuredClone(me)), 'o"ff\u2028set']
			})),
			{ type: 2, nsp: '/admin', data: ['room:updated', v] }
		];
		for (const p of cases) {
			const expected = plain.encode(structuredClone(p) as Packet);
			expect(fast.encode(p)).toEqual(expected);
			expect(fastEncode(p)).toBe(expected[0]);
		}
		// The student's own view really is in the frame, once.
		expect(fastEncode(cases[2]!)).toContain(JSON.stringify(mes[0]));
	});

	it('leave every other packet to Socket.IO', () => {
		const v = encodeOnce({ a: 1 });
		const slow: Packet[] = [
			// Nothing marked.
			{ type: 2, nsp: '/', data: ['room:updated', { a: 1 }] },
			// One argument not marked, or not text.
			{ type: 2, nsp: '/', data: ['room:updated', v, { b: 2 }] },
			{ type: 2, nsp: '/', data: ['room:updated', v, 3] },
			{ type: 2, nsp: '/', data: ['room:updated', v, Buffer.from('x')] },
			// An ack (by id), and an event that wants one.
			{ type: 3, nsp: '/', id: 7, data: [v] },
			{ type: 2, nsp: '/', id: 8, data: ['x', v] }
		];
		for (const p of slow) {
			expect(fastEncode(p)).toBeNull();
			expect(fast.encode(p)).toEqual(plain.encode(p));
		}
	});
});
