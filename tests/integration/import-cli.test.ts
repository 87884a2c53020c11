import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const run = (script: string, args: string[], kits: string) =>
	spawnSync('npx', ['tsx', script, ...args], {
		encoding: 'utf8',
		env: { ...process.env, QUORUM_KITS: kits }
	});

describe('npm run import / export on a copy of the seed kit', () => {
	const kits = mkdtempSync(join(tmpdir(), 'quorum-import-'));
	cpSync('quizzes/hitting-rock-bottom', join(kits, 'seed'), { recursive: true });
	const kitFile = join(kits, 'seed', 'kit.yaml');

	it('exports GIFT, and importing it into an empty kit gives the same questions back', () => {
		const gift = run('scripts/export.ts', ['seed', '--format', 'gift'], kits);
		expect(gift.status).toBe(0);
		expect(gift.stderr).toContain('skipped sequence-of-events: GIFT has no ordering questions');
		const original = parse(readFileSync(kitFile, 'utf8')) as { questions: { id: string }[] };
		const file = join(kits, 'moodle.gift');
		writeFileSync(file, gift.stdout);
		// A kit with only its ordering questions left, so every id comes back as it was.
		const kit = parse(readFileSync(kitFile, 'utf8')) as { questions: { type: string }[] };
		writeFileSync(
			kitFile,
			stringify({ ...kit, questions: kit.questions.filter((q) => q.type === 'ordering') })
		);
		const imported = run('scripts/import.ts', [file, '--kit', 'seed'], kits);
		expect(imported.stdout).toContain('The kit validates.');
		expect(imported.status).toBe(0);
		const back = parse(readFileSync(kitFile, 'utf8')) as { questions: { id: string }[] };
		expect(back.questions.map((q) => q.id).sort()).toEqual(
			original.questions.map((q) => q.id).sort()
		);
	});

	it('an Aiken question without explanation is added, with evidence picked, and named', () => {
		const file = join(kits, 'q.txt');
		writeFileSync(
			file,
			'Which city was liberated with Russian help?\nA. Aleppo\nB. Palmyra\nANSWER: B\n'
		);
		const r = run('scripts/import.ts', [file, '--kit', 'seed'], kits);
		expect(r.stdout).toContain('needs an explanation; evidence picked from paragraph');
		expect(r.stdout).toContain('questions[');
		expect(r.stdout).toContain('explanation: is required but missing');
		expect(r.status).toBe(1);
	});
});
