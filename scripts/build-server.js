// The production server as JavaScript: `src/prod-server.ts` and everything it imports from
// `src/`, bundled by esbuild into `build/server.js` (packages stay in node_modules; what is loaded
// only on demand, such as the PostgreSQL store, goes to `build/server-chunks/` and stays lazy).
// `npm run build` runs it after `vite build`; `npm start` and the systemd unit run `node
// build/server.js`. Running the TypeScript through tsx instead cost ~10 % more CPU per round at
// 2,000 students (its transform keeps every function's name with a call at each closure's
// creation) and a transpile at every start. The bench builds its servers with the same function.
import { build } from 'esbuild';
import { realpathSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bundles `entry` (TypeScript) into `outfile`, with a source map beside it. */
export async function buildServer(entry, outfile) {
	const name = basename(outfile, extname(outfile));
	// Chunk names carry a hash: the last build's would pile up.
	rmSync(join(dirname(outfile), `${name}-chunks`), { recursive: true, force: true });
	await build({
		entryPoints: { [name]: entry },
		outdir: dirname(outfile),
		outExtension: { '.js': extname(outfile) },
		chunkNames: `${name}-chunks/[name]-[hash]`,
		splitting: true,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		sourcemap: 'linked',
		logLevel: 'warning'
	});
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === realpathSync(fileURLToPath(import.meta.url))) {
	await buildServer('src/prod-server.ts', 'build/server.js');
	console.log('Built build/server.js');
}
