import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The validator as a teacher runs it (through tsx, without npm's banner). */
function validate(...args: string[]) {
	const r = spawnSync('node_modules/.bin/tsx', ['scripts/validate.ts', ...args], {
		encoding: 'utf8',
		env: { ...process.env, QUORUM_KITS: 'quizzes' }
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'quorum-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm run validate', () => {
	it('--json prints only JSON on stdout, with the readability profile', () => {
		const r = validate('--json');
		expect(r.code).toBe(0);
		const rows = JSON.parse(r.stdout) as { slug: string; readability: { grade: number } }[];
		expect(rows.map((x) => x.slug)).toContain('hitting-rock-bottom');
		expect(rows[0]?.readability.grade).toBeGreaterThan(5);
	});

	it('--out writes the JSON to a file and prints the table', () => {
		const file = join(tmp, 'report.json');
		const r = validate('tests/fixtures/kits/gettysburg-address', '--out', file);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/gettysburg-address\s+The Gettysburg Address\s+\d+\s+\d+\.\d/);
		expect(JSON.parse(readFileSync(file, 'utf8'))[0].slug).toBe('gettysburg-address');
	});

	it('a kit folder given checks that kit only', () => {
		const r = validate('--json', 'tests/fixtures/kits/gettysburg-address');
		expect(JSON.parse(r.stdout).map((x: { slug: string }) => x.slug)).toEqual([
			'gettysburg-address'
		]);
	});

	it('a missing kits folder is named', () => {
		const r = validate('--dir', join(tmp, 'nowhere'));
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(`The kits folder ${join(tmp, 'nowhere')} does not exist`);
	});

	it('an empty kits folder is named', () => {
		const r = validate('--dir', tmp);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(`The kits folder ${tmp} holds no kits`);
	});

	it('a kit folder that does not exist is named', () => {
		const r = validate('quizzes/no-such-kit');
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('quizzes/no-such-kit: no such kit folder');
	});
});
