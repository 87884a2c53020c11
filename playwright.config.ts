import { defineConfig, devices } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** System Chromium from Debian: Playwright cannot download browsers on our machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = Number(process.env.E2E_PORT ?? 4319);
const dataDir = mkdtempSync(join(tmpdir(), 'quorum-e2e-'));
// A copy of the kits: the editor's tests save kits, never into the repository's own folder.
const kitsDir = join(dataDir, 'kits');
cpSync('quizzes', kitsDir, { recursive: true });

export default defineConfig({
	testDir: 'tests/e2e',
	// Whole-flow tests run axe up to ten times; on a loaded 2-core machine one run can take
	// seconds, and 60 s was seen to be too short. Each step still waits on visible state.
	timeout: 150_000,
	expect: { timeout: 15_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		trace: 'off',
		launchOptions: {
			executablePath: existsSync(CHROMIUM) ? CHROMIUM : undefined,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
	webServer: {
		command: `node --enable-source-maps build/server.js`,
		url: `http://127.0.0.1:${port}/`,
		reuseExistingServer: false,
		timeout: 60_000,
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			QUORUM_DATA: dataDir,
			QUORUM_KITS: kitsDir,
			NODE_ENV: 'production',
			// The teacher's gate stays on in the tests, as it is by default (tests/e2e/helpers.ts).
			QUORUM_TEACHER_PASSCODE: 'e2e-teacher-passcode'
		}
	}
});
