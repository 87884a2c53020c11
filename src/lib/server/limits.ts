/**
 * Per-address and per-room limits for the live transport, in one place so that a limiter shared
 * between processes (rate-limiter-flexible's Redis store) can replace the in-memory one later.
 *
 * The numbers assume a whole class, or a few, behind one school NAT address: 60 students joining
 * within a minute pass; a bot flood from one address (1,000 joins in 10 s) is cut down to what a
 * classroom could send. Everything here is cheap to refuse: a refusal never reaches the room.
 */
import type { IncomingMessage } from 'node:http';
import {
	RateLimiterMemory,
	RateLimiterRedis,
	RateLimiterRes,
	type RateLimiterAbstract
} from 'rate-limiter-flexible';

export interface Limit {
	/** How many in each window of `duration` seconds. */
	points: number;
	duration: number;
	/** Seconds an address stays refused once it went over (0: until the window ends). */
	blockDuration?: number;
}

export interface LimitConfig {
	/** Socket.IO handshakes per address (reconnections count too). */
	connections: Limit;
	/** Joins with a nickname (new players) per address; a rejoin with a token is not one. */
	joins: Limit;
	/**
	 * Wrong session codes, tokens and keys per address. After `slowAfter` of them each further
	 * reply waits `slowMs` more (up to 2 s); past `points`, for `blockDuration` seconds, the
	 * address gets no new player and every wrong code, token or key is answered alike.
	 */
	wrongCodes: Limit & { slowAfter: number; slowMs: number };
	/** Teacher's commands per room: far above any teacher, below a flood that starves other rooms. */
	hostCommands: Limit;
	/**
	 * The token bucket of each socket (`burst` at once, then `rate` a second): a joined student or
	 * projector, and a stranger (a socket that has not joined anything, which needs a request or
	 * two). The teacher's socket has none: its commands are limited per room.
	 */
	member: { burst: number; rate: number };
	stranger: { burst: number; rate: number };
}

export const DEFAULT_LIMITS: LimitConfig = {
	connections: { points: 300, duration: 60 },
	joins: { points: 120, duration: 60 },
	wrongCodes: { points: 40, duration: 60, blockDuration: 120, slowAfter: 10, slowMs: 100 },
	hostCommands: { points: 120, duration: 10 },
	member: { burst: 20, rate: 10 },
	stranger: { burst: 5, rate: 2 }
};

/** No limit at all (the benchmark drives thousands of students from one loopback address). */
export const NO_LIMITS: LimitConfig = {
	connections: { points: 1e9, duration: 1 },
	joins: { points: 1e9, duration: 1 },
	wrongCodes: { points: 1e9, duration: 1, slowAfter: 1e9, slowMs: 0 },
	hostCommands: { points: 1e9, duration: 1 },
	member: { burst: 1e9, rate: 1e9 },
	stranger: { burst: 1e9, rate: 1e9 }
};

export type Verdict = { ok: true; delayMs: number } | { ok: false; retryAfter: number };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export class Limits {
	private connections: RateLimiterAbstract;
	private joins: RateLimiterAbstract;
	private wrong: RateLimiterAbstract;
	private host: RateLimiterAbstract;

	/**
	 * `redis` (scaled mode): the counts are shared by every process, so four processes behind one
	 * load balancer allow what one would. Should Redis fail, each process counts on its own
	 * meanwhile (the insurance limiter) rather than refuse or wait.
	 */
	constructor(
		readonly config: LimitConfig = DEFAULT_LIMITS,
		redis?: unknown
	) {
		const make = (name: string, l: Limit): RateLimiterAbstract => {
			const options = {
				points: l.points,
				duration: l.duration,
				blockDuration: l.blockDuration ?? 0
			};
			const memory = new RateLimiterMemory(options);
			if (!redis) return memory;
			return new RateLimiterRedis({
				...options,
				storeClient: redis,
				useRedisPackage: true,
				rejectIfRedisNotReady: true,
				keyPrefix: `quorum:limit:${name}`,
				insuranceLimiter: memory
			});
		};
		this.connections = make('connections', config.connections);
		this.joins = make('joins', config.joins);
		this.wrong = make('wrong', config.wrongCodes);
		this.host = make('host', config.hostCommands);
	}

	connection(address: string): Promise<Verdict> {
		return take(this.connections, address);
	}

	join(address: string): Promise<Verdict> {
		return take(this.joins, address);
	}

	hostCommand(code: string): Promise<Verdict> {
		return take(this.host, code);
	}

	/** Whether this address may try a code, token or key at all (it is not blocked for guessing). */
	async mayTry(address: string): Promise<Verdict> {
		const res = await this.wrong.get(address);
		if (res && res.consumedPoints > this.config.wrongCodes.points)
			return { ok: false, retryAfter: seconds(res.msBeforeNext) };
		return { ok: true, delayMs: 0 };
	}

	/** Counts a wrong code from this address: how long to hold the reply, or refused from now on. */
	async wrongCode(address: string): Promise<Verdict> {
		const v = await take(this.wrong, address);
		if (!v.ok) return v;
		const { slowAfter, slowMs } = this.config.wrongCodes;
		return { ok: true, delayMs: Math.min(2000, Math.max(0, v.used - slowAfter) * slowMs) };
	}
}

async function take(
	limiter: RateLimiterAbstract,
	key: string
): Promise<{ ok: true; delayMs: number; used: number } | { ok: false; retryAfter: number }> {
	try {
		const res = await limiter.consume(key);
		return { ok: true, delayMs: 0, used: res.consumedPoints };
	} catch (e) {
		if (e instanceof RateLimiterRes) return { ok: false, retryAfter: seconds(e.msBeforeNext) };
		throw e;
	}
}

/**
 * The client's address. Behind a reverse proxy every socket comes from the proxy, so with
 * QUORUM_TRUST_PROXY set the last X-Forwarded-For entry (the one the proxy added) is used; without
 * it the header is ignored, since any client can send one.
 */
export function clientAddress(
	req: Pick<IncomingMessage, 'headers' | 'socket'>,
	trustProxy = Boolean(process.env.QUORUM_TRUST_PROXY)
): string {
	const direct = req.socket.remoteAddress ?? 'unknown';
	if (!trustProxy) return direct;
	const header = req.headers['x-forwarded-for'];
	const list = (Array.isArray(header) ? header.join(',') : (header ?? ''))
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	return list.at(-1) ?? direct;
}

/**
 * Whether a browser page from `origin` may open a socket: no Origin header (not a browser: the
 * tests, the benchmark), the server's own origin (its Host header), QUORUM_PUBLIC_URL, or one of
 * QUORUM_ALLOWED_ORIGINS (comma-separated). Anything else is a page elsewhere driving students'
 * browsers, and is refused.
 */
export function originAllowed(
	req: Pick<IncomingMessage, 'headers'>,
	env: Record<string, string | undefined> = process.env
): boolean {
	const origin = req.headers.origin;
	if (origin === undefined) return true;
	let host: string;
	try {
		host = new URL(origin).host;
	} catch {
		return false;
	}
	if (host === req.headers.host) return true;
	const allowed = [env.QUORUM_PUBLIC_URL, ...(env.QUORUM_ALLOWED_ORIGINS ?? '').split(',')]
		.map((s) => s?.trim())
		.filter((s): s is string => Boolean(s));
	return allowed.some((a) => {
		try {
			return new URL(a).origin === new URL(origin).origin;
		} catch {
			return false;
		}
	});
}

/** Students per room unless `QUORUM_MAX_PARTICIPANTS` says otherwise: far above a lecture hall. */
export const DEFAULT_MAX_PARTICIPANTS = 5000;

/**
 * The most students one room admits (removed ones count: the cap stops bot floods of a join
 * code). `QUORUM_MAX_PARTICIPANTS=N` raises or lowers it; anything but a positive whole number
 * keeps the default, with a warning.
 */
export function maxParticipants(env: Record<string, string | undefined> = process.env): number {
	const raw = env.QUORUM_MAX_PARTICIPANTS?.trim();
	if (!raw) return DEFAULT_MAX_PARTICIPANTS;
	const n = Number(raw);
	if (!Number.isSafeInteger(n) || n <= 0) {
		console.warn(
			`[quorum] QUORUM_MAX_PARTICIPANTS=${raw} is not a positive whole number: ${DEFAULT_MAX_PARTICIPANTS} per room`
		);
		return DEFAULT_MAX_PARTICIPANTS;
	}
	return n;
}
