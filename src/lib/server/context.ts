/**
 * The process-wide dependencies (kit library, database) shared by SvelteKit routes and the
 * Socket.IO server. The production entry, the dev plugin and the tests build them once and
 * register them here; SvelteKit's bundled server code reaches the same instance through a
 * global symbol, because it is a separate module graph from the entry that created them.
 */
import { createKitLibrary, type KitLibrary } from './kit/registry';
import { openDatabase, type Repository } from './db';

export interface AppContext {
	kits: KitLibrary;
	repo: Repository;
	/** Public base URL for join links, when known (e.g. http://192.168.1.20:3000). */
	publicUrl?: string;
}

const KEY = Symbol.for('quorum.context');
type Holder = { [KEY]?: AppContext };

export function setContext(ctx: AppContext): AppContext {
	(globalThis as Holder)[KEY] = ctx;
	return ctx;
}

/** The registered context, or one built from the environment on first use. */
export function getContext(): AppContext {
	const holder = globalThis as Holder;
	holder[KEY] ??= { kits: createKitLibrary(), repo: openDatabase() };
	return holder[KEY];
}
