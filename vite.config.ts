import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const DEV_REPO = Symbol.for('quorum.dev.repo');

/** In development, the same Socket.IO factory as production attaches to Vite's HTTP server. */
function quorumRealtime(): Plugin {
	return {
		name: 'quorum-realtime',
		async configureServer(server) {
			if (!server.httpServer) return;
			const { startApp } = await server.ssrLoadModule('/src/lib/server/app.ts');
			const { openDatabase } = await server.ssrLoadModule('/src/lib/server/db.ts');
			// One database per process: a restart builds the new server before closing the old one,
			// and the database's answer log admits one holder. Answers still logged when the process
			// ends are written at the next start.
			const held = globalThis as { [DEV_REPO]?: unknown };
			held[DEV_REPO] ??= openDatabase();
			const app = startApp(server.httpServer, { watchKits: true, repo: held[DEV_REPO] });
			server.httpServer.on('close', () => void app.close());
			const teacher = await server.ssrLoadModule('/src/lib/server/teacher.ts');
			server.httpServer.once('listening', () => {
				const port = server.config.server.port ?? 5173;
				console.log(`  Teacher link: ${teacher.teacherLink(`http://localhost:${port}`)}`);
			});
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), quorumRealtime()],
	test: {
		include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 30_000
	}
});
