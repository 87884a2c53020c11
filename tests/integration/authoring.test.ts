/**
 * The kit editor's saves against a running server: the new kit is served at once, a draft is
 * never offered, and a session already running keeps the items it started with.
 */
import { createServer, type Server } from 'node:http';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/lib/server/app';
import { authorList, saveFromEditor } from '../../src/lib/server/kit/authoring';
import { createSession } from '../../src/lib/server/sessions';
import { resetTeacherGate } from '../../src/lib/server/teacher';
import { splitReading } from '../../src/lib/kit/tidy';
import { readKitFiles } from '../../src/lib/server/kit/writer';
import { load as libraryLoad } from '../../src/routes/+page.server';
import { load as hostLoad } from '../../src/routes/host/+page.server';
import { load as studyLoad } from '../../src/routes/study/[slug]/+page.server';
import { parse } from 'yaml';
import { call, client, closeClients, expectOk, nextEvent, SETTINGS } from './harness';

let http: Server;
let app: App;
let url: string;
let kitsDir: string;
const openHost = process.env.QUORUM_OPEN_HOST;

beforeAll(async () => {
	// The route loads below pass the teacher's gate as a laptop of one's own would.
	process.env.QUORUM_OPEN_HOST = '1';
	resetTeacherGate();
	kitsDir = mkdtempSync(join(tmpdir(), 'quorum-author-'));
	cpSync('tests/fixtures/kits/gettysburg-address', join(kitsDir, 'gettysburg-address'), {
		recursive: true
	});
	http = createServer((_req, res) => res.writeHead(404).end());
	app = startApp(http, { kitsDir, dbFile: join(kitsDir, '..', `${Date.now()}-author.db`) });
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
	closeClients();
	http.closeAllConnections();
	await app.close();
	await new Promise<void>((resolve) => http.close(() => resolve()));
	if (openHost === undefined) delete process.env.QUORUM_OPEN_HOST;
	else process.env.QUORUM_OPEN_HOST = openHost;
	resetTeacherGate();
});

const META = {
	kind: 'article',
	title: 'The Flood',
	author: 'A. Writer',
	published: '2024-05-01',
	credit: 'Written for these tests.'
};
const BODY = 'The river rose in the night.\n\nNobody was hurt. The mayor thanked the volunteers.';
const KIT = {
	summary: 'A small flood.',
	keyPoints: [{ text: 'No one was hurt.', evidence: ['Nobody was hurt.'] }],
	questions: [
		{
			id: 'hurt',
			type: 'truefalse',
			prompt: 'Was anyone hurt?',
			answer: false,
			explanation: 'Nobody was.',
			evidence: ['Nobody was hurt.']
		}
	]
};

/** What the pages would get: the library, the host form and self-study. */
async function offered(slug: string) {
	const library = (await libraryLoad({} as never)) as {
		kits: { slug: string }[];
		broken: { slug: string }[];
	};
	const event = { cookies: { get: () => undefined }, url: new URL(`${url}/host?kit=${slug}`) };
	const host = (await hostLoad(event as never)) as { kits: { slug: string }[] };
	let study = true;
	try {
		await studyLoad({ params: { slug } } as never);
	} catch {
		study = false;
	}
	return {
		library:
			library.kits.some((k) => k.slug === slug) || library.broken.some((k) => k.slug === slug),
		host: host.kits.some((k) => k.slug === slug),
		study
	};
}

describe('saving from the kit editor', () => {
	it('serves a new kit at once, without a restart', async () => {
		expect(await offered('the-flood')).toEqual({ library: false, host: false, study: false });
		const saved = saveFromEditor(app.ctx, {
			slug: 'the-flood',
			isNew: true,
			meta: META,
			body: BODY,
			kit: KIT
		});
		expect(saved).toEqual({ ok: true, published: true, diagnostics: [] });
		expect(app.ctx.kits.get('the-flood')?.questions[0]?.evidenceRefs[0]?.anchor).toBe('p-2');
		expect(await offered('the-flood')).toEqual({ library: true, host: true, study: true });
		// A second "new" kit of the same name is refused, never written over the first.
		expect(
			saveFromEditor(app.ctx, { slug: 'the-flood', isNew: true, meta: META, body: 'x', kit: KIT })
		).toMatchObject({ ok: false, taken: true });
	});

	it('keeps a kit with errors as a draft: listed for the teacher, never on /, /host or /study', async () => {
		const bad = { ...KIT, questions: [{ ...KIT.questions[0], evidence: ['Everyone was hurt.'] }] };
		const saved = saveFromEditor(app.ctx, {
			slug: 'flood-draft',
			isNew: true,
			meta: META,
			body: BODY,
			kit: bad
		});
		expect(saved.ok).toBe(false);
		expect('diagnostics' in saved && saved.diagnostics[0]).toMatchObject({
			file: 'kit.yaml',
			message: expect.stringMatching(/questions\[0\]\.evidence\[0\]: quote not found/)
		});
		expect(await offered('flood-draft')).toEqual({ library: false, host: false, study: false });
		expect(authorList(app.ctx).drafts).toEqual([{ slug: 'flood-draft', title: 'The Flood' }]);
		// An edit with errors to a published kit leaves the published one served, unchanged.
		saveFromEditor(app.ctx, { slug: 'the-flood', isNew: false, meta: META, body: BODY, kit: bad });
		expect(app.ctx.kits.get('the-flood')?.questions[0]?.evidence).toEqual(['Nobody was hurt.']);
		expect(authorList(app.ctx).kits).toContainEqual({
			slug: 'the-flood',
			title: 'The Flood',
			draft: true
		});
	});

	it('keeps the teacher’s YAML comments through an edit', () => {
		const files = readKitFiles(kitsDir, 'gettysburg-address')!;
		const kit = parse(files.kit) as { questions: { notes?: string }[] };
		kit.questions[0]!.notes = 'A new note.';
		const { meta, body } = splitReading(files.reading);
		const saved = saveFromEditor(app.ctx, {
			slug: 'gettysburg-address',
			isNew: false,
			meta,
			body,
			kit
		});
		expect(saved.ok).toBe(true);
		const after = readKitFiles(kitsDir, 'gettysburg-address')!.kit;
		expect(after).toContain('# A public-domain speech: no publisher, no source URL.');
		expect(after).toContain('notes: A new note.');
		// Only the line of the changed value differs.
		const was = files.kit.split('\n');
		const now = after.split('\n');
		expect(now.filter((l, n) => l !== was[n])).toEqual(['    notes: A new note.']);
	});

	it('leaves a session already running with the items it started with', async () => {
		const { code, hostToken } = createSession(app.ctx, {
			kitSlug: 'the-flood',
			items: ['q:hurt'],
			settings: { ...SETTINGS, timeLimit: null }
		});
		const host = client(url);
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		const student = client(url);
		expectOk(await call(student, 'room:join', { code, nickname: 'Ada' }));

		// The teacher edits the kit: a new prompt, the answer flipped.
		const edited = { ...KIT.questions[0]!, prompt: 'Was the mayor hurt?', answer: true };
		const saved = saveFromEditor(app.ctx, {
			slug: 'the-flood',
			isNew: false,
			meta: META,
			body: BODY,
			kit: { ...KIT, questions: [edited] }
		});
		expect(saved.published).toBe(true);
		expect(app.ctx.kits.get('the-flood')?.questions[0]?.prompt).toBe('Was the mayor hurt?');

		const opened = nextEvent(student, 'room:updated', (v) => v.phase === 'open');
		expectOk(await call(host, 'host:command', { code, command: { type: 'start' } }));
		expect((await opened).item?.prompt).toBe('Was anyone hurt?');
		expectOk(
			await call(student, 'answer:submit', {
				code,
				item: 0,
				response: { type: 'truefalse', value: false }
			})
		);
		const revealed = nextEvent(student, 'me:updated', (m) => m.correct === 1);
		const revealView = nextEvent(student, 'room:updated', (v) => v.phase === 'revealed');
		await call(host, 'host:command', { code, command: { type: 'close' } });
		expectOk(await call(host, 'host:command', { code, command: { type: 'reveal' } }));
		expect((await revealed).correct).toBe(1);
		expect((await revealView).reveal?.explanation).toBe('Nobody was.');

		// A session started after the edit has the new version.
		const next = createSession(app.ctx, {
			kitSlug: 'the-flood',
			items: ['q:hurt'],
			settings: SETTINGS
		});
		const watcher = client(url);
		const joined = expectOk(await call(watcher, 'room:join', { code: next.code, nickname: 'Bo' }));
		expect(joined.view.kitSlug).toBe('the-flood');
	});
});
