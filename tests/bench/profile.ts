/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per file,
 * idle and GC separated. Used by `run.ts --profile`; also runnable on its own:
 * `npx tsx tests/bench/profile.ts <file.cpuprofile> [top]`, or with the directories of phase profiles
 * that `--profile-phases` leaves (Quorum's, then the baseline's) for the table by phase and layer.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The layers a sample's CPU is charged to. A sample goes to the innermost frame on its stack that
 * belongs to a layer: `JSON.stringify` called by socket.io-parser's encoder is an emit, the same
 * call from the answer log is the answer log, a `writev` under ws's sender is an emit.
 */
export const LAYERS = [
	'validation',
	'machine',
	'views',
	'answer log',
	'SQLite',
	'hub + handlers',
	'Socket.IO out',
	'Socket.IO in',
	'GC',
	'other'
] as const;
export type Layer = (typeof LAYERS)[number];

/** Socket.IO, engine.io and ws functions that send (the rest of those packages receive). */
const SENDING = new Set([
	'emit',
	'packet',
	'_packet',
	'writeToEngine',
	'broadcast',
	'apply',
	'_encode',
	'encode',
	'encodeAsString',
	'encodePacket',
	'sendPacket',
	'flush',
	'write',
	'send',
	'sendFrame',
	'frame',
	'doWrite'
]);
const TRANSPORT =
	/node_modules\/(socket\.io|socket\.io-adapter|socket\.io-parser|engine\.io|engine\.io-parser|ws|@socket\.io)\//;

function layerOf(functionName: string, url: string): Layer | null {
	if (functionName === '(garbage collector)') return 'GC';
	if (functionName === '(program)') return 'other';
	if (url.includes('/valibot/') || url.endsWith('src/lib/protocol.ts')) return 'validation';
	if (url.includes('/better-sqlite3/') || url.endsWith('src/lib/server/db.ts')) return 'SQLite';
	if (url.endsWith('src/lib/server/answer-log.ts')) return 'answer log';
	if (url.endsWith('src/lib/room/view.ts')) return 'views';
	if (url.includes('/src/lib/room/') || url.endsWith('src/lib/scoring.ts')) return 'machine';
	if (url.includes('/src/lib/') || url.endsWith('tests/bench/baseline-server.ts'))
		return 'hub + handlers';
	if (TRANSPORT.test(url)) {
		// ws's sender writes frames; its receiver, and everything engine.io and socket.io do that
		// is not a send, is the way in (read, decode, dispatch to a handler).
		if (url.includes('/ws/lib/sender')) return 'Socket.IO out';
		if (url.includes('/ws/lib/receiver')) return 'Socket.IO in';
		if (url.includes('broadcast-operator') || url.includes('socket.io-adapter'))
			return 'Socket.IO out';
		return SENDING.has(functionName) ? 'Socket.IO out' : 'Socket.IO in';
	}
	return null;
}

export interface LayerSplit {
	/** Busy ms per layer. */
	byLayer: Map<Layer, number>;
	/** The part of it spent under a project function named in `detach` (inclusive), per layer. */
	detached: Map<Layer, number>;
	busyMs: number;
}

/**
 * Busy time per layer. Samples under a project function named in `detach` (for instance the hub's
 * `broadcast` and `drain`, which send a phase change) are counted apart in `detached` as well.
 */
export function layerProfile(file: string, detach: string[] = []): LayerSplit {
	const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const layer = new Map<number, Layer>();
	const under = new Map<number, boolean>();
	const visit = (id: number, parent: Layer, inside: boolean) => {
		const n = byId.get(id);
		if (!n) return;
		const { functionName, url } = n.callFrame;
		const own = layerOf(functionName, url);
		const l = own ?? parent;
		const where = shortUrl(url);
		const d =
			inside ||
			((where.startsWith('src/') || where.startsWith('tests/')) && detach.includes(functionName));
		layer.set(id, l);
		under.set(id, d);
		for (const c of n.children ?? []) visit(c, l, d);
	};
	const root = p.nodes[0];
	if (root) visit(root.id, 'other', false);
	const byLayer = new Map<Layer, number>();
	const detached = new Map<Layer, number>();
	let busy = 0;
	for (let i = 0; i < p.samples.length; i++) {
		const id = p.samples[i]!;
		const n = byId.get(id);
		if (!n || n.callFrame.functionName === '(idle)') continue;
		const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
		const l = layer.get(id) ?? 'other';
		busy += dt;
		byLayer.set(l, (byLayer.get(l) ?? 0) + dt);
		if (under.get(id)) detached.set(l, (detached.get(l) ?? 0) + dt);
	}
	return { byLayer, detached, busyMs: busy };
}

/** Per phase and per layer, ms (summed over the files given for each phase, divided by `per`). */
export type PhaseLayers = Map<string, Map<Layer, number>>;

/**
 * The phase profiles of one run, by phase and layer, per round. Round phases are files named
 * `r<k>-<phase>.cpuprofile`; in `answers`, what `broadcast`/`drain` did is the automatic close.
 */
export function phaseLayers(files: string[]): { table: PhaseLayers; rounds: number } {
	const table: PhaseLayers = new Map();
	const add = (phase: string, l: Layer, ms: number) => {
		const row = table.get(phase) ?? new Map<Layer, number>();
		row.set(l, (row.get(l) ?? 0) + ms);
		table.set(phase, row);
	};
	const rounds = new Set<string>();
	const once = new Map<string, number>();
	for (const f of files) {
		const name = f.replace(/^.*\//, '').replace(/\.cpuprofile$/, '');
		const m = /^r(\d+)-(.+)$/.exec(name);
		if (!m) {
			// Once per run (join, end): kept whole, under their own name.
			for (const [l, ms] of layerProfile(f).byLayer) once.set(`${name}|${l}`, ms);
			continue;
		}
		rounds.add(m[1]!);
		const phase = m[2]!;
		const split = layerProfile(f, phase === 'answers' ? ['broadcast', 'drain'] : []);
		for (const [l, ms] of split.byLayer) add(phase, l, ms - (split.detached.get(l) ?? 0));
		for (const [l, ms] of split.detached) add('close', l, ms);
	}
	const n = Math.max(1, rounds.size);
	for (const row of table.values()) for (const [l, ms] of row) row.set(l, ms / n);
	for (const [key, ms] of once) {
		const [phase, l] = key.split('|') as [string, Layer];
		add(phase, l, ms);
	}
	return { table, rounds: rounds.size };
}

export const ROUND_PHASES = ['open', 'answers', 'close', 'reveal', 'leaderboard'];

/** Markdown: where a round's CPU goes, Quorum beside the baseline, by phase and by layer. */
export function formatPhaseLayers(ours: PhaseLayers, base: PhaseLayers | null): string {
	const sum = (m: Map<Layer, number> | undefined) =>
		[...(m?.values() ?? [])].reduce((a, b) => a + b, 0);
	const fmt = (ms: number) => ms.toFixed(0);
	const out: string[] = [];
	const total = (t: PhaseLayers | null, l: Layer) =>
		ROUND_PHASES.reduce((a, ph) => a + (t?.get(ph)?.get(l) ?? 0), 0);
	out.push('By phase, ms of CPU per round:', '');
	out.push('| phase | ours | baseline | extra |', '| --- | ---: | ---: | ---: |');
	let to = 0;
	let tb = 0;
	for (const ph of ROUND_PHASES) {
		const o = sum(ours.get(ph));
		const b = sum(base?.get(ph));
		to += o;
		tb += b;
		out.push(`| ${ph} | ${fmt(o)} | ${base ? fmt(b) : '-'} | ${base ? fmt(o - b) : '-'} |`);
	}
	out.push(
		`| **round** | **${fmt(to)}** | **${base ? fmt(tb) : '-'}** | **${base ? fmt(to - tb) : '-'}** |`
	);
	for (const ph of ['join', 'end-and-disconnect']) {
		if (!ours.has(ph)) continue;
		const o = sum(ours.get(ph));
		const b = sum(base?.get(ph));
		out.push(
			`| ${ph} (whole run, not in the round) | ${fmt(o)} | ${base ? fmt(b) : '-'} | ${base ? fmt(o - b) : '-'} |`
		);
	}
	out.push('', 'By layer, ms of CPU per round:', '');
	out.push('| layer | ours | baseline | extra |', '| --- | ---: | ---: | ---: |');
	for (const l of LAYERS) {
		const o = total(ours, l);
		const b = total(base, l);
		if (o < 0.5 && b < 0.5) continue;
		out.push(`| ${l} | ${fmt(o)} | ${base ? fmt(b) : '-'} | ${base ? fmt(o - b) : '-'} |`);
	}
	for (const [name, t] of [
		['Quorum', ours],
		['Baseline', base]
	] as const) {
		if (!t) continue;
		out.push('', `${name}, ms of CPU per round, phase × layer:`, '');
		out.push(
			`| layer | ${ROUND_PHASES.join(' | ')} |`,
			`| --- |${ROUND_PHASES.map(() => ' ---: |').join('')}`
		);
		for (const l of LAYERS) {
			const cells = ROUND_PHASES.map((ph) => t.get(ph)?.get(l) ?? 0);
			if (cells.every((c) => c < 0.5)) continue;
			out.push(`| ${l} | ${cells.map(fmt).join(' | ')} |`);
		}
	}
	return out.join('\n');
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
	if (statSync(file).isDirectory()) {
		// A directory of phase profiles (--profile-phases), and optionally the baseline's.
		const list = (d: string) =>
			readdirSync(d)
				.filter((f) => f.endsWith('.cpuprofile'))
				.map((f) => join(d, f));
		const base = process.argv[3];
		console.log(
			formatPhaseLayers(phaseLayers(list(file)).table, base ? phaseLayers(list(base)).table : null)
		);
	} else console.log(formatProfile(file, Number(process.argv[3] ?? 25)));
}
