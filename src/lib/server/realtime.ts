/**
 * The one factory that builds the Socket.IO server. The production entry, the Vite dev plugin and
 * the tests all call `attachRealtime`. Handlers only translate: validate the payload, check the
 * caller's role, hand a command to the hub, ack the result.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import * as v from 'valibot';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import {
	AnswerSchema,
	HostAttachSchema,
	HostCommandPayload,
	JoinSchema,
	UpvoteSchema,
	WatchSchema,
	ScreenSchema,
	errorAck,
	type Ack,
	type ClientToServerEvents,
	type ServerToClientEvents
} from '../protocol';
import { isHomework, participantCount } from '../room/machine';
import { hostView, myAnswer, myView, publicView, rosterRows, screenView } from '../room/view';
import type { AppContext } from './context';
import { RoomHub, rooms, type Outcome, type Spread } from './room-hub';
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
	code?: string;
	role?: 'student' | 'host' | 'screen';
	participantId?: string;
	/** Rate limit: commands left, and when the bucket was last refilled. */
	tokens?: number;
	refilled?: number;
}

const BURST = 20;
const RATE = 10;
/** Far above a lecture hall; a ceiling for bot floods of a join code. */
const MAX_PARTICIPANTS = 5000;
type QSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;

// Students argue about diplomacy: "tit-for-tat expulsions" and "sex scandal" are ordinary words
// there, which the stock dataset would refuse.
const dataset = englishDataset.build();
const profanity = new RegExpMatcher({
	...dataset,
	whitelistedTerms: [
		...(dataset.whitelistedTerms ?? []),
		'tit for tat',
		'tit-for-tat',
		'sex scandal'
	],
	...englishRecommendedTransformers
});
export const isAbusive = (text: string) => profanity.hasMatch(text);

const ignore = () => {};

/** A handler threw: logged, and the client told `internal`. */
function failed<T>(event: string, socket: QSocket, reply: (r: Ack<T>) => void, e: unknown) {
	console.error(`[quorum] ${event} failed`, { code: socket.data.code, error: e });
	reply(errorAck('internal'));
}

export interface Realtime {
	io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
	hub: RoomHub;
	close(): Promise<void>;
}

export function attachRealtime(
	httpServer: HttpServer,
	ctx: AppContext,
	options: { clock?: () => number; spread?: Spread } = {}
): Realtime {
	const io = new Server<
		ClientToServerEvents,
		ServerToClientEvents,
		Record<string, never>,
		SocketData
	>(httpServer, {
		serveClient: false,
		perMessageDeflate: false,
		maxHttpBufferSize: 16 * 1024,
		connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 }
	});
	const hub = new RoomHub(io, ctx.repo, options.clock, options.spread);
	/** Sockets whose join waits for its turn (apart from `socket.data`, which `enter` replaces). */
	const joining = new WeakSet<QSocket>();

	/** Wraps a handler: rate-limits, validates, catches, always acks exactly once. */
	function on<P, T>(
		socket: QSocket,
		event: keyof ClientToServerEvents,
		schema: v.GenericSchema<unknown, P>,
		handler: (p: P) => Ack<T> | Promise<Ack<T>>
	) {
		socket.on(event, (payload: unknown, ack: unknown) => {
			const reply = typeof ack === 'function' ? (ack as (r: Ack<T>) => void) : ignore;
			// The teacher's controls hold the secret and may moderate in bursts; everyone else is limited.
			if (socket.data.role !== 'host' && !bucket(socket)) return reply(errorAck('rate_limited'));
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
		socket.data = { code, role, participantId, tokens: old.tokens, refilled: old.refilled };
	}

	function markAway(code: string, participantId: string) {
		const others = io.sockets.adapter.rooms.get(rooms.participant(code, participantId));
		if (others && others.size > 0) return;
		// Queued like joins, so a storm of dropped connections is written in a few transactions.
		if (hub.get(code)) void hub.submit(code, { type: 'disconnect', participantId });
	}

	/** A token bucket per socket: bursts of 20, then 10 commands a second. */
	function bucket(socket: QSocket): boolean {
		const now = Date.now();
		const d = socket.data;
		d.tokens = Math.min(BURST, (d.tokens ?? BURST) + ((now - (d.refilled ?? now)) / 1000) * RATE);
		d.refilled = now;
		if (d.tokens < 1) return false;
		d.tokens -= 1;
		return true;
	}

	io.on('connection', (raw) => {
		const socket = raw as QSocket;
		// Drop the retained handshake request: nothing here reads it after the connection.
		(socket.request as { res?: unknown }).res = undefined;

		on(socket, 'room:join', JoinSchema, async (p) => {
			const room = hub.get(p.code);
			if (!room) return errorAck('no_room');
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
					if (!id) return errorAck('token' in p ? 'bad_token' : 'bad_resume');
					if (room.state.participants[id]?.removed) return errorAck('removed');
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
					if (isAbusive(p.nickname)) return errorAck('nickname_blocked');
					const id = newId();
					participantId = id;
					token = newToken();
					resume = resumeCodeFor(token);
					const tokenHash = hashToken(token);
					const resumeHash = hashToken(resume);
					const reviewHash = hashToken(reviewKeyForResume(resume));
					outcome = await hub.submit(
						p.code,
						{ type: 'join', participantId: id, nickname: p.nickname },
						(state) => {
							const joined = state.participants[id];
							if (!joined) return;
							ctx.repo.insertParticipant(p.code, joined, tokenHash, reviewHash);
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

		on(socket, 'screen:watch', ScreenSchema, (p) => {
			const room = hub.get(p.code);
			if (!room) return errorAck('no_room');
			// The projector key is the stored hash of the host token: only the teacher's controls
			// know it, and it grants nothing but the projector view.
			if (!sameSecret(p.key, room.hostTokenHash)) return errorAck('not_screen');
			enter(socket, p.code, 'screen');
			void socket.join(rooms.screen(p.code));
			return { ok: true, data: screenView(room.state, hub.now()) };
		});

		on(socket, 'host:attach', HostAttachSchema, (p) => {
			const room = hub.get(p.code);
			if (!room) return errorAck('no_room');
			if (!sameSecret(hashToken(p.hostToken), room.hostTokenHash)) return errorAck('not_host');
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
			const r = hub.run(p.code, p.command);
			if (!r.ok) return errorAck(r.error);
			if (p.command.type === 'remove') hub.sendRemoved(p.code, p.command.participantId);
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
