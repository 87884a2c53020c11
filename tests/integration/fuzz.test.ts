/**
 * Property-based fuzzing of the live protocol over real sockets (fast-check): random and
 * malformed payloads, in any argument shape, to every client event and to unknown ones, as the
 * teacher, a student, the projector and a stranger, in every phase. Whatever is sent:
 * - the server answers every call that carried an ack (no client waits for its own timeout);
 * - a refused call changes neither the room (its state) nor the database (rows, session row);
 * - the room stays usable afterwards: a normal answer or command still works.
 * Accepted calls (a random payload can be valid) are not checked; the next run starts from a
 * fresh room in the same phase.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_LIMITS } from '../../src/lib/server/limits';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	startServer,
	type Client,
	type TestServer
} from './harness';

let server: TestServer;
let db: Database.Database;
beforeAll(async () => {
	// Per-address limits would answer most calls `rate_limited` before any handler ran.
	server = await startServer(undefined, 0, { limits: NO_LIMITS });
	db = new Database(server.dbFile, { readonly: true });
});
afterAll(async () => {
	db.close();
	closeClients();
	await server.stop();
});

const PHASES = ['lobby', 'open', 'closed', 'revealed', 'discussion', 'ended'] as const;
type Phase = (typeof PHASES)[number];
type Role = 'host' | 'student' | 'projector' | 'stranger';

interface Fixture {
	code: string;
	hostToken: string;
	screenKey: string;
	students: { socket: Client; id: string; token: string }[];
	sockets: Record<Role, Client>;
	responseId: string | null;
}

/** A room in `phase`: a single-choice question, then an open discussion poll. */
async function fixture(phase: Phase): Promise<Fixture> {
	const kit = server.app.ctx.kits.get('hitting-rock-bottom')!;
	const single = kit.questions.find((q) => q.type === 'single')!;
	const open = kit.polls.find((p) => p.type === 'open')!;
	const { code, hostToken } = newSession(server, { timeLimit: null }, [
		`q:${single.id}`,
		`p:${open.id}`
	]);
	const host = client(server.url);
	const attached = expectOk(await call(host, 'host:attach', { code, hostToken }));
	const projector = client(server.url);
	expectOk(await call(projector, 'screen:watch', { code, key: attached.screenKey }));
	const students = [];
	for (const nickname of ['Ada', 'Bo', 'Cy']) {
		const socket = client(server.url);
		const r = expectOk(await call(socket, 'room:join', { code, nickname }));
		students.push({ socket, id: r.participantId, token: r.token });
	}
	const command = async (type: 'start' | 'close' | 'reveal' | 'next' | 'end') =>
		expectOk(await call(host, 'host:command', { code, command: { type } }));
	let responseId: string | null = null;
	if (phase !== 'lobby') await command('start');
	if (phase !== 'lobby' && phase !== 'open' && phase !== 'ended') {
		const choice = { type: 'single' as const, choice: 0 };
		expectOk(await call(students[0]!.socket, 'answer:submit', { code, item: 0, response: choice }));
		await command('close');
		if (phase !== 'closed') await command('reveal');
		if (phase === 'discussion') {
			await command('next');
			const text = { type: 'open' as const, text: 'Both sides lose.', side: 'for' as const };
			const r = expectOk(
				await call(students[0]!.socket, 'answer:submit', { code, item: 1, response: text })
			);
			responseId = (r as { responseId: string }).responseId;
			expectOk(
				await call(host, 'host:command', {
					code,
					command: { type: 'moderate', responseId, status: 'approved' }
				})
			);
		}
	}
	if (phase === 'ended') await command('end');
	return {
		code,
		hostToken,
		screenKey: attached.screenKey,
		students,
		sockets: {
			host,
			student: students[1]!.socket,
			projector,
			stranger: client(server.url)
		},
		responseId
	};
}

const EVENTS = [
	'room:join',
	'screen:watch',
	'host:attach',
	'host:command',
	'answer:submit',
	'homework:advance',
	'response:upvote',
	'screen:check'
];
const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ''];

/**
 * Payloads with placeholders for the fixture's values (its code, keys, ids), so calls get past
 * the first checks; `resolve` puts the values in. Or anything at all.
 */
type Placeholder = '$CODE' | '$HOST' | '$KEY' | '$S0' | '$S1' | '$T0' | '$T1' | '$RID';

function resolve(value: unknown, f: Fixture): unknown {
	if (typeof value === 'string') {
		const map: Record<Placeholder, string> = {
			$CODE: f.code,
			$HOST: f.hostToken,
			$KEY: f.screenKey,
			$S0: f.students[0]!.id,
			$S1: f.students[1]!.id,
			$T0: f.students[0]!.token,
			$T1: f.students[1]!.token,
			$RID: f.responseId ?? 'none'
		};
		return Object.hasOwn(map, value) ? map[value as keyof typeof map] : value;
	}
	if (Array.isArray(value)) return value.map((v) => resolve(v, f));
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) out[k] = resolve(v, f);
		return out;
	}
	return value;
}

const anyValue = fc.oneof(fc.integer(), fc.boolean(), fc.string(), fc.constant(null));
/** Mostly the values that pass the first checks, sometimes not: handlers run, edges get hit. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
	fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: bad, weight: 1 });
const code = mostly(
	fc.constant('$CODE'),
	fc.oneof(fc.constant('ZZZZZZ'), fc.string({ maxLength: 8 }))
);
const id = mostly(fc.constantFrom('$S0', '$S1', ...HOSTILE), fc.string({ maxLength: 70 }));
const responseId = mostly(fc.constantFrom('$RID', ...HOSTILE), fc.string());
const index = mostly(fc.integer({ min: -1, max: 4 }), anyValue);
const text = mostly(fc.string({ maxLength: 300 }), anyValue);
const response = fc.oneof(
	fc.record({ type: fc.constant('single'), choice: index }),
	fc.record({ type: fc.constant('multiple'), choices: fc.array(index, { maxLength: 10 }) }),
	fc.record({ type: fc.constant('truefalse'), value: fc.oneof(fc.boolean(), anyValue) }),
	fc.record({ type: fc.constant('open'), text, side: fc.constantFrom('for', 'against', 'x') }),
	fc.record({ type: fc.constant('scale'), value: fc.oneof(fc.integer({ min: 0, max: 6 })) }),
	fc.record({ type: fc.constantFrom('short', 'wordcloud', 'writing', 'nope', '__proto__'), text }),
	fc.anything()
);
const command = fc.oneof(
	fc.record({
		type: fc.constantFrom(
			'start',
			'close',
			'pause',
			'resume',
			'reveal',
			'leaderboard',
			'next',
			'end',
			'tick',
			'join',
			'__proto__'
		)
	}),
	fc.record({ type: fc.constant('lock'), locked: fc.oneof(fc.boolean(), anyValue) }),
	fc.record({ type: fc.constant('remove'), participantId: id }),
	fc.record({ type: fc.constant('removeMany'), participantIds: fc.array(id, { maxLength: 4 }) }),
	fc.record({
		type: fc.constant('removeRecent'),
		seconds: fc.oneof(fc.integer({ min: -5, max: 4000 }), anyValue)
	}),
	fc.record({ type: fc.constant('joinCheck'), on: fc.oneof(fc.boolean(), anyValue) }),
	fc.record({
		type: fc.constant('extraTime'),
		participantId: id,
		extraTime: fc.constantFrom(1, 1.5, 2, 'untimed', 3, '__proto__')
	}),
	fc.record({
		type: fc.constant('extend'),
		seconds: fc.oneof(fc.integer({ min: -10, max: 700 }), anyValue)
	}),
	fc.record({
		type: fc.constant('moderate'),
		responseId,
		status: fc.constantFrom('approved', 'hidden', 'highlighted', 'pending', 'constructor')
	}),
	fc.anything()
);
const nickname = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...HOSTILE));
/** Each event with a payload of its own shape (the values random), so handlers run. */
const shaped: Record<string, fc.Arbitrary<unknown>> = {
	'room:join': fc.oneof(
		fc.record({ code, nickname }),
		fc.record({
			code,
			nickname,
			check: fc.oneof(fc.string({ maxLength: 14 }), anyValue),
			device: fc.oneof(fc.string({ minLength: 14, maxLength: 70 }), anyValue)
		}),
		fc.record({ code, token: fc.oneof(fc.constantFrom('$T0', '$T1'), fc.string()) })
	),
	'screen:watch': fc.record({ code, key: fc.oneof(fc.constant('$KEY'), fc.string()) }),
	'host:attach': fc.record({
		code,
		hostToken: fc.oneof(fc.constant('$HOST'), fc.string({ minLength: 20 }))
	}),
	'host:command': fc.record({ code, command }),
	'answer:submit': fc.record({ code, item: index, response }),
	'homework:advance': fc.record({ code }),
	'response:upvote': fc.record({ code, responseId }),
	'screen:check': fc.record({ code })
};
const messy = fc.oneof(fc.anything(), fc.jsonValue());
const EVENT_CALLS = fc.oneof(
	{ arbitrary: fc.oneof(...EVENTS.map((e) => fc.tuple(fc.constant(e), shaped[e]!))), weight: 4 },
	{
		arbitrary: fc.tuple(
			fc.constantFrom(...EVENTS, 'no:such', '__proto__', 'toString'),
			fc.oneof(messy, ...Object.values(shaped))
		),
		weight: 1
	}
);

/** How the arguments are laid out: the ack alone, after the payload, or after extra arguments. */
const SHAPES = ['payload', 'ackOnly', 'extra', 'many'] as const;
const shapes = fc.oneof(
	{ arbitrary: fc.constant('payload' as const), weight: 12 },
	{ arbitrary: fc.constantFrom(...SHAPES), weight: 2 }
);

function snapshot(f: Fixture) {
	// Answers waiting in the answer log are written in first, so a write that was due anyway is
	// not taken for one this call made.
	server.repo.tx(() => undefined);
	const count = (t: string) =>
		(db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
	return JSON.stringify({
		state: server.app.realtime.hub.get(f.code)?.state,
		rows: ['sessions', 'participants', 'answers', 'upvotes'].map(count),
		session: db.prepare('SELECT * FROM sessions WHERE code = ?').get(f.code),
		participants: db.prepare('SELECT * FROM participants').all()
	});
}

function send(s: Client, event: string, args: unknown[]): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${event}: no ack within 5 s`)), 5000);
		(s.emit as (e: string, ...a: unknown[]) => void)(event, ...args, (r: unknown) => {
			clearTimeout(timer);
			resolve(r);
		});
	});
}

/** A normal call that must still work in this phase. */
async function stillUsable(f: Fixture, phase: Phase) {
	const { code } = f;
	const host = client(server.url);
	expectOk(await call(host, 'host:attach', { code, hostToken: f.hostToken }));
	const command = (type: 'start' | 'reveal' | 'next' | 'close') =>
		call(host, 'host:command', { code, command: { type } });
	if (phase === 'ended') {
		expect(await call(client(server.url), 'room:join', { code, nickname: 'Late' })).toMatchObject({
			error: 'room_ended'
		});
		return;
	}
	if (phase === 'lobby') expectOk(await command('start'));
	if (phase === 'closed') expectOk(await command('reveal'));
	if (phase === 'revealed' || phase === 'closed') expectOk(await command('next'));
	const view = server.app.realtime.hub.get(code)!.state;
	expect(view.core.phase).toBe('open');
	const fresh = client(server.url);
	expectOk(await call(fresh, 'room:join', { code, nickname: 'Newcomer' }));
	const response =
		view.core.current === 0
			? { type: 'single' as const, choice: 1 }
			: { type: 'open' as const, text: 'A fair point.', side: 'against' as const };
	expectOk(await call(fresh, 'answer:submit', { code, item: view.core.current, response }));
}

describe('fuzzing every event as every role in every phase', () => {
	it.each(PHASES)(
		'%s: every call acked; refused calls change nothing; the room stays usable',
		async (phase) => {
			let f = await fixture(phase);
			const stats = { refused: 0, accepted: 0 };
			const errors: Record<string, number> = {};
			await fc.assert(
				fc.asyncProperty(
					fc.constantFrom<Role>('host', 'student', 'projector', 'stranger'),
					EVENT_CALLS,
					shapes,
					async (role, [event, raw], shape) => {
						const p = resolve(raw, f);
						const args =
							shape === 'payload'
								? [p]
								: shape === 'ackOnly'
									? []
									: shape === 'extra'
										? [p, 'extra']
										: [p, p, 1, null];
						const before = snapshot(f);
						const r = (await send(f.sockets[role], event, args)) as {
							ok?: boolean;
							error?: string;
						};
						expect(typeof r?.ok).toBe('boolean');
						if (r.ok) {
							stats.accepted += 1;
							f = await fixture(phase);
							return;
						}
						stats.refused += 1;
						errors[r.error!] = (errors[r.error!] ?? 0) + 1;
						expect(r.error).not.toBe('internal');
						expect(snapshot(f)).toBe(before);
					}
				),
				{ numRuns: 100 }
			);
			// The calls reached the handlers, not only the schema check.
			expect(stats.refused).toBeGreaterThan(50);
			expect(Object.keys(errors).length).toBeGreaterThanOrEqual(6);
			await stillUsable(f, phase);
			closeClients();
		},
		60_000
	);
});
