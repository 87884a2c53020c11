/**
 * nginx in front of the test processes, with the configuration that ships in `deploy/nginx/`:
 * `connection-upgrade.conf` and `quorum.conf` are included unchanged from the repository; the
 * test writes only what a site writes for itself: the upstream (the shipped `upstream.conf` with
 * its `server` lines replaced by the test's ports), `quorum/listen.conf` (127.0.0.1 and a free
 * port) and a wrapper `nginx.conf` keeping pid, logs and temp files in a temp folder.
 */
import {
	chmodSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, logTail, startChild, stopChild, waitUntil } from './processes';

export const DEPLOY_NGINX = resolve('deploy/nginx');

/** Debian puts nginx in /usr/sbin, which is not on every user's PATH; NGINX overrides. */
export function nginxBinary(): string {
	return process.env.NGINX ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');
}

export interface NginxHandle {
	url: string;
	port: number;
	dir: string;
	pid: number | undefined;
	/** nginx's own log (startup errors, upstream failures). */
	log(): string;
	stop(): Promise<void>;
}

/** The shipped upstream block with its `server` lines replaced by one per port. */
export function upstreamFor(shipped: string, ports: number[]): string {
	const line = /^([ \t]*)server[ \t]+\S+([^;\n]*);[^\n]*\n/m;
	const first = line.exec(shipped);
	if (!first) throw new Error('deploy/nginx/upstream.conf has no server line');
	const [, indent, params] = first;
	const servers = ports.map((p) => `${indent}server 127.0.0.1:${p}${params};\n`).join('');
	const withoutServers = shipped.replace(new RegExp(line.source, 'gm'), '');
	return withoutServers.slice(0, first.index) + servers + withoutServers.slice(first.index);
}

function tcpOpen(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = createConnection({ port, host: '127.0.0.1' });
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});
}

export async function startNginx(
	upstreamPorts: number[],
	options: { workers?: number; connections?: number } = {}
): Promise<NginxHandle> {
	const { workers = 1, connections = 4096 } = options;
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'quorum-nginx-'));
	// Workers run as nobody when the tests run as root: they must reach their temp folders.
	chmodSync(dir, 0o755);
	mkdirSync(join(dir, 'quorum'));
	const shipped = readFileSync(join(DEPLOY_NGINX, 'upstream.conf'), 'utf8');
	writeFileSync(join(dir, 'quorum', 'upstream.conf'), upstreamFor(shipped, upstreamPorts));
	writeFileSync(join(dir, 'quorum', 'listen.conf'), `listen 127.0.0.1:${port};\nserver_name _;\n`);
	const temp = (name: string) => join(dir, 'temp', name);
	writeFileSync(
		join(dir, 'nginx.conf'),
		[
			'daemon off;',
			`worker_processes ${workers};`,
			// Two descriptors per proxied socket (client and upstream), and some to spare.
			`worker_rlimit_nofile ${connections * 2 + 64};`,
			`pid ${join(dir, 'nginx.pid')};`,
			'error_log stderr notice;',
			`events { worker_connections ${connections}; }`,
			'http {',
			'	access_log off;',
			`	client_body_temp_path ${temp('client_body')};`,
			`	proxy_temp_path ${temp('proxy')};`,
			`	fastcgi_temp_path ${temp('fastcgi')};`,
			`	uwsgi_temp_path ${temp('uwsgi')};`,
			`	scgi_temp_path ${temp('scgi')};`,
			`	include ${join(DEPLOY_NGINX, 'connection-upgrade.conf')};`,
			`	include ${join(dir, 'quorum', 'upstream.conf')};`,
			`	include ${join(DEPLOY_NGINX, 'quorum.conf')};`,
			'}',
			''
		].join('\n')
	);
	mkdirSync(join(dir, 'temp'));
	chmodSync(join(dir, 'temp'), 0o755);
	const logFile = join(dir, 'nginx.log');
	// -p: relative includes (`quorum/listen.conf`) resolve in the temp folder; -e: startup errors
	// go to our log instead of /var/log/nginx.
	const child = startChild(
		nginxBinary(),
		['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'],
		logFile,
		{ exitSignal: 'SIGTERM' }
	);
	await waitUntil(`nginx on port ${port}`, () => tcpOpen(port), { child, logFile, ms: 20_000 });
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		dir,
		pid: child.pid,
		log: () => logTail(logFile, 200),
		async stop() {
			await stopChild(child, 'SIGTERM');
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
