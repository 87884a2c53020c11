/** A real Quorum server on port 0 with SQLite in a temp file, and real socket.io-client sockets. */
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { startApp, type App } from '../../src/lib/server/app';
import type { SqliteRepository } from '../../src/lib/server/db';
import { now } from '../../src/lib/server/repository';
import type { LimitConfig } from '../../src/lib/server/limits';
import { createSession, defaultItems } from '../../src/lib/server/sessions';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../src/lib/protocol';
import type { Settings } from '../../src/lib/room/types';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
	app: App;
	/** The server's SQLite store, answering synchronously. */
	repo: SqliteRepository;
	http: Server;
	url: string;
	dbFile: string;
	stop(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port`. A restart asks for the port the stopped server had, so its clients
 * reconnect to the same URL; in the moment between, another test file's client (or a reconnecting
 * socket connecting to itself) can hold that number as its own end. That passes: try again for up
 * to 5 s, then fail with the error rather than hang.
 */
async function listen(http: Server, port: number): Promise<void> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
			const failed = (e: NodeJS.ErrnoException) => resolve(e);
			http.once('error', failed);
			http.listen(port, '127.0.0.1', () => {
				http.off('error', failed);
				resolve(null);
			});
		});
		if (!error) return;
		if (port === 0 || error.code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
		console.warn(`port ${port} is held for now (${error.code}); trying again`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

export async function startServer(
	dbFile = join(mkdtempSync(join(tmpdir(), 'quorum-it-')), 'test.db'),
	port = 0,
	options: {
		spread?: { above: number; slice: number };
		limits?: LimitConfig;
		/** The rooms' clock (default `Date.now`). */
		clock?: () => number;
	} = {}
): Promise<TestServer> {
	const http = createServer((_req, res) => res.writeHead(404).end());
	const app = startApp(http, { dbFile, kitsDir: 'quizzes', ...options });
	await listen(http, port);
	const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
	return {
		app,
		repo: app.ctx.repo as SqliteRepository,
		http,
		url,
		dbFile,
		async stop() {
			http.closeAllConnections();
			await app.close();
			await new Promise<void>((resolve) => http.close(() => resolve()));
		}
	};
}

export const SETTINGS: Settings = {
	timeLimit: 20,
	speedScoring: true,
	leaderboard: true,
	showNames: false
};

export function newSession(server: TestServer, settings: Partial<Settings> = {}, items?: string[]) {
	const kitSlug = 'hitting-rock-bottom';
	return now(
		createSession(server.app.ctx, {
			kitSlug,
			items: items ?? defaultItems(server.app.ctx, kitSlug),
			settings: { ...SETTINGS, ...settings }
		})
	);
}

const clients: Client[] = [];

export function client(url: string, extraHeaders?: Record<string, string>): Client {
	const s: Client = connect(url, {
		transports: ['websocket'],
		extraHeaders,
		reconnection: true,
		reconnectionDelay: 50,
		reconnectionDelayMax: 200
	});
	clients.push(s);
	return s;
}

export function closeClients() {
	for (const c of clients.splice(0)) c.disconnect();
}

/** Emits and resolves with the ack. */
export function call<E extends keyof ClientToServerEvents>(
	s: Client,
	event: E,
	payload: Parameters<ClientToServerEvents[E]>[0]
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
	return new Promise((resolve) => {
		(s.emit as (e: string, p: unknown, cb: (r: unknown) => void) => void)(
			event,
			payload,
			(r: unknown) => resolve(r as never)
		);
	});
}

export function expectOk<T>(r: Ack<T>): T {
	if (!r.ok) throw new Error(`expected ok, got ${r.error}: ${r.message}`);
	return r.data;
}

export function nextEvent<E extends keyof ServerToClientEvents>(
	s: Client,
	event: E,
	where: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
	timeout = 5000
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`timed out waiting for ${String(event)}`)),
			timeout
		);
		const handler = (...args: Parameters<ServerToClientEvents[E]>) => {
			if (!where(...args)) return;
			clearTimeout(timer);
			(s.off as (e: string, h: unknown) => void)(event, handler);
			resolve(args[0]);
		};
		(s.on as (e: string, h: unknown) => void)(event, handler);
	});
}

/** Resolves once `ok()` holds, checking every 10 ms; rejects after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!ok()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** Records every payload a socket receives, for inspection. */
export function record(s: Client): { event: string; payload: unknown }[] {
	const log: { event: string; payload: unknown }[] = [];
	s.onAny((event: string, payload: unknown) => log.push({ event, payload }));
	return log;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
