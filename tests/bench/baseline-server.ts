/**
 * The baseline: a bare Socket.IO server (default options, no state recovery, no database, no
 * validation library) speaking just enough of Quorum's wire contract for the same workers to
 * drive it. Fan-out: one `room:updated` object per phase change, padded to the size the Quorum
 * server sent for that phase (`--sizes '{"open":1234,…}'`), with `serverNow`. Fan-in: each
 * `answer:submit` is acked after a trivial check and counted; the question closes when every
 * joined student has answered. Same stdout hello and IPC stats as `server.ts`.
 */
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { argValue, hello, serveStats } from './server-common';

const rounds = Number(argValue('--rounds', '5'));
const sizes = JSON.parse(argValue('--sizes', '{}')) as Record<string, number>;
const code = 'BENCH2';
const hostToken = randomBytes(24).toString('base64url');

const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, { serveClient: false });

let phase: 'lobby' | 'open' | 'closed' | 'revealed' | 'leaderboard' | 'ended' = 'lobby';
let current = -1;
let joined = 0;
let answered = new Set<string>();

function view() {
	const v = {
		code,
		phase,
		current,
		itemCount: rounds,
		reveal: phase === 'revealed' || phase === 'leaderboard' ? { answered: answered.size } : null,
		players: joined,
		serverNow: Date.now(),
		pad: ''
	};
	const target = sizes[phase] ?? 0;
	const missing = target - JSON.stringify(v).length;
	if (missing > 0) v.pad = 'x'.repeat(missing);
	return v;
}

function broadcast() {
	const v = view();
	io.to('s').emit('room:updated', v);
	io.to('h').emit('host:updated', { ...v, answered: answered.size });
	io.to('v').emit('screen:updated', { ...v, answered: answered.size });
}

type Reply = (r: unknown) => void;
const refuse = (ack: unknown, error: string) =>
	typeof ack === 'function' && (ack as Reply)({ ok: false, error, message: error });

io.on('connection', (socket) => {
	socket.on('room:join', (p: { code?: unknown; nickname?: unknown }, ack: unknown) => {
		if (typeof ack !== 'function') return;
		if (p?.code !== code || typeof p.nickname !== 'string') return refuse(ack, 'invalid_payload');
		const participantId = randomBytes(9).toString('base64url');
		socket.data.id = participantId;
		void socket.join('s');
		joined += 1;
		const me = { id: participantId, nickname: p.nickname, score: 0, rank: 1, of: joined };
		(ack as Reply)({
			ok: true,
			data: { token: randomBytes(24).toString('base64url'), participantId, view: view(), me }
		});
	});

	socket.on('screen:watch', (_p: unknown, ack: unknown) => {
		void socket.join('v');
		if (typeof ack === 'function') (ack as Reply)({ ok: true, data: view() });
	});

	socket.on('host:attach', (p: { hostToken?: unknown }, ack: unknown) => {
		if (p?.hostToken !== hostToken) return refuse(ack, 'not_host');
		socket.data.host = true;
		void socket.join('h');
		if (typeof ack === 'function') (ack as Reply)({ ok: true, data: view() });
	});

	socket.on('host:command', (p: { command?: { type?: unknown } }, ack: unknown) => {
		if (!socket.data.host) return refuse(ack, 'not_host');
		const type = p?.command?.type;
		if ((type === 'start' && phase === 'lobby') || type === 'next') {
			current += 1;
			answered = new Set();
			phase = current >= rounds ? 'ended' : 'open';
		} else if (type === 'close' && phase === 'open') phase = 'closed';
		else if (type === 'reveal' && phase === 'closed') phase = 'revealed';
		else if (type === 'leaderboard' && phase === 'revealed') phase = 'leaderboard';
		else if (type === 'end') phase = 'ended';
		else return refuse(ack, 'bad_phase');
		broadcast();
		if (typeof ack === 'function') (ack as Reply)({ ok: true, data: null });
	});

	socket.on(
		'answer:submit',
		(p: { item?: unknown; response?: { type?: unknown } }, ack: unknown) => {
			const id = socket.data.id as string | undefined;
			if (!id) return refuse(ack, 'not_joined');
			if (phase !== 'open' || p?.item !== current) return refuse(ack, 'question_closed');
			if (p.response?.type !== 'single') return refuse(ack, 'wrong_type');
			if (answered.has(id)) return refuse(ack, 'already_answered');
			answered.add(id);
			if (typeof ack === 'function')
				(ack as Reply)({ ok: true, data: { id, item: current, response: p.response } });
			if (answered.size === joined) {
				phase = 'closed';
				broadcast();
			}
		}
	);
});

await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
serveStats(
	async () => {
		http.closeAllConnections();
		await io.close();
	},
	() => ({ sockets: io.of('/').sockets.size, rooms: io.of('/').adapter.rooms.size })
);
hello({ code, hostToken, port: (http.address() as AddressInfo).port });
