/**
 * Production entry: one Node HTTP server for SvelteKit (adapter-node's handler) and Socket.IO.
 * Honours PORT (3000), HOST (0.0.0.0), QUORUM_DATA (./data) and QUORUM_KITS (./quizzes).
 */
import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { startServer } from './lib/server/app';
import { teacherGate, teacherLink } from './lib/server/teacher';
import { SECURITY_HEADERS } from './lib/server/headers';
import { compress } from './lib/server/compress';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

// adapter-node assumes https unless told otherwise; this server speaks plain http, so it tells it
// (a TLS proxy in front keeps its own x-forwarded-proto). Origins then match for form posts.
process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';
const { handler } = (await import(pathToFileURL(resolve('build/handler.js')).href)) as {
	handler: (req: unknown, res: unknown, next?: () => void) => void;
};
const server = createServer((req, res) => {
	req.headers['x-forwarded-proto'] ??= 'http';
	// Static files bypass SvelteKit's `handle`: they get the same headers here.
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
	// Rendered pages and JSON compressed (static files are, at build); see compress.ts.
	compress(req, res, () => handler(req, res));
});
const app = await startServer(server);

server.listen(port, host, () => {
	const kits = app.ctx.kits.list().length;
	console.log(`Quorum is running with ${kits} kit(s); database at ${app.ctx.repo.file}`);
	console.log(`  On this computer:   http://localhost:${port}/`);
	if (host === '0.0.0.0' || host === '::') {
		for (const list of Object.values(networkInterfaces())) {
			for (const a of list ?? []) {
				if (a.family === 'IPv4' && !a.internal)
					console.log(`  For students:       http://${a.address}:${port}/join`);
			}
		}
	}
	const gate = teacherGate();
	console.log(`  Start a session:    ${teacherLink(`http://localhost:${port}`, gate)}`);
	if (gate.mode === 'key')
		console.log(
			`  (That link carries the teacher key kept in ${gate.file}; share it only with teachers.\n` +
				'   Set QUORUM_TEACHER_PASSCODE to choose your own, or QUORUM_OPEN_HOST=1 on a laptop of your own.)'
		);
	else if (gate.mode === 'open')
		console.log('  The teacher pages are open to anyone on the network (QUORUM_OPEN_HOST=1).');
});

function shutdown() {
	server.closeAllConnections?.();
	void app.close().finally(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
