/**
 * The bench's scaled mode (`npm run bench -- --processes N [--embedded]`): "ours" as N production
 * processes (`cluster-server.ts`) behind the shipped nginx config, on PostgreSQL and Redis, or
 * with `--embedded` one process on SQLite through nginx (the path that runs before the scaled
 * mode exists, and a measure of what nginx costs). Students, host and projector connect to
 * nginx; the session is created over HTTP as a teacher would (`/teacher`, then `/host`).
 *
 * The processes are not the bench's children over IPC, so their figures come from /proc: CPU
 * (utime + stime), RSS, and open file descriptors (one per student socket, so their growth
 * counts each process's students). Heap and event-loop delay are not measured here (NaN).
 * `run.ts` starts this in place of `server.ts` for the target `scaled` and prints
 * `scaledReport` beside the single-process run.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { TEACHER_PASSCODE, startProcesses, stopProcesses } from '../support/cluster';
import { createSessionOverHttp, singleChoiceItems } from '../support/http-session';
import { startNginx } from '../support/nginx';
import { postgresMissing, startPostgres } from '../support/postgres';
import { startRedis } from '../support/redis';
import { round2, type ServerHello, type ServerStats } from './lib';
import { buildServer } from '../../scripts/build-server.js';
import type { TargetResult } from './run';

export interface ScaledOptions {
	processes: number;
	/** SQLite and no Redis (one process only): the harness and nginx without the scaled mode. */
	embedded: boolean;
	students: number;
	rounds: number;
	timeLimit: number | null;
}

export interface ScaledServer {
	hello: ServerHello;
	stats(gc: boolean, ms?: number): Promise<ServerStats>;
	profile(action: 'start' | 'stop', file?: string): Promise<void>;
	recoveryHeap(): Promise<{ bytes: number; packets: number }>;
	stop(): Promise<void>;
}

/** A throwaway PostgreSQL (`tests/support/postgres.ts`), or why there is none here. */
async function needPostgres() {
	const pg = await startPostgres();
	if (!pg)
		throw new Error(
			`no PostgreSQL here: ${postgresMissing() ?? 'initdb not found'}. ` +
				'Without it: --processes 1 --embedded.'
		);
	return pg;
}

// ---------------------------------------------------------------------------------------------
// /proc

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

export interface ProcSample {
	cpuUs: number;
	rssBytes: number;
	fds: number;
}

/** CPU (user + system), RSS and open descriptors of one process, from /proc. */
export function procSample(pid: number): ProcSample {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
	const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const cpuUs = (Number(f[11]) + Number(f[12])) * TICK_US;
	const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return {
		cpuUs,
		rssBytes: rss ? Number(rss[1]) * 1024 : NaN,
		fds: readdirSync(`/proc/${pid}/fd`).length
	};
}

/** A process and its children (nginx's master and workers). */
function withChildren(pid: number): number[] {
	const kids: number[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) kids.push(Number(name));
		} catch {
			// gone meanwhile
		}
	}
	return [pid, ...kids];
}

function sum(pids: number[]): ProcSample {
	const total = { cpuUs: 0, rssBytes: 0, fds: 0 };
	for (const pid of pids) {
		try {
			const s = procSample(pid);
			total.cpuUs += s.cpuUs;
			total.rssBytes += s.rssBytes;
			total.fds += s.fds;
		} catch {
			// an nginx worker that ended between the listing and the read
		}
	}
	return total;
}

// ---------------------------------------------------------------------------------------------

export async function startScaled(o: ScaledOptions): Promise<ScaledServer> {
	if (o.embedded && o.processes !== 1)
		throw new Error('--embedded runs one process: processes on SQLite files share no room');
	const stops: (() => Promise<void>)[] = [];
	const stopAll = async () => {
		for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
	};
	try {
		const env: Record<string, string> = {
			QUORUM_MAX_PARTICIPANTS: String(o.students + 100),
			QUORUM_LOG_LEVEL: 'warn'
		};
		let redisPid: () => number | undefined = () => undefined;
		if (!o.embedded) {
			const pg = await needPostgres();
			stops.push(() => pg.stop());
			const redis = await startRedis();
			stops.push(() => redis.stop());
			redisPid = () => redis.pid();
			env.QUORUM_DATABASE_URL = pg.url;
			env.QUORUM_REDIS_URL = redis.url;
		}
		// Bundled, as production runs (`scripts/build-server.js`), beside node_modules.
		const entry = resolve('node_modules/.cache/quorum-bench/cluster-server.js');
		await buildServer('tests/bench/cluster-server.ts', entry);
		const procs = await startProcesses(o.processes, env, { entry });
		stops.push(() => stopProcesses(procs));
		// Two descriptors per student in nginx (client and upstream side), wherever it lands.
		const nginx = await startNginx(
			procs.map((p) => p.port),
			{ workers: 2, connections: 2 * o.students + 512 }
		);
		stops.push(() => nginx.stop());
		const { code, hostToken } = await createSessionOverHttp(nginx.url, TEACHER_PASSCODE, {
			items: singleChoiceItems(o.rounds),
			timeLimit: o.timeLimit ?? 'none',
			speedScoring: false,
			leaderboard: true,
			showNames: false
		});

		let first: Record<string, number> | null = null;
		return {
			hello: { code, hostToken, port: nginx.port, handler: true },
			async stats() {
				const probe: Record<string, number> = {};
				let cpuUs = 0;
				let rss = 0;
				procs.forEach((p, i) => {
					if (p.pid === undefined)
						throw new Error(`Quorum process on port ${p.port} exited:\n${p.log()}`);
					const s = procSample(p.pid);
					cpuUs += s.cpuUs;
					rss += s.rssBytes;
					probe[`p${i + 1}.cpuS`] = round2(s.cpuUs / 1e6);
					probe[`p${i + 1}.rssKB`] = Math.round(s.rssBytes / 1024);
					probe[`p${i + 1}.fds`] = s.fds;
				});
				const ng = sum(nginx.pid === undefined ? [] : withChildren(nginx.pid));
				probe['nginx.cpuS'] = round2(ng.cpuUs / 1e6);
				probe['nginx.rssKB'] = Math.round(ng.rssBytes / 1024);
				const rp = redisPid();
				if (rp !== undefined) {
					const r = procSample(rp);
					probe['redis.cpuS'] = round2(r.cpuUs / 1e6);
					probe['redis.rssKB'] = Math.round(r.rssBytes / 1024);
				}
				// The first sample (before anyone joins) rides along as the baseline.
				first ??= { ...probe };
				for (const [k, v] of Object.entries(first)) probe[`${k}@0`] = v;
				return {
					heapUsed: NaN,
					rss,
					external: NaN,
					arrayBuffers: NaN,
					cpuUser: cpuUs,
					cpuSystem: 0,
					// Main thread apart from V8's helpers: not split per process here.
					cpuMain: NaN,
					loopP99: NaN,
					loopMax: NaN,
					probe
				};
			},
			profile() {
				return Promise.reject(new Error('--profile-phases is not available with --processes'));
			},
			recoveryHeap: () => Promise.resolve({ bytes: NaN, packets: NaN }),
			stop: stopAll
		};
	} catch (e) {
		await stopAll();
		throw e;
	}
}

// ---------------------------------------------------------------------------------------------
// Report

/** Per process: students (new descriptors after joining), RSS per student, CPU per round. */
export function perProcess(t: TargetResult) {
	const join = t.probeAfterJoin;
	const end = t.probeAfterRounds;
	const rounds = Math.max(1, t.completedRounds);
	const names = Object.keys(join)
		.filter((k) => k.endsWith('.cpuS') && !k.includes('@'))
		.map((k) => k.slice(0, -'.cpuS'.length));
	return names.map((name) => {
		const students = (join[`${name}.fds`] ?? NaN) - (join[`${name}.fds@0`] ?? NaN);
		const rssKB = (join[`${name}.rssKB`] ?? NaN) - (join[`${name}.rssKB@0`] ?? NaN);
		const cpuS = ((end[`${name}.cpuS`] ?? NaN) - (join[`${name}.cpuS`] ?? NaN)) / rounds;
		return {
			name,
			students: Number.isFinite(students) ? students : null,
			rssPerStudentKB: students > 0 ? round2(rssKB / students) : null,
			rssKB: end[`${name}.rssKB`] ?? null,
			cpuPerRoundS: round2(cpuS)
		};
	});
}

function render(lines: string[][]): string {
	const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
	const row = (l: string[]) =>
		`| ${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
	const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ')} |`;
	return [row(lines[0]!), rule, ...lines.slice(1).map(row)].join('\n');
}

/** The single-process run beside the scaled one, then each scaled process. */
export function scaledReport(
	single: TargetResult | null,
	scaled: TargetResult,
	o: Pick<ScaledOptions, 'processes' | 'embedded'>
): string {
	const label = `${o.processes} process${o.processes > 1 ? 'es' : ''}${o.embedded ? ' (SQLite)' : ''} + nginx`;
	const rows: [string, keyof TargetResult][] = [
		['join: all N in the lobby (ms)', 'joinMs'],
		['join ack p99 (ms)', 'joinAckP99'],
		['answer ack p50 (ms)', 'ackP50'],
		['answer ack p99 (ms)', 'ackP99'],
		['fan-out open p50 (ms)', 'fanoutP50'],
		['fan-out open p99 (ms)', 'fanoutP99'],
		['reveal fan-out p99 (ms)', 'revealP99'],
		['leaderboard fan-out p99 (ms)', 'boardP99'],
		['server CPU per round, all processes (s)', 'cpuPerRoundS'],
		['RSS per student, all processes (KB)', 'rssPerStudentKB'],
		['rounds completed', 'completedRounds'],
		['students disconnected during the run', 'disconnected'],
		['lost answers', 'lost'],
		['duplicated answers', 'duplicated']
	];
	const cell = (t: TargetResult | null, k: keyof TargetResult) =>
		t ? String(t[k] as number) : '-';
	const counts = ['completedRounds', 'disconnected', 'lost', 'duplicated'];
	const ratio = (k: keyof TargetResult) => {
		if (counts.includes(k)) return '';
		const a = single?.[k] as number | undefined;
		const b = scaled[k] as number;
		return a && Number.isFinite(a) && Number.isFinite(b) ? `${round2(b / a)}×` : '';
	};
	const main = render([
		['metric', '1 process', label, 'ratio'],
		...rows.map(([name, k]) => [name, cell(single, k), cell(scaled, k), ratio(k)])
	]);
	const procs = render([
		[
			'process',
			'students (sockets)',
			'RSS per student (KB)',
			'RSS at end (KB)',
			'CPU per round (s)'
		],
		...perProcess(scaled).map((p) => [
			p.name,
			String(p.students ?? '-'),
			String(p.rssPerStudentKB ?? '-'),
			String(p.rssKB ?? '-'),
			String(p.cpuPerRoundS)
		])
	]);
	const ok = scaled.lost === 0 && scaled.duplicated === 0 && !scaled.aborted;
	return [
		`\nscaled mode: ${label}`,
		main,
		`\nper process (students: descriptors opened while they joined; RSS from /proc, without a GC:` +
			` below a few thousand students per process V8's heap slack dominates it):`,
		procs,
		`\n  ${ok ? 'PASS' : 'FAIL'}  no lost or duplicated answer (scaled): lost ${scaled.lost}, duplicated ${scaled.duplicated}` +
			(scaled.aborted ? `, aborted: ${scaled.aborted}` : '')
	].join('\n');
}
