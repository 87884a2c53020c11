/**
 * The one factory that builds the Socket.IO server. The production entry, the Vite dev plugin and
 * the tests all call `attachRealtime`. Handlers only translate: validate the payload, check the
 * caller's role, hand a command to the hub, ack the result.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import * as v from 'valibot';
import {
	AnswerSchema,
	HostAttachSchema,
	HostCommandPayload,
	JoinSchema,
	UpvoteSchema,
	WatchSchema,
	ScreenSchema,
	type JoinCheck,
	errorAck,
	limitedAck,
	type Ack,
	type ClientToServerEvents,
	type ServerToClientEvents
} from '../protocol';
import { cleanNickname, isAbusiveText } from '../nickname';
import { isHomework, participantCount } from '../room/machine';
import { ownEntry } from '../room/own';
import type { Effect } from '../room/types';
import { hostView, myAnswer, myView, publicView, rosterRows, screenView } from '../room/view';
import type { AppContext } from './context';
import {
	clientAddress,
	Limits,
	maxParticipants,
	originAllowed,
	type LimitConfig,
	type Verdict
} from './limits';
import { log } from './log';
import { RoomHub, rooms, type Outcome, type Spread } from './room-hub';
import { checkMatches, currentCheck } from './join-check';
import {
	hashToken,
	newId,
	newToken,
	normalizeResume,
	resumeCodeFor,
	reviewKeyForResume,
	sameSecret
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

/** Far above a lecture hall; a ceiling for bot floods of a join code (`QUORUM_MAX_PARTICIPANTS`). */
const MAX_PARTICIPANTS = maxParticipants();
type QSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;

/** Free text students send; nicknames go through `cleanNickname` (both in `../nickname.ts`). */
export const isAbusive = isAbusiveText;

const REMOVALS = new Set(['remove', 'removeMany', 'removeRecent']);
/** The students a removal command removed: the ids of its `participantsChanged` effects. */
const removedBy = (effects: Effect[]) =>
	effects.flatMap((e) => (e.type === 'participantsChanged' ? e.ids : []));

const ignore = () => {};

/** A handler threw: logged, and the client told `internal`. */
function failed<T>(event: string, socket: QSocket, reply: (r: Ack<T>) => void, e: unknown) {
	log.error({ event, code: socket.data.code, err: e }, 'handler failed');
	reply(errorAck('internal'));
}

/** The ack callback, if the client sent one (always last), and the arguments before it. */
function split(args: unknown[]): { reply: (r: unknown) => void; params: unknown[] } {
	const last = args.at(-1);
	if (typeof last !== 'function') return { reply: ignore, params: args };
	let done = false;
	const reply = (r: unknown) => {
		if (done) return;
		done = true;
		(last as (r: unknown) => void)(r);
	};
	return { reply, params: args.slice(0, -1) };
}

export interface Realtime {
	io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
	hub: RoomHub;
	close(): Promise<void>;
}

export function attachRealtime(
	httpServer: HttpServer,
	ctx: AppContext,
	options: { clock?: () => number; spread?: Spread; limits?: LimitConfig } = {}
): Realtime {
	const limits = new Limits(options.limits);
	const io = new Server<
		ClientToServerEvents,
		ServerToClientEvents,
		Record<string, never>,
		SocketData
	>(httpServer, {
		serveClient: false,
		perMessageDeflate: false,
		maxHttpBufferSize: 16 * 1024,
		connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
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
	const hub = new RoomHub(io, ctx.repo, options.clock, options.spread);
	/** Sockets whose join waits for its turn (apart from `socket.data`, which `enter` replaces). */
	const joining = new WeakSet<QSocket>();

	/**
	 * Wraps a handler: rate-limits, validates, catches, always acks exactly once when the client
	 * sent an ack: a missing or malformed payload (or the ack in its place) is `bad_request`.
	 */
	function on<P, T>(
		socket: QSocket,
		event: keyof ClientToServerEvents,
		schema: v.GenericSchema<unknown, P>,
		handler: (p: P) => Ack<T> | Promise<Ack<T>>
	) {
		(socket.on as (e: string, h: (...args: unknown[]) => void) => void)(event, (...args) => {
			const { reply, params } = split(args);
			// The teacher's controls may moderate in bursts: their commands are limited per room
			// instead. Everything else (an attach sends the whole roster) is limited per socket.
			const command = socket.data.role === 'host' && event === 'host:command';
			if (!command && !bucket(socket)) return reply(errorAck('rate_limited'));
			const payload = params[0];
			if (params.length !== 1 || typeof payload !== 'object' || payload === null)
				return reply(errorAck('bad_request'));
			const parsed = v.safeParse(schema, payload);
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

	/**
	 * Connection-state recovery gives a socket back its rooms and `socket.data` as they were when
	 * it dropped, without asking anyone. A student removed meanwhile (or whose room is gone) must
	 * not be put back among the students: they leave every room and are told, as if removed now.
	 */
	function revalidate(socket: QSocket) {
		const { code, role, participantId } = socket.data;
		if (role !== 'student' || !code || !participantId) return;
		const room = hub.get(code);
		const p =
			room && Object.hasOwn(room.state.participants, participantId)
				? room.state.participants[participantId]
				: undefined;
		// Still a student here: their page rejoins with its token, which marks them present.
		if (p && !p.removed) return;
		for (const r of [...socket.rooms]) if (r !== socket.id) void socket.leave(r);
		socket.data = { tokens: socket.data.tokens, refilled: socket.data.refilled };
		if (p?.removed) socket.emit('me:removed');
	}

	function markAway(code: string, participantId: string) {
		const others = io.sockets.adapter.rooms.get(rooms.participant(code, participantId));
		if (others && others.size > 0) return;
		// Queued like joins, so a storm of dropped connections is written in a few transactions.
		if (hub.get(code)) void hub.submit(code, { type: 'disconnect', participantId });
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
		if (socket.recovered) revalidate(socket);

		// Unknown events get an answer too, so no client waits for its own timeout.
		// (An event is known when a handler below listens to it: nothing to keep in step.)
		socket.onAny((event: string, ...args: unknown[]) => {
			if (socket.listeners(event as keyof ClientToServerEvents).length) return;
			const { reply } = split(args);
			reply(bucket(socket) ? errorAck('unknown_event') : errorAck('rate_limited'));
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
			const room = hub.get(p.code);
			if (!room) return wrong(socket, 'no_room');
			// One join at a time per socket: a second one sent before the first is answered would
			// otherwise slip past the checks below while the first waits for its turn.
			if (joining.has(socket)) return errorAck('already_joined');
			let participantId: string;
			// The secret this device keeps: the token, or the resume code it came back with.
			let token: string;
			let resume: string;
			let outcome: Outcome;
			joining.add(socket);
			try {
				if ('token' in p || 'resume' in p) {
					resume = 'token' in p ? resumeCodeFor(p.token) : normalizeResume(p.resume);
					const id =
						'token' in p
							? ctx.repo.participantByToken(p.code, hashToken(p.token))
							: ctx.repo.participantByResume(p.code, hashToken(resume));
					if (!id) return await wrong(socket, 'token' in p ? 'bad_token' : 'bad_resume');
					if (ownEntry(room.state.participants, id)?.removed ?? true) return errorAck('removed');
					participantId = id;
					token = 'token' in p ? p.token : resume;
					const resumeHash = hashToken(resume);
					const reviewHash = hashToken(reviewKeyForResume(resume));
					outcome = await hub.submit(p.code, { type: 'connect', participantId }, () =>
						ctx.repo.ensureResumeHash(id, resumeHash, reviewHash)
					);
					if (!outcome.ok && outcome.error === 'room_ended') outcome = { ok: true, effects: [] };
				} else {
					if (socket.data.role === 'student' && socket.data.code === p.code)
						return errorAck('already_joined');
					if (participantCount(room.state) >= MAX_PARTICIPANTS) return errorAck('room_full');
					const name = cleanNickname(p.nickname);
					if (!name.ok) return errorAck(name.error);
					const settings = room.state.core.settings;
					if (
						settings.joinCheck &&
						!checkMatches(room.hostTokenHash, p.code, p.check ?? '', hub.now())
					)
						// Four digits: guessing it must slow and stop like guessing a code.
						return await wrong(socket, 'join_check');
					// The same browser under a new name: refused if the teacher removed it, and in
					// homework (one identity per device: a second one would see the key early).
					const deviceHash = p.device ? hashToken(`device:${p.device}`) : null;
					const before = deviceHash ? ctx.repo.participantsByDevice(p.code, deviceHash) : [];
					if (before.some((id) => room.state.participants[id]?.removed !== false))
						return errorAck('removed');
					if (before.length && isHomework(room.state.core)) return errorAck('device_joined');
					const id = newId();
					participantId = id;
					token = newToken();
					resume = resumeCodeFor(token);
					const tokenHash = hashToken(token);
					const resumeHash = hashToken(resume);
					const reviewHash = hashToken(reviewKeyForResume(resume));
					outcome = await hub.submit(
						p.code,
						{ type: 'join', participantId: id, nickname: name.nickname },
						(state) => {
							const joined = state.participants[id];
							if (!joined) return;
							ctx.repo.insertParticipant(p.code, joined, tokenHash, reviewHash, deviceHash);
							ctx.repo.ensureResumeHash(id, resumeHash, reviewHash);
						}
					);
				}
			} finally {
				joining.delete(socket);
			}
			if (!outcome.ok) return errorAck(outcome.error);
			// The socket may have gone while the join waited for its turn: nobody is there.
			if (!socket.connected) {
				markAway(p.code, participantId);
				return errorAck('internal');
			}
			enter(socket, p.code, 'student', participantId);
			void socket.join([rooms.students(p.code), rooms.participant(p.code, participantId)]);
			const live = hub.get(p.code);
			// Another tab of this student that closed while this one waited for its turn may have
			// marked them away after this reconnect was applied: they are here.
			if (live?.state.participants[participantId]?.connected === false)
				hub.run(p.code, { type: 'connect', participantId });
			const me = live && myView(live.state, participantId);
			if (!live || !me) return errorAck('internal');
			return {
				ok: true,
				data: {
					token,
					reviewKey: reviewKeyForResume(resume),
					resumeCode: resume,
					participantId,
					view: publicView(live.state, hub.now(), 'student'),
					me
				}
			};
		});

		// The projector key and the host token cannot be guessed: the right one always passes (the
		// teacher shares the class's address); a wrong one counts, and past the limit every wrong
		// one is answered alike, so an unknown code and a wrong key tell nothing apart.
		on(socket, 'screen:watch', ScreenSchema, async (p) => {
			const room = hub.get(p.code);
			if (!room) return wrong(socket, 'no_room');
			// The projector key is the stored hash of the host token: only the teacher's controls
			// know it, and it grants nothing but the projector view.
			if (!sameSecret(p.key, room.hostTokenHash)) return wrong(socket, 'not_screen');
			enter(socket, p.code, 'screen');
			void socket.join(rooms.screen(p.code));
			return { ok: true, data: screenView(room.state, hub.now()) };
		});

		on(socket, 'screen:check', WatchSchema, (p): Ack<JoinCheck> => {
			const { role, code } = socket.data;
			if ((role !== 'screen' && role !== 'host') || code !== p.code) return errorAck('not_screen');
			const room = hub.get(p.code);
			if (!room) return errorAck('no_room');
			const now = hub.now();
			const shown = currentCheck(room.hostTokenHash, p.code, now);
			return {
				ok: true,
				data: {
					check: room.state.core.settings.joinCheck ? shown.check : null,
					changesAt: shown.changesAt
				}
			};
		});

		on(socket, 'host:attach', HostAttachSchema, async (p) => {
			const room = hub.get(p.code);
			if (!room) return wrong(socket, 'no_room');
			if (!sameSecret(hashToken(p.hostToken), room.hostTokenHash)) return wrong(socket, 'not_host');
			enter(socket, p.code, 'host');
			void socket.join(rooms.host(p.code));
			// The whole roster goes in this reply; from now on only changed rows follow.
			return {
				ok: true,
				data: {
					...hostView(room.state, hub.now()),
					roster: rosterRows(room.state),
					screenKey: room.hostTokenHash
				}
			};
		});

		on(socket, 'host:command', HostCommandPayload, async (p) => {
			if (socket.data.role !== 'host' || socket.data.code !== p.code) return errorAck('not_host');
			// Per room, whoever sends: a flood of commands cannot starve the other rooms.
			const flood = refused(await limits.hostCommand(p.code), 'rate_limited');
			if (flood) return flood;
			const r = hub.run(p.code, p.command);
			if (!r.ok) return errorAck(r.error);
			if (REMOVALS.has(p.command.type))
				for (const id of removedBy(r.effects)) hub.sendRemoved(p.code, id);
			// Acked once every student has been sent the change (at once, but in a lecture hall
			// over a few turns of the event loop).
			await hub.settled(p.code);
			return { ok: true, data: null };
		});

		on(socket, 'answer:submit', AnswerSchema, (p) => {
			const id = socket.data.participantId;
			if (socket.data.role !== 'student' || socket.data.code !== p.code || !id)
				return errorAck('not_joined');
			const room = hub.get(p.code);
			if (!room) return errorAck('no_room');
			const response = p.response;
			if ((response.type === 'open' || response.type === 'wordcloud') && isAbusive(response.text))
				return errorAck('text_blocked');
			// Stored before the ack, at once (see `RoomHub.answer`).
			const r = hub.answer(p.code, {
				type: 'answer',
				participantId: id,
				item: p.item,
				response,
				responseId: response.type === 'open' ? newId() : undefined
			});
			if (!r.ok) return errorAck(r.error);
			// Live, the ack carries only what answering changed: a small frame, quickly made.
			const mine = isHomework(room.state.core) ? myView(room.state, id) : myAnswer(room.state, id);
			return mine ? { ok: true, data: mine } : errorAck('internal');
		});

		on(socket, 'homework:advance', WatchSchema, (p) => {
			const id = socket.data.participantId;
			if (socket.data.role !== 'student' || socket.data.code !== p.code || !id)
				return errorAck('not_joined');
			const room = hub.get(p.code);
			if (!room) return errorAck('no_room');
			const r = hub.run(p.code, { type: 'advance', participantId: id });
			if (!r.ok) return errorAck(r.error);
			const me = myView(room.state, id);
			return me ? { ok: true, data: me } : errorAck('internal');
		});

		on(socket, 'response:upvote', UpvoteSchema, (p) => {
			const id = socket.data.participantId;
			if (socket.data.role !== 'student' || socket.data.code !== p.code || !id)
				return errorAck('not_joined');
			if (!hub.get(p.code)) return errorAck('no_room');
			const r = hub.run(p.code, { type: 'upvote', participantId: id, responseId: p.responseId });
			return r.ok ? { ok: true, data: null } : errorAck(r.error);
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
