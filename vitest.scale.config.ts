import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

/**
 * The multi-process suites (`tests/scale/`): real server processes running the production build
 * (`npm run build` first: the app and `build/server.js`), nginx with the shipped config,
 * redis-server and PostgreSQL. One file at a time: they start processes and share the machine's
 * two cores.
 *   npm run build && npx vitest run --config vitest.scale.config.ts
 */
export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['tests/scale/**/*.test.ts'],
		environment: 'node',
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 180_000,
		teardownTimeout: 60_000
	}
});
