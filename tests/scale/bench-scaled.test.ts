/**
 * A smoke run of the bench's scaled mode (`npm run bench -- --processes N`), so that it cannot
 * rot: one production process on SQLite behind the shipped nginx config (`--embedded`), 40
 * students, 2 rounds. Correctness only; the figures belong to the bench itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run bench -- --processes 1 --embedded', () => {
	it('40 students through nginx: every answer acked and counted once; figures per process', async () => {
		const { stdout } = await run(
			process.execPath,
			[
				'--import',
				'tsx',
				'tests/bench/run.ts',
				'--processes',
				'1',
				'--embedded',
				'--only',
				'scaled',
				'--students',
				'40',
				'--rounds',
				'2',
				'--spread',
				'300',
				'--repeat',
				'1',
				'--json'
			],
			{ timeout: 150_000, maxBuffer: 16 * 1024 * 1024 }
		);
		const result = JSON.parse(stdout) as {
			processes: number;
			ours: unknown;
			scaled: Record<string, unknown> & {
				probeAfterJoin: Record<string, number>;
				probeAfterRounds: Record<string, number>;
			};
		};
		expect(result.processes).toBe(1);
		expect(result.ours).toBeNull();
		expect(result.scaled).toMatchObject({
			joined: 40,
			joinFailed: 0,
			completedRounds: 2,
			lost: 0,
			duplicated: 0,
			disconnected: 0,
			aborted: null
		});
		for (const k of ['joinMs', 'ackP50', 'ackP99', 'fanoutP99', 'revealP99', 'cpuPerRoundS'])
			expect(Number.isFinite(result.scaled[k])).toBe(true);
		// Read from /proc: the process holds a descriptor per student once they joined.
		const join = result.scaled.probeAfterJoin;
		expect(join['p1.fds']! - join['p1.fds@0']!).toBeGreaterThanOrEqual(40);
		expect(join['p1.rssKB']).toBeGreaterThan(0);
		expect(join['nginx.rssKB']).toBeGreaterThan(0);
	}, 180_000);
});
