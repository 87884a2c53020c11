/**
 * A bench worker: simulates `count` students with real socket.io-client sockets (websocket only,
 * one connection each, no reconnection). Driven over IPC by `run.ts`:
 *  - `join`: connect and `room:join` with bounded concurrency; reply `joined`.
 *  - whenever `room:updated` opens an item, every student answers it once after a random delay
 *    in [0, spread] ms; reply `acks` once every student has its ack.
 *  - every `room:updated` phase change is timed (receipt − serverNow); reply `seen` once every
 *    student has received it.
 *  - `flush`: reply now with what has arrived (marked partial), for a timed-out wait.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { PublicView } from '../../src/lib/room/view';
import { acksKey, seenKey, wallNow, type WorkerReply, type WorkerRequest } from './lib';

interface Student {
	socket: Socket;
	seen: Set<string>;
	/** Ack callbacks received per round. */
	acks: Map<number, number>;
}

interface SeenBucket {
	latencies: number[];
	revealAnswered: Set<number>;
	bytes: number;
	reported: boolean;
}

interface AckBucket {
	sent: number;
	ok: number;
	duplicated: number;
	errors: Record<string, number>;
	latencies: number[];
	done: number;
	reported: boolean;
}

let url = '';
let code = '';
let base = 0;
let count = 0;
let concurrency = 50;
let spread = 0;
const students: Student[] = [];
/** Disconnections before the orchestrator's `close`, by Socket.IO reason. */
const disconnects: Record<string, number> = {};
let closing = false;
const seen = new Map<string, SeenBucket>();
const acks = new Map<string, AckBucket>();

const send = (m: WorkerReply) => process.send?.(m);

function seenBucket(key: string): SeenBucket {
	let b = seen.get(key);
	if (!b)
		seen.set(key, (b = { latencies: [], revealAnswered: new Set(), bytes: 0, reported: false }));
	return b;
}

function ackBucket(key: string): AckBucket {
	let b = acks.get(key);
	if (!b)
		acks.set(
			key,
			(b = { sent: 0, ok: 0, duplicated: 0, errors: {}, latencies: [], done: 0, reported: false })
		);
	return b;
}

function reportSeen(key: string, partial: boolean) {
	const b = seenBucket(key);
	if (b.reported && !partial) return;
	b.reported = true;
	send({
		type: 'seen',
		key,
		count: b.latencies.length,
		expected: students.length,
		latencies: b.latencies,
		revealAnswered: [...b.revealAnswered],
		bytes: b.bytes,
		partial
	});
}

function reportAcks(key: string, partial: boolean) {
	const b = ackBucket(key);
	if (b.reported && !partial) return;
	b.reported = true;
	send({
		type: 'acks',
		key,
		sent: b.sent,
		ok: b.ok,
		duplicated: b.duplicated,
		errors: b.errors,
		latencies: b.latencies,
		expected: students.length,
		partial
	});
}

function onView(s: Student, v: PublicView) {
	const t = wallNow();
	const key = seenKey(v.phase, v.current);
	if (s.seen.has(key)) return;
	s.seen.add(key);
	const b = seenBucket(key);
	if (b.latencies.length === 0) b.bytes = JSON.stringify(v).length;
	b.latencies.push(t - v.serverNow);
	if (v.reveal) b.revealAnswered.add(v.reveal.answered);
	if (v.phase === 'open') answerLater(s, v);
	if (b.latencies.length === students.length) reportSeen(key, false);
}

function answerLater(s: Student, v: PublicView) {
	const item = v.current;
	const choices = v.item?.kind === 'question' ? (v.item.choices?.length ?? 2) : 2;
	const key = acksKey(item);
	setTimeout(() => {
		const b = ackBucket(key);
		b.sent += 1;
		const t0 = performance.now();
		s.socket.emit(
			'answer:submit',
			{ code, item, response: { type: 'single', choice: Math.floor(Math.random() * choices) } },
			(r: { ok: boolean; error?: string }) => {
				const n = (s.acks.get(item) ?? 0) + 1;
				s.acks.set(item, n);
				if (n > 1) {
					b.duplicated += 1;
					return;
				}
				b.latencies.push(performance.now() - t0);
				if (r.ok) b.ok += 1;
				else b.errors[r.error ?? 'unknown'] = (b.errors[r.error ?? 'unknown'] ?? 0) + 1;
				b.done += 1;
				if (b.done === students.length) reportAcks(key, false);
			}
		);
	}, Math.random() * spread);
}

function joinOne(i: number): Promise<{ connectMs: number; joinAckMs: number; error?: string }> {
	return new Promise((resolve) => {
		const t0 = performance.now();
		const socket = connect(url, {
			transports: ['websocket'],
			reconnection: false,
			forceNew: true,
			timeout: 60_000
		});
		const s: Student = { socket, seen: new Set(), acks: new Map() };
		const fail = (error: string) => {
			socket.disconnect();
			resolve({ connectMs: NaN, joinAckMs: NaN, error });
		};
		socket.once('connect_error', (e) => fail(`connect_error: ${e.message}`));
		socket.once('connect', () => {
			const t1 = performance.now();
			socket.on('room:updated', (v: PublicView) => onView(s, v));
			socket.emit(
				'room:join',
				{ code, nickname: `S${base + i}` },
				(r: { ok: boolean; error?: string; data?: { view: PublicView } }) => {
					if (!r.ok) return fail(r.error ?? 'unknown');
					students.push(s);
					socket.on('disconnect', (reason) => {
						if (!closing) disconnects[reason] = (disconnects[reason] ?? 0) + 1;
					});
					resolve({
						connectMs: t1 - t0,
						joinAckMs: performance.now() - t1,
						error: r.data?.view.phase === 'lobby' ? undefined : 'not_lobby'
					});
				}
			);
		});
	});
}

async function joinAll() {
	const connectMs: number[] = [];
	const joinAckMs: number[] = [];
	const errors: Record<string, number> = {};
	let next = 0;
	let ok = 0;
	let notLobby = 0;
	async function lane() {
		while (next < count) {
			const r = await joinOne(next++);
			if (r.error === 'not_lobby') notLobby += 1;
			else if (r.error) {
				errors[r.error] = (errors[r.error] ?? 0) + 1;
				continue;
			}
			ok += 1;
			connectMs.push(r.connectMs);
			joinAckMs.push(r.joinAckMs);
		}
	}
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
	send({ type: 'joined', ok, failed: count - ok, notLobby, errors, connectMs, joinAckMs });
}

process.on('message', (raw) => {
	const m = raw as WorkerRequest;
	switch (m.type) {
		case 'init':
			({ url, code, base, count, concurrency, spread } = m);
			send({ type: 'ready' });
			break;
		case 'join':
			joinAll().catch((e: unknown) => send({ type: 'error', message: String(e) }));
			break;
		case 'flush':
			if (m.kind === 'seen') reportSeen(m.key, true);
			else reportAcks(m.key, true);
			break;
		case 'status':
			send({
				type: 'status',
				key: m.key,
				connected: students.filter((s) => s.socket.connected).length,
				disconnects
			});
			break;
		case 'close':
			closing = true;
			for (const s of students) s.socket.disconnect();
			setTimeout(() => process.exit(0), 200).unref();
			break;
	}
});
process.on('disconnect', () => process.exit(0));
