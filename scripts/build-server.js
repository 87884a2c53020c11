// The production server as one JavaScript file: `src/prod-server.ts` and everything it imports
// from `src/`, bundled by esbuild into `build/server.js` (packages stay in node_modules). `npm run
// build` runs it after `vite build`; `npm start` and the systemd unit run `node build/server.js`.
// Running the TypeScript through tsx instead cost ~10 % more CPU per round at 2,000 students
// (its transform keeps every function's name with a call at each closure's creation) and a
// transpile at every start. The bench builds its servers with the same function.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

/** Bundles `entry` (TypeScript) into `outfile`, with a source map beside it. */
export async function buildServer(entry, outfile) {
	await build({
		entryPoints: [entry],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		sourcemap: 'linked',
		logLevel: 'warning'
	});
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	await buildServer('src/prod-server.ts', 'build/server.js');
	console.log('Built build/server.js');
}
