/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, its own port on
 * loopback, its socket in that folder, fsync off (a test's data need not survive a power cut).
 * `stop()` kills it (`-m immediate`) and removes the folder. `halt()` / `start()` stop the server
 * and bring it back on the same port with its data, for outage tests.
 *
 * initdb refuses to run as root, so as root every command runs as the `postgres` user with the
 * folder owned by it. No initdb on PATH: `startPostgres` returns null and the caller skips,
 * saying why (`.ci/run` installs PostgreSQL, so in CI it is found).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface TestPostgres {
	/** `postgres://quorum@127.0.0.1:PORT/quorum` (no password: trust on loopback). */
	url: string;
	port: number;
	/** A URL to a new, empty database in this cluster. */
	createDatabase(name: string): Promise<string>;
	/** Stops the server at once (like a crash) and keeps its data. */
	halt(): Promise<void>;
	/** Starts a halted server again on the same port. */
	start(): Promise<void>;
	/** Halts, waits `ms`, starts again. */
	haltFor(ms: number): Promise<void>;
	/** Kills the server and removes its folder. */
	stop(): Promise<void>;
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresMissing(): string | null {
	try {
		execFileSync('initdb', ['--version'], { stdio: 'ignore' });
		return null;
	} catch {
		return 'initdb is not on PATH (install PostgreSQL: apt-get install postgresql)';
	}
}

const asRoot = process.getuid?.() === 0;

/** `cmd args` as the postgres user when we are root, else as ourselves. */
function command(cmd: string, args: string[]): [string, string[]] {
	return asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export async function startPostgres(
	options: { fsync?: boolean } = {}
): Promise<TestPostgres | null> {
	if (postgresMissing()) return null;
	const dir = mkdtempSync(join(tmpdir(), 'quorum-pg-'));
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		chownSync(dir, uid, gid);
	}
	const data = join(dir, 'data');
	const ctl = (args: string[]) => {
		const [cmd, all] = command('pg_ctl', ['-D', data, ...args]);
		return run(cmd, all);
	};
	const [initCmd, initArgs] = command('initdb', [
		'-D',
		data,
		'-A',
		'trust',
		'-U',
		'quorum',
		'--no-sync',
		'-E',
		'UTF8'
	]);
	await run(initCmd, initArgs);

	let port = 0;
	let running = false;
	const launch = async () => {
		const settings = [
			`-p ${port}`,
			`-k ${dir}`,
			'-c listen_addresses=127.0.0.1',
			// fsync off: a killed server loses nothing the OS has (only a power cut would).
			// synchronous_commit stays on: off, a commit acked in the last ~200 ms is lost when the
			// server is killed, and the outage tests would find acked answers missing.
			`-c fsync=${options.fsync ? 'on' : 'off'}`,
			'-c full_page_writes=off',
			'-c max_connections=200'
		].join(' ');
		// -l: the server writes its log there, not to our pipe (which would keep run() waiting).
		await ctl(['-o', settings, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
		running = true;
	};
	// A port found free can be taken before the server binds it: try another.
	for (let attempt = 0; ; attempt++) {
		port = await freePort();
		try {
			await launch();
			break;
		} catch (e) {
			if (attempt >= 2) {
				rmSync(dir, { recursive: true, force: true });
				throw e;
			}
		}
	}
	const kill = () => {
		if (!running) return;
		running = false;
		const [cmd, args] = command('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
		try {
			execFileSync(cmd, args, { stdio: 'ignore' });
		} catch {
			// Already gone.
		}
	};
	// A test run that dies without its afterAll leaves no server behind.
	process.once('exit', kill);

	const base = `postgres://quorum@127.0.0.1:${port}`;
	const createDatabase = async (name: string) => {
		const admin = new pg.Client({ connectionString: `${base}/postgres` });
		await admin.connect();
		try {
			await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
		} finally {
			await admin.end();
		}
		return `${base}/${name}`;
	};
	const url = await createDatabase('quorum');

	const halt = async () => {
		if (!running) return;
		await ctl(['-m', 'immediate', 'stop']);
		running = false;
	};
	return {
		url,
		port,
		createDatabase,
		halt,
		start: launch,
		async haltFor(ms) {
			await halt();
			await new Promise((r) => setTimeout(r, ms));
			await launch();
		},
		async stop() {
			process.removeListener('exit', kill);
			kill();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
