/**
 * One Quorum process of the bench's scaled mode (`run.ts --processes N`, through `scaled.ts`):
 * `src/prod-server.ts` as it runs in production (SvelteKit's handler from `build/`, PORT, HOST,
 * QUORUM_* from the environment: the harness sets QUORUM_DATABASE_URL and QUORUM_REDIS_URL),
 * with one difference: the per-address limits are lifted, as in `server.ts`, since thousands of
 * simulated students arrive from one loopback address through nginx.
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as appModule from '../../src/lib/server/app';
import type { App, StartOptions } from '../../src/lib/server/app';
import { NO_LIMITS } from '../../src/lib/server/limits';

/**
 * The entry the production server uses: `startServer` (the store and cluster the environment
 * asks for) where the scaled mode has it, else `startApp` (the embedded mode alone).
 */
const start =
	(appModule as { startServer?: (s: typeof server, o: StartOptions) => Promise<App> })
		.startServer ??
	((s: typeof server, o: StartOptions) => Promise.resolve(appModule.startApp(s, o)));

process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';
const { handler } = (await import(pathToFileURL(resolve('build/handler.js')).href)) as {
	handler: (req: unknown, res: unknown) => void;
};
const server = createServer((req, res) => {
	req.headers['x-forwarded-proto'] ??= 'http';
	handler(req, res);
});
const app = await start(server, { limits: NO_LIMITS });
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');

function shutdown() {
	server.closeAllConnections();
	void app.close().finally(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
