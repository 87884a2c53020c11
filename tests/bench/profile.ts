/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per file,
 * idle and GC separated. Used by `run.ts --profile`; also runnable on its own:
 * `npx tsx tests/bench/profile.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CpuNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
	hitCount?: number;
	children?: number[];
}
interface CpuProfile {
	nodes: CpuNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface ProfileRow {
	name: string;
	ms: number;
	share: number;
}

function shortUrl(url: string): string {
	const cwd = pathToFileURL(process.cwd()).href + '/';
	let u = url.startsWith(cwd) ? url.slice(cwd.length) : url;
	u = u.replace(/^.*node_modules\//, 'node_modules/');
	return u || '(native)';
}

/** Self time per function and per file (ms), busiest first; the share is of non-idle time. */
export function summarizeProfile(file: string) {
	const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const self = new Map<number, number>();
	for (let i = 0; i < p.samples.length; i++) {
		const id = p.samples[i]!;
		const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
		self.set(id, (self.get(id) ?? 0) + dt);
	}
	const fns = new Map<string, number>();
	const files = new Map<string, number>();
	let idle = 0;
	let total = 0;
	for (const [id, ms] of self) {
		const n = byId.get(id);
		if (!n) continue;
		const { functionName, url, lineNumber } = n.callFrame;
		total += ms;
		if (functionName === '(idle)') {
			idle += ms;
			continue;
		}
		const where = shortUrl(url);
		const name = `${functionName || '(anonymous)'} ${where}${lineNumber > 0 ? `:${lineNumber + 1}` : ''}`;
		fns.set(name, (fns.get(name) ?? 0) + ms);
		files.set(where, (files.get(where) ?? 0) + ms);
	}
	// Inclusive time per function (a recursive frame counts once), for the project's own code.
	const inclusive = new Map<string, number>();
	const subtree = new Map<number, number>();
	const sum = (id: number): number => {
		const n = byId.get(id);
		let ms = self.get(id) ?? 0;
		for (const c of n?.children ?? []) ms += sum(c);
		subtree.set(id, ms);
		return ms;
	};
	const root = p.nodes[0];
	if (root) sum(root.id);
	const open = new Map<string, number>();
	const walk = (id: number) => {
		const n = byId.get(id);
		if (!n) return;
		const { functionName, url, lineNumber } = n.callFrame;
		const where = shortUrl(url);
		const own = where.startsWith('src/') || where.startsWith('tests/');
		const name = `${functionName || '(anonymous)'} ${where}${lineNumber > 0 ? `:${lineNumber + 1}` : ''}`;
		if (own) {
			if (!open.get(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + (subtree.get(id) ?? 0));
			open.set(name, (open.get(name) ?? 0) + 1);
		}
		for (const c of n.children ?? []) walk(c);
		if (own) open.set(name, (open.get(name) ?? 1) - 1);
	};
	if (root) walk(root.id);
	const busy = total - idle;
	const rows = (m: Map<string, number>): ProfileRow[] =>
		[...m]
			.map(([name, ms]) => ({ name, ms, share: busy > 0 ? ms / busy : 0 }))
			.sort((a, b) => b.ms - a.ms);
	return {
		totalMs: total,
		idleMs: idle,
		busyMs: busy,
		functions: rows(fns),
		files: rows(files),
		inclusive: rows(inclusive)
	};
}

export function formatProfile(file: string, top = 25): string {
	const s = summarizeProfile(file);
	const line = (r: ProfileRow) =>
		`${r.ms.toFixed(0).padStart(8)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`;
	return [
		`profile ${file}`,
		`  wall ${(s.totalMs / 1000).toFixed(1)} s, busy ${(s.busyMs / 1000).toFixed(2)} s, idle ${(s.idleMs / 1000).toFixed(1)} s`,
		`  top functions by self time (share of busy time):`,
		...s.functions.slice(0, top).map(line),
		`  by file (self time):`,
		...s.files.slice(0, 15).map(line),
		`  project functions by inclusive time (callees included):`,
		...s.inclusive.slice(0, top).map(line)
	].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const file = process.argv[2];
	if (!file) {
		console.error('usage: tsx tests/bench/profile.ts <file.cpuprofile> [top]');
		process.exit(2);
	}
	console.log(formatProfile(file, Number(process.argv[3] ?? 25)));
}
