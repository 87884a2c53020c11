// `npm start`: builds the app if there is no build yet (or it is older than the sources), then
// runs the production server.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
	let t = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return t;
}

// Both halves of `npm run build` (the app, then the server bundle): the older one decides.
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);
const built = Math.min(mtime('build/handler.js'), mtime('build/server.js'));
if (!built || newest('src') > built || process.env.QUORUM_REBUILD) {
	console.log('Building Quorum (first start or sources changed)…');
	const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, ['--enable-source-maps', 'build/server.js'], {
	stdio: 'inherit',
	env: { NODE_ENV: 'production', ...process.env }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
