// `npm test`: unit + integration (Vitest), then a production build and the end-to-end tests
// (Playwright, system Chromium). Ends with one line `N passed, N failed` summing every suite.
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

// Vitest, with a JSON report to count from.
rmSync('.test-unit.json', { force: true });
ok =
	run('npx', [
		'vitest',
		'run',
		'--reporter=default',
		'--reporter=json',
		'--outputFile.json=.test-unit.json'
	]) && ok;
if (existsSync('.test-unit.json')) {
	const r = JSON.parse(readFileSync('.test-unit.json', 'utf8'));
	passed += r.numPassedTests;
	failed += r.numFailedTests;
	skipped += r.numPendingTests + (r.numTodoTests ?? 0);
	rmSync('.test-unit.json');
} else failed += 1;

if (!existsSync(chromium)) {
	console.log(
		`\nSKIPPED end-to-end tests: no Chromium at ${chromium} (install Debian's chromium, or set CHROMIUM_PATH).`
	);
} else {
	ok = run('npx', ['vite', 'build']) && ok;
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

if (!ok && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || !ok ? 1 : 0);
