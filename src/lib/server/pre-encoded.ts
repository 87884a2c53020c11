/**
 * Views encoded once, sent many times. Socket.IO encodes a packet by `JSON.stringify` of its
 * arguments each time it is emitted; a reveal sends each student the room's view (the same
 * object for all) with their own: 2,000 encodings of one view. Here the hub marks an object as
 * final (`encodeOnce`: its JSON is made now and kept beside it), and the server's encoder builds
 * a packet whose every argument is marked (or a string, such as the event name and Socket.IO's
 * recovery offset) from those pieces. Any other packet takes Socket.IO's own path.
 *
 * Invariants:
 * - The bytes are exactly those of Socket.IO's encoder for the same packet (tested against it):
 *   `2` (an event), the namespace unless `/`, then `JSON.stringify` of the arguments' array.
 * - A marked object is never changed after it is marked (views are made fresh for each send);
 *   if it were, its old JSON would still be sent.
 * - Binary never takes this path: a marked object is already text, and nothing else is allowed.
 */
import type { Server } from 'socket.io';

const encoded = new WeakMap<object, string>();

/** Encodes `value` now; every later packet that carries this very object reuses the JSON. */
export function encodeOnce<T extends object>(value: T): T {
	encoded.set(value, JSON.stringify(value));
	return value;
}

interface Packet {
	type: number;
	nsp: string;
	data?: unknown;
	id?: number;
}

const EVENT = 2;

/** The packet's text from marked pieces, or null when any part is not marked (the slow path). */
export function fastEncode(packet: Packet): string | null {
	const data = packet.data;
	if (packet.type !== EVENT || packet.id !== undefined || !Array.isArray(data)) return null;
	let json = '[';
	let marked = false;
	for (let i = 0; i < data.length; i++) {
		const d: unknown = data[i];
		let part: string | undefined;
		if (typeof d === 'string') part = JSON.stringify(d);
		else if (typeof d === 'object' && d !== null) {
			part = encoded.get(d);
			marked ||= part !== undefined;
		}
		if (part === undefined) return null;
		json += i ? ',' + part : part;
	}
	if (!marked) return null;
	return `${EVENT}${packet.nsp && packet.nsp !== '/' ? packet.nsp + ',' : ''}${json}]`;
}

/** Lets this server's encoder (which every adapter of it uses) take the fast path. */
export function usePreEncoded(io: Server) {
	const encoder = io.encoder as unknown as { encode(packet: Packet): unknown[] };
	const slow = encoder.encode.bind(encoder);
	encoder.encode = (packet: Packet) => {
		const fast = fastEncode(packet);
		return fast === null ? slow(packet) : [fast];
	};
}
