/**
 * Builds the whole server side around an HTTP server: context (kits, database), registered for
 * SvelteKit's routes, and the Socket.IO server. Used by the production entry, the dev plugin and
 * the tests.
 */
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { setContext, type AppContext } from './context';
import { dataDir, openDatabase, type Repository } from './db';
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
		limits: options.limits
	});
	realtime.hub.resumeOpen();
	const stopRetention = startRetention(repo, retentionDays(), options.clock);
	return {
		ctx,
		realtime,
		async close() {
			unwatch();
			stopRetention();
			await realtime.close();
			if (!options.repo) repo.close();
		}
	};
}
