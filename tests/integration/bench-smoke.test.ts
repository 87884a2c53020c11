/**
 * A smoke run of the load benchmark (`npm run bench`), so that it cannot rot unnoticed: 50
 * students, 2 rounds, against the real server and the bare baseline, in their own processes.
 * Only correctness is asserted here; performance targets live in the benchmark itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run bench, smoke run', () => {
	it('50 students, 2 rounds: every answer acked and counted once on both servers', async () => {
		const { stdout } = await run(
			'npx',
			[
				'tsx',
				'tests/bench/run.ts',
				'--students',
				'50',
				'--rounds',
				'2',
				'--spread',
				'300',
				'--repeat',
				'1',
				'--no-handler',
				'--json'
			],
			{ timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }
		);
		const result = JSON.parse(stdout) as {
			students: number;
			ours: Record<string, unknown>;
			baseline: Record<string, unknown>;
			ratio: Record<string, number | null>;
		};
		expect(result.students).toBe(50);
		for (const side of [result.ours, result.baseline])
			expect(side).toMatchObject({
				joined: 50,
				joinFailed: 0,
				completedRounds: 2,
				lost: 0,
				duplicated: 0,
				disconnected: 0,
				aborted: null
			});
		// Every figure the issue asks for is there and is a number.
		for (const k of ['joinMs', 'fanoutP50', 'fanoutP99', 'ackP50', 'ackP99', 'revealP99'])
			expect(Number.isFinite(result.ours[k])).toBe(true);
		expect(Number.isFinite(result.ratio.ackP99)).toBe(true);
	}, 150_000);
});
