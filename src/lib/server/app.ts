/**
 * Builds the whole server side around an HTTP server: context (kits, database), registered for
 * SvelteKit's routes, and the Socket.IO server. Used by the production entry, the dev plugin and
 * the tests.
 */
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { setContext, type AppContext } from './context';
import { dataDir, openDatabase } from './db';
import type { LeaseStore, Repository } from './repository';
import { startCluster, type ClusterHooks } from './cluster';
import { createKitLibrary } from './kit/registry';
import { attachRealtime, type Realtime } from './realtime';
import { retentionDays, startRetention } from './retention';
import type { LimitConfig } from './limits';
import { log } from './log';
import type { Spread } from './room-hub';

export interface StartOptions {
	kitsDir?: string;
	dbFile?: string;
	watchKits?: boolean;
	clock?: () => number;
	/** When sends to students are spread over turns of the event loop (tests make it small). */
	spread?: Spread;
	/** Per-address and per-room limits (see `limits.ts`); the benchmark lifts them. */
	limits?: LimitConfig;
	/** How long a logged answer may wait for its SQLite write (tests make it long). */
	logFlushMs?: number;
	/**
	 * A database opened by the caller, left open by `close()`: the dev server keeps one across
	 * its restarts (it builds the new server before closing the old one).
	 */
	repo?: Repository;
	/** Scaled mode (`startServer` sets both): the PostgreSQL store and the cluster's hooks. */
	cluster?: ClusterHooks;
}

export interface App {
	ctx: AppContext;
	realtime: Realtime;
	close(): Promise<void>;
}

export function startApp(httpServer: HttpServer, options: StartOptions = {}): App {
	const kits = createKitLibrary(options.kitsDir);
	const repo =
		options.repo ??
		openDatabase(options.dbFile ?? join(dataDir(), 'quorum.db'), {
			logFlushMs: options.logFlushMs
		});
	const ctx = setContext({ kits, repo });
	for (const b of kits.broken()) log.warn({ kit: b.slug, errors: b.errors }, 'kit not served');
	const unwatch = options.watchKits ? kits.watch() : () => {};
	const realtime = attachRealtime(httpServer, ctx, {
		clock: options.clock,
		spread: options.spread,
		limits: options.limits,
		cluster: options.cluster
	});
	realtime.hub
		.resumeOpen()
		.catch((e: unknown) => log.error({ err: e }, 'loading open rooms at start failed'));
	const stopRetention = startRetention(repo, retentionDays(), options.clock);
	return {
		ctx,
		realtime,
		async close() {
			unwatch();
			stopRetention();
			await realtime.close();
			await options.cluster?.close();
			if (!options.repo) await repo.close();
		}
	};
}

/**
 * The server as the environment asks for it. Unset: the embedded mode (`startApp`: one process,
 * SQLite and its answer log). `QUORUM_DATABASE_URL=postgres://…`: every row in PostgreSQL, each
 * room run by the process holding its lease; with `QUORUM_REDIS_URL=redis://…` as well, any
 * number of processes behind a load balancer (`cluster.ts`).
 */
export async function startServer(
	httpServer: HttpServer,
	options: StartOptions = {},
	env = process.env
): Promise<App> {
	const url = env.QUORUM_DATABASE_URL;
	if (!url) return startApp(httpServer, options);
	const { openPostgres } = await import('./pg/repository');
	const repo: Repository & LeaseStore = await openPostgres(url);
	try {
		const cluster = await startCluster({
			repo,
			redisUrl: env.QUORUM_REDIS_URL || undefined,
			processId: env.QUORUM_PROCESS_ID || undefined
		});
		const app = startApp(httpServer, { ...options, repo, cluster });
		return {
			...app,
			async close() {
				await app.close();
				await repo.close();
			}
		};
	} catch (e) {
		await repo.close();
		throw e;
	}
}
