import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
	clientAddress,
	DEFAULT_LIMITS,
	DEFAULT_MAX_PARTICIPANTS,
	Limits,
	maxParticipants,
	originAllowed
} from '../../src/lib/server/limits';
import { createLogger } from '../../src/lib/server/log';

describe('the log never carries a secret', () => {
	it('redacts tokens, keys, passcodes and the cookie and authorization headers', () => {
		const lines: string[] = [];
		const sink = new Writable({
			write(chunk: Buffer, _enc, done) {
				lines.push(chunk.toString());
				done();
			}
		});
		const log = createLogger(sink);
		const secret = 'S3CRET-' + 'x'.repeat(20);
		log.error(
			{
				token: secret,
				hostToken: secret,
				key: secret,
				screenKey: secret,
				passcode: secret,
				reviewKey: secret,
				payload: { token: secret, hostToken: secret, code: 'ABCDEF' },
				event: { p: { token: secret, key: secret } },
				req: { headers: { cookie: `quorum_teacher=${secret}`, authorization: `Bearer ${secret}` } },
				headers: { 'set-cookie': secret },
				participantId: 'p-123',
				code: 'ABCDEF'
			},
			'something failed'
		);
		expect(lines).toHaveLength(1);
		const line = lines[0]!;
		expect(line).not.toContain(secret);
		const parsed = JSON.parse(line) as Record<string, unknown>;
		expect(parsed.token).toBe('[redacted]');
		expect(parsed.payload).toEqual({
			token: '[redacted]',
			hostToken: '[redacted]',
			code: 'ABCDEF'
		});
		// Not secrets: a session code is on the projector, a participant id names nobody.
		expect(parsed.code).toBe('ABCDEF');
		expect(parsed.participantId).toBe('p-123');
		expect(parsed.msg).toBe('something failed');
	});
});

const req = (headers: Record<string, string | undefined>, remoteAddress = '10.0.0.7') => ({
	headers,
	socket: { remoteAddress }
});

describe('clientAddress', () => {
	it.each([
		['no proxy: the socket address', {}, false, '10.0.0.7'],
		['no proxy: X-Forwarded-For ignored', { 'x-forwarded-for': '1.2.3.4' }, false, '10.0.0.7'],
		[
			'trusted proxy: the entry it added',
			{ 'x-forwarded-for': '6.6.6.6, 1.2.3.4' },
			true,
			'1.2.3.4'
		],
		['trusted proxy, no header: the socket', {}, true, '10.0.0.7']
	])('%s', (_what, headers, trust, expected) => {
		expect(clientAddress(req(headers) as never, trust)).toBe(expected);
	});
});

describe('originAllowed', () => {
	const env = {
		QUORUM_PUBLIC_URL: 'https://quiz.school.example/',
		QUORUM_ALLOWED_ORIGINS: 'https://lms.example,http://10.0.0.2:3000'
	};
	it.each([
		[undefined, true],
		['http://192.168.1.5:3000', true],
		['https://192.168.1.5:3000', true],
		['https://quiz.school.example', true],
		['https://lms.example', true],
		['http://10.0.0.2:3000', true],
		['http://10.0.0.2:3001', false],
		['https://evil.example', false],
		['null', false],
		['not a url', false]
	])('Origin %s → %s', (origin, allowed) => {
		expect(originAllowed({ headers: { origin, host: '192.168.1.5:3000' } }, env)).toBe(allowed);
	});
});

describe('Limits', () => {
	it('lets a class through, then refuses with seconds to wait', async () => {
		const limits = new Limits({
			connections: { points: 2, duration: 60 },
			joins: { points: 60, duration: 60 },
			wrongCodes: { points: 3, duration: 60, blockDuration: 90, slowAfter: 1, slowMs: 100 },
			hostCommands: { points: 1, duration: 10 },
			member: DEFAULT_LIMITS.member,
			stranger: DEFAULT_LIMITS.stranger
		});
		for (let i = 0; i < 60; i++) expect((await limits.join('nat')).ok).toBe(true);
		expect(await limits.join('nat')).toMatchObject({ ok: false });
		expect((await limits.join('elsewhere')).ok).toBe(true);
		expect((await limits.wrongCode('a')).ok && (await limits.wrongCode('a'))).toEqual({
			ok: true,
			delayMs: 100
		});
		expect(await limits.wrongCode('a')).toMatchObject({ ok: true, delayMs: 200 });
		expect(await limits.mayTry('a')).toEqual({ ok: true, delayMs: 0 });
		expect(await limits.wrongCode('a')).toMatchObject({ ok: false, retryAfter: 90 });
		expect(await limits.mayTry('a')).toMatchObject({ ok: false, retryAfter: 90 });
	});
});

describe('students per room', () => {
	it.each([
		[undefined, DEFAULT_MAX_PARTICIPANTS],
		['', DEFAULT_MAX_PARTICIPANTS],
		['10000', 10_000],
		[' 12000 ', 12_000],
		['30', 30],
		['0', DEFAULT_MAX_PARTICIPANTS],
		['-5', DEFAULT_MAX_PARTICIPANTS],
		['2.5', DEFAULT_MAX_PARTICIPANTS],
		['lots', DEFAULT_MAX_PARTICIPANTS],
		['1e400', DEFAULT_MAX_PARTICIPANTS]
	])('QUORUM_MAX_PARTICIPANTS=%j admits %d', (raw, expected) => {
		expect(maxParticipants({ QUORUM_MAX_PARTICIPANTS: raw })).toBe(expected);
	});

	it('is 5,000 by default', () => {
		expect(DEFAULT_MAX_PARTICIPANTS).toBe(5000);
	});
});
