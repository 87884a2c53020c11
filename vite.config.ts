import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/** In development, the same Socket.IO factory as production attaches to Vite's HTTP server. */
function quorumRealtime(): Plugin {
	return {
		name: 'quorum-realtime',
		async configureServer(server) {
			if (!server.httpServer) return;
			const { startApp } = await server.ssrLoadModule('/src/lib/server/app.ts');
			const app = startApp(server.httpServer, { watchKits: true });
			server.httpServer.on('close', () => void app.close());
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
