/**
 * Scaled mode: many server processes over one PostgreSQL and one Redis.
 *
 * - Fan-out: Socket.IO's Redis Streams adapter. A broadcast to a room reaches every socket in it,
 *   whichever process holds the socket. Websocket transport only, so no sticky sessions.
 * - One writer per room: the process holding the room's lease in PostgreSQL (`LeaseStore`) runs
 *   its state machine; every write carries the lease's epoch and PostgreSQL refuses it once the
 *   epoch moved on (`FencedError`). The owner renews its leases every `renewMs`; a room whose
 *   owner stopped renewing is taken by another process after `ttlMs`, at epoch + 1, rebuilt
 *   from PostgreSQL (the question keeps its absolute deadline).
 * - Forwarding: a socket's operation on a room run elsewhere goes to the owner over Redis
 *   pub/sub (`quorum:rpc:<process>`), and the reply comes back the same way. At most once: a
 *   request lost with a dying owner times out; only operations that are safe to repeat are
 *   retried (answers are keyed by session, item and student, so a repeat is counted once).
 *
 * See ARCHITECTURE.md, "Decision: one writer per room".
 */
import { randomBytes } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { errorAck } from '../protocol';
import { FencedError, type LeaseStore, type Repository } from './repository';
import { NotOwnerError, type HubLeases, type RoomHub } from './room-hub';
import type { OpArgs, OpName, OpResult, Ops, RoomRouter } from './room-ops';
import { log } from './log';

export interface ClusterHooks {
	/** Socket.IO options for scaled mode: the Redis adapter, websocket only. */
	serverOptions: Partial<ServerOptions>;
	/** Sockets in several processes (Redis): sends go through the adapter. */
	distributed: boolean;
	/** The Redis client, for limits shared by every process (`limits.ts`); null without Redis. */
	redis: unknown;
	leases: HubLeases;
	router(ops: Ops, hub: RoomHub, io: Server): RoomRouter;
	close(): Promise<void>;
}

export interface ClusterOptions {
	repo: Repository & LeaseStore;
	/** Without Redis: one process on PostgreSQL (leases still fence its writes). */
	redisUrl?: string;
	processId?: string;
	/** How long a lease lasts without renewal, and how often it is renewed. */
	ttlMs?: number;
	renewMs?: number;
	/** How long a forwarded operation waits for the owner's reply. */
	rpcTimeoutMs?: number;
}

/** Safe to send again when a reply was lost: the owner may have done them once already. */
const REPEATABLE = new Set<OpName>(['answer', 'watch', 'check', 'attach', 'away']);

interface Request {
	id: string;
	from: string;
	op: OpName;
	args: unknown;
}
type Reply = { id: string; moved: true } | { id: string; result: unknown };

const channel = (processId: string) => `quorum:rpc:${processId}`;

export async function startCluster(options: ClusterOptions): Promise<ClusterHooks> {
	const { repo } = options;
	const me = options.processId ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
	const ttlMs = options.ttlMs ?? 3000;
	const renewMs = options.renewMs ?? 1000;
	const rpcTimeoutMs = options.rpcTimeoutMs ?? 2500;

	let pub: RedisClientType | null = null;
	let sub: RedisClientType | null = null;
	if (options.redisUrl) {
		pub = createClient({ url: options.redisUrl }) as RedisClientType;
		sub = pub.duplicate();
		for (const c of [pub, sub])
			c.on('error', (e: unknown) => log.warn({ err: e }, 'redis connection error'));
		await Promise.all([pub.connect(), sub.connect()]);
	}

	const leases: HubLeases = {
		take: (code) => repo.acquireLease(code, me, ttlMs),
		release: (code, epoch) => {
			repo.releaseLease(code, me, epoch).catch((e: unknown) => {
				log.warn({ code, err: e }, 'releasing a lease failed (it expires by itself)');
			});
		}
	};

	let hub: RoomHub | null = null;
	let ops: Ops | null = null;
	const timers: ReturnType<typeof setInterval>[] = [];
	const waiting = new Map<string, (r: Reply) => void>();
	/** Who runs a room, as last seen, for a short while (a lease query per operation is too many). */
	const owners = new Map<string, { owner: string; until: number }>();

	/** Renews this process's leases; a room whose lease was lost leaves memory, writing nothing. */
	async function renew() {
		if (!hub) return;
		const held = hub.held();
		if (!held.length) return;
		const kept = new Set(await repo.renewLeases(me, held, ttlMs));
		for (const { code, epoch } of held)
			if (!kept.has(code)) {
				log.warn({ code, process: me }, 'lease lost: another process runs this room now');
				// Only the room held at that epoch (it may have been loaded again since).
				hub.drop(code, epoch);
			}
	}

	/** Rooms mid-question whose owner is gone: taken here, so their timers fire. */
	async function adopt() {
		if (!hub) return;
		for (const code of await repo.orphanedRooms(20)) {
			if (hub.cached(code)) continue;
			try {
				await hub.room(code);
				log.info({ code, process: me }, 'took over a room whose owner stopped');
			} catch (e) {
				if (!(e instanceof NotOwnerError)) log.warn({ code, err: e }, 'taking over a room failed');
			}
		}
	}

	const every = (ms: number, work: () => Promise<void>) => {
		let running = false;
		const t = setInterval(() => {
			if (running) return;
			running = true;
			work()
				.catch((e: unknown) => log.warn({ err: e }, 'cluster upkeep failed'))
				.finally(() => (running = false));
		}, ms);
		t.unref?.();
		timers.push(t);
	};

	/** Runs an operation here: NotOwnerError when another process holds the room. */
	async function local<K extends OpName>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
		return (ops![op] as (a: OpArgs<K>) => Promise<OpResult<K>>)(args);
	}

	async function onRequest(message: string) {
		let req: Request;
		try {
			req = JSON.parse(message) as Request;
		} catch {
			return;
		}
		let reply: Reply;
		try {
			reply = { id: req.id, result: await local(req.op, req.args as never) };
		} catch (e) {
			if (e instanceof NotOwnerError || e instanceof FencedError)
				reply = { id: req.id, moved: true };
			else {
				log.error({ op: req.op, err: e }, 'forwarded operation failed');
				reply = { id: req.id, result: errorAck('internal') };
			}
		}
		// Redis gone (or this process closing): the caller times out and decides.
		await pub?.publish(`${channel(req.from)}:reply`, JSON.stringify(reply)).catch(() => {});
	}

	function onReply(message: string) {
		try {
			const r = JSON.parse(message) as Reply;
			waiting.get(r.id)?.(r);
		} catch {
			// Not ours.
		}
	}

	/** Sends an operation to the process that runs the room; null when no reply came in time. */
	function forward(owner: string, op: OpName, args: unknown): Promise<Reply | null> {
		const id = randomBytes(8).toString('hex');
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				waiting.delete(id);
				resolve(null);
			}, rpcTimeoutMs);
			waiting.set(id, (r) => {
				clearTimeout(timer);
				waiting.delete(id);
				resolve(r);
			});
			const req: Request = { id, from: me, op, args };
			pub!.publish(channel(owner), JSON.stringify(req)).catch(() => {
				clearTimeout(timer);
				waiting.delete(id);
				resolve(null);
			});
		});
	}

	async function ownerOf(code: string): Promise<string | null> {
		const seen = owners.get(code);
		if (seen && seen.until > Date.now()) return seen.owner;
		const lease = await repo.leaseOf(code);
		if (!lease?.live) return null;
		owners.set(code, { owner: lease.owner, until: Date.now() + renewMs });
		return lease.owner;
	}

	const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
	let closing = false;

	function router(o: Ops, h: RoomHub): RoomRouter {
		ops = o;
		hub = h;
		every(renewMs, renew);
		// Twice a renewal: a dead owner's room is taken soon after its lease runs out.
		every(renewMs / 2, adopt);
		return {
			async call<K extends OpName>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
				const code = (args as { code: string }).code;
				// Long enough for a dead owner's lease to run out and another process to take over.
				const until = Date.now() + ttlMs + rpcTimeoutMs + 2000;
				for (let attempt = 0; ; attempt++) {
					if (closing) return errorAck('internal') as OpResult<K>;
					if (attempt > 0 && Date.now() > until) break;
					const owner = h.cached(code) ? me : await ownerOf(code);
					if (owner === null || owner === me || !pub) {
						try {
							return await local(op, args);
						} catch (e) {
							// Another process runs the room (or took it while this one was frozen: the
							// write was refused whole, so nothing happened and it can go there instead).
							if (!(e instanceof NotOwnerError) && !(e instanceof FencedError)) throw e;
							owners.delete(code);
							if (!pub) break;
							continue;
						}
					}
					const reply = await forward(owner, op, args);
					if (reply && 'result' in reply) return reply.result as OpResult<K>;
					owners.delete(code);
					// Lost on the way (the owner died or froze): repeat only what is safe to repeat
					// (a rejoin with a token is; a new student's join is not).
					const repeatable =
						REPEATABLE.has(op) || (op === 'join' && (args as { by?: string }).by !== 'new');
					// Not safe to repeat, and perhaps done: say so rather than invite a second one.
					if (!reply && !repeatable) return errorAck('uncertain') as OpResult<K>;
					// Perhaps done already: an answer found stored is then this one.
					if (op === 'answer') args = { ...args, repeat: true };
					await pause(Math.min(1000, 100 * 2 ** attempt));
				}
				return errorAck('moved') as OpResult<K>;
			}
		};
	}

	if (sub) {
		await sub.subscribe(channel(me), (m) => void onRequest(m));
		await sub.subscribe(`${channel(me)}:reply`, onReply);
	}

	return {
		serverOptions: pub
			? {
					adapter: createAdapter(pub, { maxLen: 100_000 }),
					transports: ['websocket']
				}
			: {},
		distributed: pub !== null,
		redis: pub,
		leases,
		router,
		async close() {
			closing = true;
			for (const t of timers) clearInterval(t);
			for (const resolve of waiting.values()) resolve({ id: '', moved: true });
			await Promise.allSettled([sub?.quit(), pub?.quit()]);
		}
	};
}
