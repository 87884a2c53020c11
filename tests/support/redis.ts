/**
 * A throwaway `redis-server` for the multi-process tests and the bench: its own port on
 * 127.0.0.1, its own folder, append-only file on (so `restart()` reloads what was written), no
 * RDB snapshots. `restart()` stops it and starts it again on the same port and folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePort, startChild, stopChild, waitUntil } from './processes';

export interface RedisHandle {
	url: string;
	port: number;
	dir: string;
	pid(): number | undefined;
	stop(): Promise<void>;
	restart(): Promise<void>;
}

/** Whether a Redis server answers PING on the port (a raw RESP exchange, no client needed). */
export function pingRedis(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = createConnection({ port, host: '127.0.0.1' });
		let data = '';
		const done = (ok: boolean) => {
			s.destroy();
			resolve(ok);
		};
		s.setTimeout(1000, () => done(false));
		s.once('error', () => done(false));
		s.once('connect', () => s.write('PING\r\n'));
		s.on('data', (d) => {
			data += d.toString();
			if (data.includes('\r\n')) done(data.startsWith('+PONG'));
		});
	});
}

export async function startRedis(): Promise<RedisHandle> {
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'quorum-redis-'));
	const logFile = join(dir, 'redis.log');
	let child: ChildProcess | null = null;

	const launch = async () => {
		// Arguments, not a config file: each is `--directive value`.
		child = startChild(
			'redis-server',
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--protected-mode',
				'yes',
				'--dir',
				dir,
				'--appendonly',
				'yes',
				'--appendfsync',
				'everysec',
				'--save',
				'',
				'--daemonize',
				'no',
				'--logfile',
				''
			],
			logFile
		);
		await waitUntil(`redis-server on port ${port}`, () => pingRedis(port), {
			child,
			logFile,
			ms: 20_000
		});
	};
	const halt = async () => {
		if (child) await stopChild(child, 'SIGTERM');
		child = null;
	};

	await launch();
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		dir,
		pid: () => child?.pid,
		async stop() {
			await halt();
			rmSync(dir, { recursive: true, force: true });
		},
		async restart() {
			await halt();
			await launch();
		}
	};
}
