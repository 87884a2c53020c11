/**
 * The one factory that builds the Socket.IO server. The production entry, the Vite dev plugin and
 * the tests all call `attachRealtime`. Handlers only translate: validate the payload, check the
 * caller's role, hand a command to the hub, ack the result.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import * as v from 'valibot';
import {
	HostAttachSchema,
	HostCommandPayload,
	JoinSchema,
	UpvoteSchema,
	WatchSchema,
	ScreenSchema,
	errorAck,
	limitedAck,
	type Ack,
	type ClientToServerEvents,
	type ServerToClientEvents
} from '../protocol';
import { isAbusiveText } from '../nickname';
import { parseAnswer } from './fast-answer';
import type { AppContext } from './context';
import type { ClusterHooks } from './cluster';
import {
	clientAddress,
	Limits,
	maxParticipants,
	originAllowed,
	type LimitConfig,
	type Verdict
} from './limits';
import { log } from './log';
import { RoomHub, rooms, type Spread } from './room-hub';
import {
	localRouter,
	roomOps,
	type JoinArgs,
	type JoinReply,
	type OpReply,
	type RoomRouter
} from './room-ops';
import {
	hashToken,
	newId,
	newToken,
	normalizeResume,
	resumeCodeFor,
	reviewKeyForResume
} from './tokens';

interface SocketData {
	/** The client's address (see `clientAddress`), for the per-address limits. */
	address?: string;
	code?: string;
	role?: 'student' | 'host' | 'screen';
	participantId?: string;
	/** Rate limit: commands left, and when the bucket was last refilled. */
	tokens?: number;
	refilled?: number;
}

type QSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;

/** Free text students send; nicknames go through `cleanNickname` (both in `../nickname.ts`). */
export const isAbusive = isAbusiveText;

const ignore = () => {};

/** A handler threw: logged, and the client told `internal`. */
function failed<T>(event: string, socket: QSocket, reply: (r: Ack<T>) => void, e: unknown) {
	log.error({ event, code: socket.data.code, err: e }, 'handler failed');
	reply(errorAck('internal'));
}

/**
 * The ack callback, if the client sent one (always last). Socket.IO's own ack answers once (a
 * second call is dropped), and nothing from the wire is a function but the ack.
 */
function ackOf(args: unknown[]): (r: unknown) => void {
	const last = args[args.length - 1];
	return typeof last === 'function' ? (last as (r: unknown) => void) : ignore;
}

/** A payload's check: a valibot schema, or a hand-written fast path for the hot one. */
type Check<P> =
	v.GenericSchema<unknown, P> | ((p: unknown) => { success: true; output: P } | { success: false });

export interface Realtime {
	io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
	hub: RoomHub;
	close(): Promise<void>;
}

export function attachRealtime(
	httpServer: HttpServer,
	ctx: AppContext,
	options: {
		clock?: () => number;
		spread?: Spread;
		limits?: LimitConfig;
		/** Scaled mode (`cluster.ts`): the Redis adapter, leases and forwarding. */
		cluster?: ClusterHooks;
	} = {}
): Realtime {
	const limits = new Limits(options.limits, options.cluster?.redis ?? undefined);
	const io = new Server<
		ClientToServerEvents,
		ServerToClientEvents,
		Record<string, never>,
		SocketData
	>(httpServer, {
		serveClient: false,
		...options.cluster?.serverOptions,
		perMessageDeflate: false,
		maxHttpBufferSize: 16 * 1024,
		// No connection-state recovery: every client already comes back whole on reconnect (a
		// student rejoins with the token and gets the room and their own view in the reply, the
		// controls re-attach, the projector re-watches), while recovery kept every packet for two
		// minutes (6 KB a student at 2,000) and ~8 % of the CPU a round, and in scaled mode a
		// Redis session per socket. A removed student is never put back without asking.
		// Runs for each new connection (handshake), before any socket exists: a page elsewhere
		// driving students' browsers, or one address opening connections by the hundred, is
		// refused here at the cost of one header check.
		allowRequest: (req, callback) => {
			if (!originAllowed(req)) return callback('origin not allowed', false);
			limits.connection(clientAddress(req)).then(
				(v) => callback(v.ok ? null : 'too many connections', v.ok),
				() => callback(null, true)
			);
		}
	});
	const hub = new RoomHub(
		io,
		ctx.repo,
		options.clock,
		options.spread,
		options.cluster?.leases,
		options.cluster?.distributed
	);
	// Far above a lecture hall; a ceiling for bot floods of a join code (`QUORUM_MAX_PARTICIPANTS`).
	const ops = roomOps(hub, ctx.repo, { maxParticipants: maxParticipants() });
	/** Where a room's operations run: here (embedded), or at the room's owner (scaled). */
	const router: RoomRouter = options.cluster?.router(ops, hub, io) ?? localRouter(ops);
	/** The events handlers listen to (`on` adds each); any other gets `unknown_event`. */
	const known = new Set<string>();
	/** Sockets whose join waits for its turn (apart from `socket.data`, which `enter` replaces). */
	const joining = new WeakSet<QSocket>();

	/**
	 * Wraps a handler: rate-limits, validates, catches, always acks exactly once when the client
	 * sent an ack: a missing or malformed payload (or the ack in its place) is `bad_request`.
	 */
	function on<P, T>(
		socket: QSocket,
		event: keyof ClientToServerEvents,
		check: Check<P>,
		handler: (p: P) => Ack<T> | Promise<Ack<T>>
	) {
		known.add(event);
		(socket.on as (e: string, h: (...args: unknown[]) => void) => void)(event, (...args) => {
			const reply = ackOf(args);
			// The teacher's controls may moderate in bursts: their commands are limited per room
			// instead. Everything else (an attach sends the whole roster) is limited per socket.
			const command = socket.data.role === 'host' && event === 'host:command';
			if (!command && !bucket(socket)) return reply(errorAck('rate_limited'));
			const payload = args[0];
			const params = reply === ignore ? args.length : args.length - 1;
			if (params !== 1 || typeof payload !== 'object' || payload === null)
				return reply(errorAck('bad_request'));
			const parsed = typeof check === 'function' ? check(payload) : v.safeParse(check, payload);
			if (!parsed.success) return reply(errorAck('invalid_payload'));
			try {
				const result = handler(parsed.output);
				if (result instanceof Promise)
					result.then(reply, (e: unknown) => failed(event, socket, reply, e));
				else reply(result);
			} catch (e) {
				failed(event, socket, reply, e);
			}
		});
	}

	/**
	 * A socket holds one identity at a time. Taking another (a different room, role or student)
	 * first leaves the old rooms, and a student left with no open tab is marked away.
	 */
	function enter(socket: QSocket, code: string, role: SocketData['role'], participantId?: string) {
		const old = socket.data;
		const same = old.code === code && old.role === role && old.participantId === participantId;
		if (old.code && !same) {
			for (const r of [...socket.rooms]) if (r !== socket.id) void socket.leave(r);
			if (old.role === 'student' && old.participantId) markAway(old.code, old.participantId);
		}
		socket.data = {
			address: old.address,
			code,
			role,
			participantId,
			// A stranger's small bucket is refilled to a member's once it has joined something.
			tokens: old.role ? old.tokens : undefined,
			refilled: old.role ? old.refilled : undefined
		};
	}

	function markAway(code: string, participantId: string) {
		// Another tab of the student in this process. (Scaled mode: a tab in another process is
		// not seen here; it shows them present again with its next rejoin.)
		const others = io.sockets.adapter.rooms.get(rooms.participant(code, participantId));
		if (others && others.size > 0) return;
		Promise.resolve(router.call('away', { code, participantId })).catch((e: unknown) =>
			log.warn({ code, err: e }, 'marking a student away failed')
		);
	}

	/** A refusal from the room: a wrong code, token or key counts against this address. */
	function counted<T>(socket: QSocket, r: OpReply<T> & { ok: false }): Ack<T> | Promise<Ack<T>> {
		return 'wrong' in r ? wrong<T>(socket, r.error) : r;
	}

	/**
	 * A token bucket per socket (`limits.ts`: bursts of 20, then 10 commands a second; a socket
	 * that has not joined anything yet 5, then 2 a second).
	 */
	function bucket(socket: QSocket): boolean {
		const now = Date.now();
		const d = socket.data;
		const { burst, rate } = d.role ? limits.config.member : limits.config.stranger;
		d.tokens = Math.min(burst, (d.tokens ?? burst) + ((now - (d.refilled ?? now)) / 1000) * rate);
		d.refilled = now;
		if (d.tokens < 1) return false;
		d.tokens -= 1;
		return true;
	}

	/**
	 * A wrong code, token or key from this address: counted; the reply waits longer as wrong ones
	 * pile up, and past the limit the address is refused for a while.
	 */
	async function wrong<T>(socket: QSocket, error: string): Promise<Ack<T>> {
		const verdict = await limits.wrongCode(socket.data.address ?? '');
		if (!verdict.ok) return limitedAck('too_many_attempts', verdict.retryAfter);
		if (verdict.delayMs > 0) await new Promise((r) => setTimeout(r, verdict.delayMs));
		return errorAck(error);
	}

	const refused = (v: Verdict, error: string) => (v.ok ? null : limitedAck(error, v.retryAfter));

	io.on('connection', (raw) => {
		const socket = raw as QSocket;
		socket.data.address = clientAddress(socket.request);
		// Drop the retained handshake request: nothing here reads it after the connection.
		(socket.request as { res?: unknown }).res = undefined;

		// Unknown events get an answer too, so no client waits for its own timeout.
		// (An event is known once `on` below has listened to it: nothing to keep in step.)
		socket.onAny((event: string, ...args: unknown[]) => {
			if (known.has(event)) return;
			ackOf(args)(bucket(socket) ? errorAck('unknown_event') : errorAck('rate_limited'));
		});

		on(socket, 'room:join', JoinSchema, async (p) => {
			const address = socket.data.address ?? '';
			// A new player: counted first, so a flood of them is refused before it costs anything.
			// An address caught guessing codes gets no new player at all for a while; a token (192
			// bits, never guessed) still brings a student back, whoever shares their address.
			if (!('token' in p)) {
				const blocked = refused(await limits.mayTry(address), 'too_many_attempts');
				if (blocked) return blocked;
				const flood = refused(await limits.join(address), 'too_many_joins');
				if (flood) return flood;
			}
			// One join at a time per socket: a second one sent before the first is answered would
			// otherwise slip past the checks while the first waits for its turn.
			if (joining.has(socket)) return errorAck('already_joined');
			// The secret this device keeps: the token, or the resume code it came back with.
			let token: string;
			let resume: string;
			let args: JoinArgs;
			if ('token' in p || 'resume' in p) {
				resume = 'token' in p ? resumeCodeFor(p.token) : normalizeResume(p.resume);
				token = 'token' in p ? p.token : resume;
				args = {
					code: p.code,
					by: 'token' in p ? 'token' : 'resume',
					tokenHash: 'token' in p ? hashToken(p.token) : undefined,
					resumeHash: hashToken(resume),
					reviewHash: hashToken(reviewKeyForResume(resume))
				};
			} else {
				token = newToken();
				resume = resumeCodeFor(token);
				args = {
					code: p.code,
					by: 'new',
					participantId: newId(),
					nickname: p.nickname,
					check: p.check,
					deviceHash: p.device ? hashToken(`device:${p.device}`) : null,
					tokenHash: hashToken(token),
					resumeHash: hashToken(resume),
					reviewHash: hashToken(reviewKeyForResume(resume)),
					alreadyStudent: socket.data.role === 'student' && socket.data.code === p.code
				};
			}
			joining.add(socket);
			let r: OpReply<JoinReply>;
			try {
				r = await router.call('join', args);
			} finally {
				joining.delete(socket);
			}
			if (!r.ok) return counted(socket, r);
			const { participantId } = r.data;
			// The socket may have gone while the join waited for its turn: nobody is there.
			if (!socket.connected) {
				markAway(p.code, participantId);
				return errorAck('internal');
			}
			enter(socket, p.code, 'student', participantId);
			void socket.join([rooms.students(p.code), rooms.participant(p.code, participantId)]);
			return {
				ok: true,
				data: {
					token,
					reviewKey: reviewKeyForResume(resume),
					resumeCode: resume,
					...r.data
				}
			};
		});

		on(socket, 'screen:watch', ScreenSchema, async (p) => {
			const r = await router.call('watch', { code: p.code, key: p.key });
			if (!r.ok) return counted(socket, r);
			enter(socket, p.code, 'screen');
			void socket.join(rooms.screen(p.code));
			return r;
		});

		on(socket, 'screen:check', WatchSchema, async (p) => {
			const { role, code } = socket.data;
			if ((role !== 'screen' && role !== 'host') || code !== p.code) return errorAck('not_screen');
			return router.call('check', { code: p.code });
		});

		on(socket, 'host:attach', HostAttachSchema, async (p) => {
			const r = await router.call('attach', {
				code: p.code,
				hostTokenHash: hashToken(p.hostToken)
			});
			if (!r.ok) return counted(socket, r);
			enter(socket, p.code, 'host');
			void socket.join(rooms.host(p.code));
			return r;
		});

		on(socket, 'host:command', HostCommandPayload, async (p) => {
			if (socket.data.role !== 'host' || socket.data.code !== p.code) return errorAck('not_host');
			// Per room, whoever sends: a flood of commands cannot starve the other rooms.
			const flood = refused(await limits.hostCommand(p.code), 'rate_limited');
			if (flood) return flood;
			return router.call('command', { code: p.code, command: p.command });
		});

		on(socket, 'answer:submit', parseAnswer, (p) => {
			const id = socket.data.participantId;
			if (socket.data.role !== 'student' || socket.data.code !== p.code || !id)
				return errorAck('not_joined');
			const response = p.response;
			if ((response.type === 'open' || response.type === 'wordcloud') && isAbusive(response.text))
				return errorAck('text_blocked');
			return router.call('answer', {
				code: p.code,
				participantId: id,
				item: p.item,
				response,
				responseId: response.type === 'open' ? newId() : undefined
			});
		});

		on(socket, 'homework:advance', WatchSchema, (p) => {
			const id = socket.data.participantId;
			if (socket.data.role !== 'student' || socket.data.code !== p.code || !id)
				return errorAck('not_joined');
			return router.call('advance', { code: p.code, participantId: id });
		});

		on(socket, 'response:upvote', UpvoteSchema, (p) => {
			const id = socket.data.participantId;
			if (socket.data.role !== 'student' || socket.data.code !== p.code || !id)
				return errorAck('not_joined');
			return router.call('upvote', { code: p.code, participantId: id, responseId: p.responseId });
		});

		socket.on('disconnect', () => {
			const { code, role, participantId } = socket.data;
			// Another tab of the same student may still be connected.
			if (role === 'student' && code && participantId) markAway(code, participantId);
		});
	});

	return {
		io,
		hub,
		close: async () => {
			hub.close();
			await io.close();
		}
	};
}
