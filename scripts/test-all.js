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
/** The failed tests by name, repeated beside the last line (a CI log may keep only its tail). */
const failures = [];

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
		for (const file of r.testResults) {
			const name = file.name.replace(`${process.cwd()}/`, '');
			for (const t of file.assertionResults)
				if (t.status === 'failed') failures.push(`${name} › ${t.fullName}`);
			// A file that failed outside any test (an import, a hook) counts as one failure.
			if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')) {
				failures.push(`${name}: ${(file.message || 'failed').split('\n')[0]}`);
				failed += 1;
			}
		}
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
		const walk = (suite, titles) => {
			for (const spec of suite.specs ?? [])
				for (const t of spec.tests)
					if (t.status === 'unexpected')
						failures.push(`${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')}`);
			for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
		};
		for (const suite of r.suites ?? []) walk(suite, []);
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
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ✗ ${f}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || !ok ? 1 : 0);
