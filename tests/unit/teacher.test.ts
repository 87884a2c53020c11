import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	loadGate,
	safeNext,
	secretMatches,
	teacherAccess,
	teacherCookieValue,
	teacherLink,
	type Gate
} from '../../src/lib/server/teacher';

const fresh = () => mkdtempSync(join(tmpdir(), 'quorum-gate-'));
const passcode: Gate = { mode: 'passcode', secret: 'maple-42' };

describe('which gate a server runs', () => {
	it('is a generated key by default, kept in the data folder (0600) and reused', () => {
		const dir = fresh();
		const first = loadGate({}, dir);
		expect(first.mode).toBe('key');
		if (first.mode !== 'key') return;
		expect(first.secret.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits of base64url
		expect(readFileSync(first.file, 'utf8').trim()).toBe(first.secret);
		expect(statSync(first.file).mode & 0o777).toBe(0o600);
		expect(loadGate({}, dir)).toEqual(first);
	});

	it('a passcode beats the key; QUORUM_OPEN_HOST=1 opens it', () => {
		const dir = fresh();
		expect(loadGate({ QUORUM_TEACHER_PASSCODE: 'maple-42' }, dir)).toEqual(passcode);
		expect(loadGate({ QUORUM_OPEN_HOST: '1', QUORUM_TEACHER_PASSCODE: 'x' }, dir)).toEqual({
			mode: 'open'
		});
		expect(loadGate({ QUORUM_OPEN_HOST: 'yes' }, dir).mode).toBe('key');
	});

	it('replaces a key file too short to be a secret', () => {
		const dir = fresh();
		writeFileSync(join(dir, 'teacher-key'), 'abc\n');
		const gate = loadGate({}, dir);
		expect(gate.mode === 'key' && gate.secret.length >= 22).toBe(true);
		expect(readFileSync(join(dir, 'teacher-key'), 'utf8')).not.toBe('abc\n');
	});
});

describe('who passes it', () => {
	it.each([
		// gate, cookie the browser sends, access
		[{ mode: 'open' } as Gate, undefined, 'open'],
		[{ mode: 'open' } as Gate, 'anything', 'open'],
		[passcode, undefined, 'locked'],
		[passcode, 'maple-42', 'locked'],
		[passcode, teacherCookieValue('wrong'), 'locked'],
		[passcode, teacherCookieValue('maple-42'), 'unlocked'],
		[
			{ mode: 'key', secret: 'k'.repeat(32), file: '' } as Gate,
			teacherCookieValue('k'.repeat(32)),
			'unlocked'
		]
	] as const)('%o with cookie %s → %s', (gate, cookie, access) => {
		expect(teacherAccess(cookie, gate)).toBe(access);
	});

	it('checks a typed passcode or key, and never matches an open gate', () => {
		expect(secretMatches('maple-42', passcode)).toBe(true);
		expect(secretMatches('maple-4', passcode)).toBe(false);
		expect(secretMatches('', passcode)).toBe(false);
		expect(secretMatches('', { mode: 'open' })).toBe(false);
	});

	it('keeps the secret itself out of the cookie', () => {
		expect(teacherCookieValue('maple-42')).not.toContain('maple');
	});

	it('sends a teacher back only to a page of this site', () => {
		expect(safeNext('/guide/x?a=1')).toBe('/guide/x?a=1');
		expect(safeNext('//evil.example/')).toBe('/host');
		expect(safeNext('/\\evil.example')).toBe('/host');
		expect(safeNext('https://evil.example/')).toBe('/host');
		expect(safeNext(null)).toBe('/host');
	});

	it('prints a link that carries the key only for a generated key', () => {
		const key: Gate = { mode: 'key', secret: 's3cret-key-0123456789', file: '' };
		expect(teacherLink('http://localhost:3000', key)).toBe(
			'http://localhost:3000/teacher?key=s3cret-key-0123456789'
		);
		expect(teacherLink('http://localhost:3000', passcode)).toBe('http://localhost:3000/host');
	});
});
