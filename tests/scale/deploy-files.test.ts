/**
 * The files in `deploy/` as an operator installs them (deploy/README.md): nginx accepts the
 * layout (`nginx -t`), and the systemd unit passes `systemd-analyze verify` and runs what the
 * tests run. No process is started.
 */
import { execFile } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEPLOY_NGINX, nginxBinary, upstreamFor } from '../support/nginx';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'quorum-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('deploy/', () => {
	it('nginx accepts the files in the layout deploy/README.md installs', async () => {
		// /etc/nginx/quorum/*.conf, and one file in conf.d including the three http-level ones.
		cpSync(DEPLOY_NGINX, join(dir, 'quorum'), { recursive: true });
		mkdirSync(join(dir, 'conf.d'));
		writeFileSync(
			join(dir, 'conf.d', 'quorum.conf'),
			['connection-upgrade.conf', 'upstream.conf', 'quorum.conf']
				.map((f) => `include ${join(dir, 'quorum', f)};\n`)
				.join('')
		);
		writeFileSync(
			join(dir, 'nginx.conf'),
			`pid ${join(dir, 'nginx.pid')};\nerror_log stderr;\nevents {}\n` +
				`http { include ${join(dir, 'conf.d')}/*.conf; }\n`
		);
		const { stderr } = await run(nginxBinary(), [
			'-t',
			'-p',
			`${dir}/`,
			'-c',
			join(dir, 'nginx.conf'),
			'-e',
			'stderr'
		]);
		expect(stderr).toMatch(/test is successful/);
	});

	it('the server block proxies websockets as the issue asks', () => {
		const conf = readFileSync(join(DEPLOY_NGINX, 'quorum.conf'), 'utf8');
		const socketIo = /location \/socket\.io\/ \{([^}]*)\}/.exec(conf)?.[1] ?? '';
		for (const line of [
			'proxy_http_version 1.1;',
			'proxy_set_header Upgrade $http_upgrade;',
			'proxy_set_header Connection $connection_upgrade;',
			'proxy_set_header Host $http_host;',
			'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
			'proxy_set_header X-Forwarded-Proto $scheme;',
			'proxy_read_timeout 1h;'
		])
			expect(socketIo).toContain(line);
		expect(readFileSync(join(DEPLOY_NGINX, 'upstream.conf'), 'utf8')).toMatch(
			/upstream quorum \{\s*least_conn;/
		);
	});

	it('the tests rewrite only the server lines of the shipped upstream', () => {
		const shipped = readFileSync(join(DEPLOY_NGINX, 'upstream.conf'), 'utf8');
		const ours = upstreamFor(shipped, [41001, 41002]);
		expect(ours.match(/^\s*server /gm)).toHaveLength(2);
		expect(ours).toContain('server 127.0.0.1:41001 max_fails=3 fail_timeout=5s;');
		expect(ours.replace(/^\s*server .*\n/gm, '')).toBe(shipped.replace(/^\s*server .*\n/gm, ''));
	});

	it('the systemd unit verifies and runs the production entry', async (ctx) => {
		const unit = readFileSync('deploy/quorum@.service', 'utf8');
		expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node --enable-source-maps build\/server\.js$/m);
		expect(unit).toMatch(/^Environment=PORT=%i$/m);
		expect(unit).toMatch(/^EnvironmentFile=\/etc\/quorum\/env$/m);
		expect(unit).toMatch(/^Restart=always$/m);
		expect(unit).toMatch(/^ProtectSystem=strict$/m);
		expect(unit).toMatch(/^ReadWritePaths=\/var\/lib\/quorum$/m);
		if (!existsSync('/usr/bin/systemd-analyze')) {
			ctx.skip('systemd-analyze is not installed: the unit was not verified');
			return;
		}
		const units = join(dir, 'units');
		mkdirSync(units);
		cpSync('deploy/quorum@.service', join(units, 'quorum@.service'));
		const { stderr } = await run('systemd-analyze', [
			'verify',
			'--man=no',
			join(units, 'quorum@3001.service')
		]);
		expect(stderr).toBe('');
	});
});
