/**
 * What a socket asks of a room, done where the room runs. Embedded: this process, called
 * directly. Scaled: the process holding the room's lease, reached through `cluster.ts` when the
 * socket is elsewhere, so every argument and reply here is plain JSON. The socket's own side
 * (joining Socket.IO rooms, the per-address limits, the secrets it hands out) stays in
 * `realtime.ts`, in the process that holds the socket.
 */
import { errorAck, type Ack, type JoinCheck } from '../protocol';
import { cleanNickname } from '../nickname';
import { isHomework, participantCount } from '../room/machine';
import { ownEntry } from '../room/own';
import type { AnyResponse, Command, Effect } from '../room/types';
import {
	hostView,
	myAnswer,
	myView,
	publicView,
	rosterRows,
	screenView,
	type HostView,
	type MyView,
	type PublicView,
	type RosterRow,
	type ScreenView
} from '../room/view';
import { done, type Maybe, type Repository, type Write } from './repository';
import { checkMatches, currentCheck } from './join-check';
import { NotOwnerError, RoomHub, type LiveRoom, type Outcome } from './room-hub';
import { sameSecret } from './tokens';
import { log } from './log';

/** A refusal the socket's process counts against the caller's address (a wrong code or key). */
export type OpReply<T> = Ack<T> | { ok: false; error: string; message: string; wrong: true };

const wrongAck = (error: string): OpReply<never> => ({ ...errorAck(error), wrong: true });

export interface JoinArgs {
	code: string;
	/** A returning student: the hash of their token or of their resume code. */
	tokenHash?: string;
	resumeHash: string;
	reviewHash: string;
	/** How they came back: with the token, or with the resume code typed in. */
	by: 'token' | 'resume' | 'new';
	/** A new student. */
	participantId?: string;
	nickname?: string;
	check?: string;
	deviceHash?: string | null;
	/** The socket already holds this room as a student (a second new join from it is refused). */
	alreadyStudent?: boolean;
}

export interface JoinReply {
	participantId: string;
	view: PublicView;
	me: MyView;
}

export type HostAttachReply = HostView & {
	roster: RosterRow[];
	screenKey: string;
};

export interface Ops {
	join(a: JoinArgs): Promise<OpReply<JoinReply>>;
	watch(a: { code: string; key: string }): Promise<OpReply<ScreenView>>;
	check(a: { code: string }): Promise<OpReply<JoinCheck>>;
	attach(a: { code: string; hostTokenHash: string }): Promise<OpReply<HostAttachReply>>;
	command(a: { code: string; command: Command }): Promise<OpReply<null>>;
	answer(a: {
		code: string;
		participantId: string;
		item: number;
		response: AnyResponse;
		responseId?: string;
		/**
		 * Sent again by the cluster after a reply was lost (`cluster.ts`): the same answer
		 * already stored is this one, acknowledged as it was.
		 */
		repeat?: boolean;
	}): Maybe<OpReply<unknown>>;
	advance(a: { code: string; participantId: string }): Promise<OpReply<MyView>>;
	upvote(a: { code: string; participantId: string; responseId: string }): Promise<OpReply<null>>;
	/** A student's last tab here closed. */
	away(a: { code: string; participantId: string }): Promise<OpReply<null>>;
}
export type OpName = keyof Ops;
export type OpArgs<K extends OpName> = Parameters<Ops[K]>[0];
export type OpResult<K extends OpName> = Awaited<ReturnType<Ops[K]>>;

/** Where a room's operations run: this process (embedded), or the room's owner (scaled). */
export interface RoomRouter {
	call<K extends OpName>(op: K, args: OpArgs<K>): Maybe<OpResult<K>>;
}

/** Every operation here, in this process. */
export function localRouter(ops: Ops): RoomRouter {
	return {
		call: (op, args) => (ops[op] as (a: typeof args) => Maybe<OpResult<typeof op>>)(args)
	};
}

const REMOVALS = new Set(['remove', 'removeMany', 'removeRecent']);
/** The students a removal command removed: the ids of its `participantsChanged` effects. */
const removedBy = (effects: Effect[]) =>
	effects.flatMap((e) => (e.type === 'participantsChanged' ? e.ids : []));

const refusal = (o: Outcome): OpReply<never> | null => (o.ok ? null : errorAck(o.error));

/** A queued command's outcome; the room moved to another process meanwhile: ask it there. */
function here(code: string, o: Outcome): Outcome {
	if (!o.ok && o.error === 'moved') throw new NotOwnerError(code);
	return o;
}

export function roomOps(hub: RoomHub, repo: Repository, options: { maxParticipants: number }): Ops {
	const room = async (code: string): Promise<LiveRoom | null> => hub.room(code);

	return {
		async join(a) {
			const live = await room(a.code);
			if (!live) return wrongAck('no_room');
			let participantId: string;
			let outcome: Outcome;
			if (a.by !== 'new') {
				const id =
					a.by === 'token'
						? await repo.participantByToken(a.code, a.tokenHash ?? '')
						: await repo.participantByResume(a.code, a.resumeHash);
				if (!id) return wrongAck(a.by === 'token' ? 'bad_token' : 'bad_resume');
				if (ownEntry(live.state.participants, id)?.removed ?? true) return errorAck('removed');
				participantId = id;
				const resume: Write = {
					type: 'resume',
					participantId: id,
					resumeHash: a.resumeHash,
					reviewHash: a.reviewHash
				};
				outcome = here(
					a.code,
					await hub.submit(a.code, { type: 'connect', participantId }, () => [resume])
				);
				if (!outcome.ok && outcome.error === 'room_ended') outcome = { ok: true, effects: [] };
			} else {
				if (a.alreadyStudent) return errorAck('already_joined');
				if (participantCount(live.state) >= options.maxParticipants) return errorAck('room_full');
				const name = cleanNickname(a.nickname ?? '');
				if (!name.ok) return errorAck(name.error);
				if (
					live.state.core.settings.joinCheck &&
					!checkMatches(live.hostTokenHash, a.code, a.check ?? '', hub.now())
				)
					// Four digits: guessing it must slow and stop like guessing a code.
					return wrongAck('join_check');
				// The same browser under a new name: refused if the teacher removed it, and in
				// homework (one identity per device: a second one would see the key early).
				const deviceHash = a.deviceHash ?? null;
				const before = deviceHash ? await repo.participantsByDevice(a.code, deviceHash) : [];
				if (before.some((id) => live.state.participants[id]?.removed !== false))
					return errorAck('removed');
				if (before.length && isHomework(live.state.core)) return errorAck('device_joined');
				const id = a.participantId ?? '';
				participantId = id;
				outcome = here(
					a.code,
					await hub.submit(
						a.code,
						{ type: 'join', participantId: id, nickname: name.nickname },
						(state) => {
							const joined = state.participants[id];
							if (!joined) return [];
							return [
								{
									type: 'joined',
									participant: joined,
									tokenHash: a.tokenHash ?? '',
									reviewHash: a.reviewHash,
									resumeHash: a.resumeHash,
									deviceHash
								}
							];
						}
					)
				);
			}
			const refused = refusal(outcome);
			if (refused) return refused;
			// Another tab of this student that closed while this one waited for its turn may have
			// marked them away after this reconnect was applied: they are here.
			const away = await hub.read(
				a.code,
				(r) => r.state.participants[participantId]?.connected === false
			);
			if (away) await hub.run(a.code, { type: 'connect', participantId });
			const reply = await hub.read(a.code, (r): OpReply<JoinReply> => {
				const me = myView(r.state, participantId);
				if (!me) return errorAck('internal');
				return {
					ok: true,
					data: { participantId, view: publicView(r.state, hub.now(), 'student'), me }
				};
			});
			return reply ?? errorAck('internal');
		},

		// The projector key and the host token cannot be guessed: the right one always passes
		// (the teacher shares the class's address); a wrong one counts at the socket's process.
		async watch(a) {
			const reply = await hub.read(a.code, (live): OpReply<ScreenView> => {
				// The projector key is the stored hash of the host token: only the teacher's controls
				// know it, and it grants nothing but the projector view.
				if (!sameSecret(a.key, live.hostTokenHash)) return wrongAck('not_screen');
				return { ok: true, data: screenView(live.state, hub.now()) };
			});
			return reply ?? wrongAck('no_room');
		},

		async check(a) {
			const reply = await hub.read(a.code, (live): OpReply<JoinCheck> => {
				const shown = currentCheck(live.hostTokenHash, a.code, hub.now());
				return {
					ok: true,
					data: {
						check: live.state.core.settings.joinCheck ? shown.check : null,
						changesAt: shown.changesAt
					}
				};
			});
			return reply ?? errorAck('no_room');
		},

		async attach(a) {
			const reply = await hub.read(a.code, (live): OpReply<HostAttachReply> => {
				if (!sameSecret(a.hostTokenHash, live.hostTokenHash)) return wrongAck('not_host');
				// The whole roster goes in this reply; from now on only changed rows follow.
				return {
					ok: true,
					data: {
						...hostView(live.state, hub.now()),
						roster: rosterRows(live.state),
						screenKey: live.hostTokenHash
					}
				};
			});
			return reply ?? wrongAck('no_room');
		},

		async command(a) {
			const r = await hub.run(a.code, a.command);
			if (!r.ok) return errorAck(r.error);
			if (REMOVALS.has(a.command.type))
				for (const id of removedBy(r.effects)) hub.sendRemoved(a.code, id);
			// Acked once every student has been sent the change (at once, but in a lecture hall
			// over a few turns of the event loop).
			await hub.settled(a.code);
			return { ok: true, data: null };
		},

		// Not async: on SQLite the whole answer is one synchronous call, the hot path of a room.
		answer(a) {
			const stored = hub.answer(a.code, {
				type: 'answer',
				participantId: a.participantId,
				item: a.item,
				response: a.response,
				responseId: a.responseId
			});
			return done(stored, (r) =>
				// Made from the room as stored: an answer found there on a repeat has been committed.
				done(
					hub.read(a.code, (now): OpReply<unknown> => {
						if (!r.ok) {
							const mine = now.state.answers[a.item]?.[a.participantId];
							const same =
								a.repeat &&
								r.error === 'already_answered' &&
								mine !== undefined &&
								JSON.stringify(mine.response) === JSON.stringify(a.response);
							if (!same) return errorAck(r.error);
						}
						// Live, the reply carries only what answering changed: a small frame.
						const view = isHomework(now.state.core)
							? myView(now.state, a.participantId)
							: myAnswer(now.state, a.participantId);
						return view ? { ok: true, data: view } : errorAck('internal');
					}),
					(reply) => reply ?? errorAck('no_room')
				)
			);
		},

		async advance(a) {
			if (!(await room(a.code))) return errorAck('no_room');
			const r = await hub.run(a.code, { type: 'advance', participantId: a.participantId });
			if (!r.ok) return errorAck(r.error);
			const me = await hub.read(a.code, (live) => myView(live.state, a.participantId));
			return me ? { ok: true, data: me } : errorAck('internal');
		},

		async upvote(a) {
			if (!(await room(a.code))) return errorAck('no_room');
			const r = await hub.run(a.code, {
				type: 'upvote',
				participantId: a.participantId,
				responseId: a.responseId
			});
			return r.ok ? { ok: true, data: null } : errorAck(r.error);
		},

		async away(a) {
			// Queued like joins, so a storm of dropped connections is written in a few transactions.
			if (!(await room(a.code))) return errorAck('no_room');
			const r = here(
				a.code,
				await hub.submit(a.code, { type: 'disconnect', participantId: a.participantId })
			);
			// A removed student or a room gone has nobody to mark away: nothing to say.
			if (!r.ok && r.error !== 'bad_phase' && r.error !== 'removed')
				log.warn({ code: a.code, error: r.error }, 'marking a student away was refused');
			return { ok: true, data: null };
		}
	};
}
