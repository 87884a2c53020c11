/**
 * The throwaway redis-server of the harness: its own port, AOF on, so a restart (the scale
 * suites restart Redis mid-session) keeps what was written; stop() leaves nothing running.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingRedis, startRedis, type RedisHandle } from '../support/redis';

let redis: RedisHandle;
beforeAll(async () => {
	redis = await startRedis();
});
afterAll(async () => {
	await redis.stop();
});

describe('startRedis', () => {
	it('serves on loopback, and restarts on the same port with its data', async () => {
		const before = redis.pid();
		const c = createClient({ url: redis.url });
		await c.connect();
		await c.set('quorum:test', 'kept');
		await c.xAdd('quorum:stream', '*', { answer: '1' });
		expect(await c.configGet('appendonly')).toEqual({ appendonly: 'yes' });
		expect(await c.configGet('bind')).toEqual({ bind: '127.0.0.1' });
		c.destroy();

		await redis.restart();
		expect(redis.pid()).not.toBe(before);
		const d = createClient({ url: redis.url });
		await d.connect();
		expect(await d.get('quorum:test')).toBe('kept');
		expect(await d.xLen('quorum:stream')).toBe(1);
		d.destroy();
	});

	it('stop() ends the server', async () => {
		const other = await startRedis();
		expect(await pingRedis(other.port)).toBe(true);
		await other.stop();
		expect(await pingRedis(other.port)).toBe(false);
	});
});
