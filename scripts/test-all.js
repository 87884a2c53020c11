// `npm test`: unit + integration (Vitest), then a production build, the end-to-end tests
// (Playwright, system Chromium) and the multi-process tests (Vitest, `vitest.scale.config.ts`:
// production processes behind nginx, with redis-server and PostgreSQL). Ends with one line
// `N passed, N failed` summing every suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;

function run(cmd, args, env = {}) {
	console.log(`\n$ ${cmd} ${args.join(' ')}`);
	return spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;
}

/** Vitest with a JSON report to count from (`extra`: e.g. another config). */
function vitest(report, extra = []) {
	rmSync(report, { force: true });
	ok =
		run('npx', [
			'vitest',
			'run',
			...extra,
			'--reporter=default',
			'--reporter=json',
			`--outputFile.json=${report}`
		]) && ok;
	if (existsSync(report)) {
		const r = JSON.parse(readFileSync(report, 'utf8'));
		passed += r.numPassedTests;
		failed += r.numFailedTests;
		skipped += r.numPendingTests + (r.numTodoTests ?? 0);
		rmSync(report);
	} else failed += 1;
}

/** Whether a command is on PATH (or in /usr/sbin, where Debian puts nginx). */
const have = (cmd) =>
	existsSync(`/usr/sbin/${cmd}`) ||
	spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

vitest('.test-unit.json');

// The end-to-end and the multi-process tests run the production build.
const built = run('npm', ['run', 'build']);
ok = built && ok;
if (!built) failed += 1;

if (!existsSync(chromium)) {
	console.log(
		`\nSKIPPED end-to-end tests: no Chromium at ${chromium} (install Debian's chromium, or set CHROMIUM_PATH).`
	);
} else if (built) {
	rmSync('.test-e2e.json', { force: true });
	ok =
		run('npx', ['playwright', 'test', '--reporter=list,json'], {
			PLAYWRIGHT_JSON_OUTPUT_NAME: '.test-e2e.json'
		}) && ok;
	if (existsSync('.test-e2e.json')) {
		const r = JSON.parse(readFileSync('.test-e2e.json', 'utf8'));
		passed += r.stats.expected + (r.stats.flaky ?? 0);
		failed += r.stats.unexpected;
		skipped += r.stats.skipped;
		rmSync('.test-e2e.json');
	} else failed += 1;
}

const missing = ['nginx', 'redis-server', 'initdb'].filter((cmd) => !have(cmd));
if (missing.length) {
	console.log(
		`\nSKIPPED multi-process tests: ${missing.join(', ')} not found (.ci/run installs Debian's nginx, redis-server and postgresql).`
	);
} else if (built) {
	vitest('.test-scale.json', ['--config', 'vitest.scale.config.ts']);
}

if (!ok && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || !ok ? 1 : 0);
