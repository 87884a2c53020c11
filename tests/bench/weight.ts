/**
 * `npm run bench:weight` (after `npx vite build`): what a student's phone downloads for the room
 * page, `src/routes/room/[code]/+page.svelte`, gzipped (node:zlib, level 9).
 *
 * The route's nodes (root and room layouts, the page) come from SvelteKit's server manifest
 * (`.svelte-kit/output/server/manifest.js`); each node's chunk, its static imports (recursively,
 * dynamic imports excluded) and their CSS come from Vite's client manifest
 * (`.svelte-kit/output/client/.vite/manifest.json`, or `build/client/.vite/manifest.json`), plus
 * the client entry (`entry/start`, `entry/app`). Fonts are listed apart: not in the budget.
 * Prints a table and the JS + CSS total against the 60 KB target (1 KB = 1024 bytes), then PASS or
 * FAIL; exits 0 either way (1 only when the build output is missing). `--json` prints one object.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const ROUTE_FILE = 'src/routes/room/[code]/+page.svelte';
const ROUTE_ID = '/room/[code]';
// #17: the student room page within 60 KB gzipped (it was 80 before).
const TARGET_KB = 60;
const json = process.argv.includes('--json');

interface Chunk {
	file: string;
	name?: string;
	src?: string;
	isEntry?: boolean;
	imports?: string[];
	dynamicImports?: string[];
	css?: string[];
	assets?: string[];
}

function fail(message: string): never {
	console.error(`bench:weight: ${message}`);
	process.exit(1);
}

const manifestFile = [
	'build/client/.vite/manifest.json',
	'.svelte-kit/output/client/.vite/manifest.json'
].find((f) => existsSync(f));
if (!manifestFile) fail('no client manifest; run `npx vite build` first.');
const clientDir = dirname(dirname(manifestFile));
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, Chunk>;
const serverManifestFile = '.svelte-kit/output/server/manifest.js';
if (!existsSync(serverManifestFile))
	fail(`no ${serverManifestFile}; run \`npx vite build\` first.`);

/** The route's layout and leaf node indices, from SvelteKit's server manifest. */
function routeNodes(): { layouts: number[]; leaf: number } {
	const text = readFileSync(serverManifestFile, 'utf8');
	const at = text.indexOf(`id: ${JSON.stringify(ROUTE_ID)}`);
	if (at < 0) fail(`route ${ROUTE_ID} not in ${serverManifestFile}`);
	const m = /page:\s*\{\s*layouts:\s*\[([^\]]*)\][^}]*leaf:\s*(\d+)/.exec(text.slice(at));
	if (!m) fail(`cannot read the nodes of ${ROUTE_ID} in ${serverManifestFile}`);
	const layouts = m[1]!
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.map(Number);
	return { layouts, leaf: Number(m[2]) };
}

/** What node `index` is (from its server node file), e.g. `src/routes/+layout.svelte`. */
function nodeComponent(index: number): string {
	const text = serverNode(index);
	const m = /entries\/pages\/([^'"]*?)\.svelte\.js/.exec(text);
	if (m)
		return `src/routes/${m[1]!.replace(/_([a-z0-9]+)_/gi, '[$1]').replace(/_(page|layout)$/, '+$1')}.svelte`;
	const id = /server_id = "([^"]+)"/.exec(text)?.[1];
	return id ? `default layout, ${id}` : '?';
}

function serverNode(index: number): string {
	const f = `.svelte-kit/output/server/nodes/${index}.js`;
	return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

/** The files SvelteKit itself preloads for a node (its `imports` and `stylesheets`). */
function preloads(index: number): string[] {
	const text = serverNode(index);
	const list = (name: string) => {
		const m = new RegExp(`export const ${name} = (\\[[^\\]]*\\])`).exec(text);
		return m ? (JSON.parse(m[1]!) as string[]) : [];
	};
	return [...list('imports'), ...list('stylesheets')];
}

const nodeKey = (i: number) => `.svelte-kit/generated/client-optimized/nodes/${i}.js`;

const { layouts, leaf } = routeNodes();
const leafComponent = nodeComponent(leaf);
if (leafComponent !== ROUTE_FILE)
	console.error(
		`bench:weight: warning: node ${leaf} looks like ${leafComponent}, not ${ROUTE_FILE}`
	);

const roots: { key: string; role: string }[] = [];
for (const [key, c] of Object.entries(manifest))
	if (c.isEntry && (c.name === 'entry/start' || c.name === 'entry/app'))
		roots.push({ key, role: c.name });
for (const i of layouts)
	roots.push({ key: nodeKey(i), role: `layout node ${i} (${nodeComponent(i)})` });
roots.push({ key: nodeKey(leaf), role: `page node ${leaf} (${leafComponent})` });

interface Row {
	file: string;
	role: string;
	kind: 'js' | 'css' | 'font';
	raw: number;
	gz: number;
}
const rows: Row[] = [];
const seenFiles = new Set<string>();
function add(file: string, role: string, kind: Row['kind']) {
	if (seenFiles.has(file)) return;
	seenFiles.add(file);
	const path = join(clientDir, file);
	if (!existsSync(path)) fail(`missing ${path}`);
	const data = readFileSync(path);
	const gz =
		kind === 'font' ? data.length : gzipSync(data, { level: constants.Z_BEST_COMPRESSION }).length;
	rows.push({ file, role, kind, raw: data.length, gz });
}

const visited = new Set<string>();
function visit(key: string, role: string) {
	if (visited.has(key)) return;
	visited.add(key);
	const c = manifest[key];
	if (!c) fail(`${key} not in ${manifestFile}`);
	add(c.file, role, 'js');
	for (const css of c.css ?? []) add(css, `css of ${role}`, 'css');
	for (const a of c.assets ?? []) if (/\.woff2$/.test(a)) add(a, `font of ${role}`, 'font');
	for (const imp of c.imports ?? []) visit(imp, `static import (${manifest[imp]?.name ?? imp})`);
}
for (const r of roots) visit(r.key, r.role);

// Cross-check against SvelteKit's own preload lists for these nodes (entry files aside).
const expected = new Set([...layouts, leaf].flatMap(preloads));
const fromNodes = new Set<string>();
const walk = (key: string) => {
	const c = manifest[key];
	if (!c || fromNodes.has(c.file)) return;
	fromNodes.add(c.file);
	for (const css of c.css ?? []) fromNodes.add(css);
	for (const imp of c.imports ?? []) walk(imp);
};
for (const i of [...layouts, leaf]) walk(nodeKey(i));
const ours = fromNodes;
const missing = [...expected].filter((f) => !ours.has(f));
const extra = [...ours].filter((f) => !expected.has(f));
const crossCheck =
	expected.size === 0
		? 'not available'
		: missing.length || extra.length
			? `differs: missing ${missing.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'}`
			: 'same files as SvelteKit preloads';

const sum = (kind: Row['kind'], f: 'raw' | 'gz') =>
	rows.filter((r) => r.kind === kind).reduce((a, r) => a + r[f], 0);
const js = sum('js', 'gz');
const css = sum('css', 'gz');
const total = js + css;
const kb = (b: number) => (b / 1024).toFixed(1);
const pass = total <= TARGET_KB * 1024;

if (json) {
	console.log(
		JSON.stringify({
			route: ROUTE_FILE,
			manifest: manifestFile,
			jsGzipBytes: js,
			cssGzipBytes: css,
			totalGzipBytes: total,
			totalGzipKB: Number(kb(total)),
			targetKB: TARGET_KB,
			pass,
			fontsWoff2Bytes: sum('font', 'raw'),
			crossCheck,
			files: rows
		})
	);
} else {
	console.log(`Student route ${ROUTE_FILE} (${ROUTE_ID}), from ${manifestFile}\n`);
	const lines = [
		['file', 'what', 'raw KB', 'gzip KB'],
		...rows.filter((r) => r.kind !== 'font').map((r) => [r.file, r.role, kb(r.raw), kb(r.gz)])
	];
	const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
	const fmt = (l: string[]) =>
		`| ${l.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
	console.log(fmt(lines[0]!));
	console.log(
		`| ${widths.map((w, i) => (i < 2 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ')} |`
	);
	for (const l of lines.slice(1)) console.log(fmt(l));
	console.log(
		`\nJavaScript ${kb(js)} KB + CSS ${kb(css)} KB = ${kb(total)} KB gzipped (level 9); ` +
			`target ≤ ${TARGET_KB} KB: ${pass ? 'PASS' : 'FAIL'}`
	);
	console.log(`Cross-check with the server nodes' imports and stylesheets: ${crossCheck}.`);
	const fonts = rows.filter((r) => r.kind === 'font');
	if (fonts.length)
		console.log(
			`Not counted: ${fonts.length} woff2 font file(s) referenced by this CSS, ${kb(sum('font', 'raw'))} KB ` +
				`(already compressed; the browser fetches only the faces the page uses).`
		);
}
