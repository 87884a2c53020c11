/**
 * Browser side of a live room: one Socket.IO connection per page, opened in `$effect` and closed
 * in its cleanup (never at module top level, which would run during SSR). The client replaces its
 * snapshot from the server; it never merges or guesses.
 */
import { io, type Socket } from 'socket.io-client';
import type {
	Ack,
	ClientToServerEvents,
	HostAttached,
	JoinCheck,
	Joined,
	ServerToClientEvents
} from '$lib/protocol';
import { ERROR_MESSAGES, MAX_NICKNAME } from '$lib/messages';
import type { HostView, MyAnswer, MyView, PublicView, RosterRow, ScreenView } from '$lib/room/view';
import { markAnswered, mergeRoster } from './roster';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Link = 'connecting' | 'online' | 'offline';

function openSocket(): ClientSocket {
	return io({ transports: ['websocket', 'polling'], reconnectionDelayMax: 4000 });
}

function emit<T>(
	socket: ClientSocket,
	event: keyof ClientToServerEvents,
	payload: unknown
): Promise<Ack<T>> {
	return new Promise((resolve) => {
		(socket.emit as (e: string, p: unknown, cb: (r: Ack<T>) => void) => void)(
			event,
			payload,
			resolve
		);
	});
}

/** Offset between the server's clock and ours, from the `serverNow` stamp of each view. */
class Clock {
	offset = $state.raw(0);
	sync(serverNow: number) {
		this.offset = serverNow - Date.now();
	}
	now() {
		return Date.now() + this.offset;
	}
}

const TOKEN_KEY = (code: string) => `quorum:student:${code}`;
const DEVICE_KEY = 'quorum:device';

/**
 * This browser's device id, made once and kept: sent with a join so that a removed student is
 * not let back in under a new name (a speed bump, not a wall: a private window is a new device).
 */
function deviceId(): string {
	let id = localStorage.getItem(DEVICE_KEY);
	if (!id) {
		const bytes = crypto.getRandomValues(new Uint8Array(18));
		id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
		localStorage.setItem(DEVICE_KEY, id);
	}
	return id;
}

export class StudentRoom {
	view = $state.raw<PublicView | null>(null);
	me = $state.raw<MyView | null>(null);
	link = $state.raw<Link>('connecting');
	error = $state.raw<string | null>(null);
	removed = $state.raw(false);
	/** The last join was refused for want of the projector's join check: ask for it. */
	needsCheck = $state.raw(false);
	clock = new Clock();
	private socket: ClientSocket | null = null;

	constructor(readonly code: string) {}

	/** Key of my private review link (never my rejoin token); null before joining. */
	reviewKey = $state.raw<string | null>(null);
	/** My resume code: typed on another device, it takes my place there. */
	resumeCode = $state.raw<string | null>(null);

	get hasToken() {
		return (
			typeof localStorage !== 'undefined' && localStorage.getItem(TOKEN_KEY(this.code)) !== null
		);
	}

	/** Opens the connection; resumes with the stored token if there is one. Returns the cleanup. */
	connect(): () => void {
		const socket = openSocket();
		this.socket = socket;
		socket.on('connect', () => {
			this.link = 'online';
			if (this.hasToken) void this.resume();
		});
		socket.on('disconnect', () => (this.link = 'offline'));
		// Only this room's views, and nothing once the teacher has removed this student.
		socket.on('room:updated', (v) => {
			if (v.code === this.code && !this.removed) this.setView(v);
		});
		socket.on('me:updated', (m) => {
			if (!this.removed) this.me = m;
		});
		socket.on('me:removed', () => {
			localStorage.removeItem(TOKEN_KEY(this.code));
			this.removed = true;
			this.me = null;
		});
		return () => {
			socket.disconnect();
			this.socket = null;
		};
	}

	private setView(v: PublicView) {
		this.clock.sync(v.serverNow);
		this.view = v;
	}

	private accept(data: Joined) {
		localStorage.setItem(TOKEN_KEY(this.code), data.token);
		this.reviewKey = data.reviewKey;
		this.resumeCode = data.resumeCode;
		this.setView(data.view);
		this.me = data.me;
		this.error = null;
	}

	private async resume() {
		const token = localStorage.getItem(TOKEN_KEY(this.code));
		if (!this.socket || !token) return;
		// A device that came in with a resume code keeps that code as its secret.
		const secret = token.length < 20 ? { resume: token } : { token };
		const r = await emit<Joined>(this.socket, 'room:join', {
			code: this.code,
			...secret,
			device: deviceId()
		});
		if (r.ok) return this.accept(r.data);
		if (r.error === 'bad_token' || r.error === 'bad_resume' || r.error === 'removed')
			localStorage.removeItem(TOKEN_KEY(this.code));
		if (r.error === 'removed') this.removed = true;
		this.error = r.message;
	}

	/** Takes my place from another device with my resume code. */
	async resumeWith(resume: string): Promise<boolean> {
		if (!this.socket) return false;
		const r = await emit<Joined>(this.socket, 'room:join', {
			code: this.code,
			resume,
			device: deviceId()
		});
		if (!r.ok) {
			this.error = r.message;
			return false;
		}
		this.accept(r.data);
		return true;
	}

	async join(nickname: string, check?: string): Promise<boolean> {
		if (!this.socket) return false;
		// Said here, so a pasted essay never travels (the server says the same of 25 characters).
		if ([...nickname].length > MAX_NICKNAME) {
			this.error = ERROR_MESSAGES.nickname_long ?? null;
			return false;
		}
		const r = await emit<Joined>(this.socket, 'room:join', {
			code: this.code,
			nickname,
			device: deviceId(),
			...(check ? { check } : {})
		});
		if (!r.ok) {
			if (r.error === 'join_check') this.needsCheck = true;
			if (r.error === 'removed') this.removed = true;
			this.error = r.message;
			return false;
		}
		this.accept(r.data);
		return true;
	}

	/** Resolves with null when saved, or the human reason it was not. */
	async answer(item: number, response: unknown): Promise<string | null> {
		if (!this.socket?.connected)
			return 'You are offline. Your answer was not sent; try again when reconnected.';
		const r = await emit<MyAnswer | MyView>(this.socket, 'answer:submit', {
			code: this.code,
			item,
			response
		});
		if (r.ok) {
			// Live: the changed fields; homework: the whole view.
			if (this.me) this.me = { ...this.me, ...r.data };
			return null;
		}
		return r.message;
	}

	/** Homework: on to my next item. */
	async advance(): Promise<string | null> {
		if (!this.socket?.connected) return 'You are offline; try again when reconnected.';
		const r = await emit<MyView>(this.socket, 'homework:advance', { code: this.code });
		if (r.ok) this.me = r.data;
		return r.ok ? null : r.message;
	}

	async upvote(responseId: string): Promise<string | null> {
		if (!this.socket) return 'You are offline.';
		const r = await emit<null>(this.socket, 'response:upvote', { code: this.code, responseId });
		if (r.ok && this.me) this.me = { ...this.me, upvoted: [...this.me.upvoted, responseId] };
		return r.ok ? null : r.message;
	}

	forget() {
		localStorage.removeItem(TOKEN_KEY(this.code));
	}
}

const HOST_KEY = (code: string) => `quorum:host:${code}`;

export class HostRoom {
	view = $state.raw<HostView | null>(null);
	/** Every student, in joining order: whole at attach, then patched with the rows that change. */
	roster = $state.raw<RosterRow[]>([]);
	/** For the projector link: lets a screen watch, grants nothing else. */
	screenKey = $state.raw<string | null>(null);
	link = $state.raw<Link>('connecting');
	error = $state.raw<string | null>(null);
	clock = new Clock();
	private socket: ClientSocket | null = null;

	constructor(readonly code: string) {}

	/** The host token arrives once in the URL fragment, then lives in this browser's storage. */
	static takeToken(code: string): string | null {
		const m = /key=([\w-]+)/.exec(location.hash);
		if (m?.[1]) {
			localStorage.setItem(HOST_KEY(code), m[1]);
			history.replaceState(null, '', location.pathname);
		}
		return localStorage.getItem(HOST_KEY(code));
	}

	connect(token: string): () => void {
		const socket = openSocket();
		this.socket = socket;
		socket.on('connect', async () => {
			this.link = 'online';
			const r = await emit<HostAttached>(socket, 'host:attach', {
				code: this.code,
				hostToken: token
			});
			if (r.ok) {
				const { roster, screenKey, ...view } = r.data;
				this.screenKey = screenKey;
				this.roster = roster;
				this.set(view);
			} else this.error = r.message;
		});
		socket.on('disconnect', () => (this.link = 'offline'));
		socket.on('host:updated', (v) => this.set(v));
		socket.on('host:roster', (rows) => (this.roster = mergeRoster(this.roster, rows)));
		socket.on(
			'host:answered',
			({ item, ids }) => (this.roster = markAnswered(this.roster, item, ids))
		);
		return () => socket.disconnect();
	}

	private set(v: HostView) {
		this.clock.sync(v.serverNow);
		this.view = v;
		this.error = null;
	}

	async command(command: Record<string, unknown>): Promise<string | null> {
		if (!this.socket) return 'Not connected.';
		const r = await emit<null>(this.socket, 'host:command', { code: this.code, command });
		if (!r.ok) this.error = r.message;
		return r.ok ? null : r.message;
	}
}

export class ScreenRoom {
	view = $state.raw<ScreenView | null>(null);
	link = $state.raw<Link>('connecting');
	error = $state.raw<string | null>(null);
	clock = new Clock();
	private socket: ClientSocket | null = null;

	/** The join check to show now (null: the teacher has it off, or not watching yet). */
	async joinCheck(): Promise<JoinCheck | null> {
		if (!this.socket?.connected || !this.view) return null;
		const r = await emit<JoinCheck>(this.socket, 'screen:check', { code: this.code });
		return r.ok ? r.data : null;
	}

	constructor(readonly code: string) {}

	/** The projector key arrives in the link's fragment once, then lives in this browser. */
	static takeKey(code: string): string | null {
		const m = /key=([\w-]+)/.exec(location.hash);
		if (m?.[1]) {
			localStorage.setItem(`quorum:screen:${code}`, m[1]);
			history.replaceState(null, '', location.pathname);
		}
		return localStorage.getItem(`quorum:screen:${code}`);
	}

	connect(key: string): () => void {
		const socket = openSocket();
		this.socket = socket;
		socket.on('connect', async () => {
			this.link = 'online';
			const r = await emit<ScreenView>(socket, 'screen:watch', { code: this.code, key });
			if (r.ok) this.set(r.data);
			else this.error = r.message;
		});
		socket.on('disconnect', () => (this.link = 'offline'));
		socket.on('screen:updated', (v) => this.set(v));
		return () => socket.disconnect();
	}

	private set(v: ScreenView) {
		this.clock.sync(v.serverNow);
		this.view = v;
	}
}

/** Seconds left until `deadline` (server ms), ticking; null when there is no deadline. */
export class Countdown {
	left = $state.raw<number | null>(null);
	constructor(
		private clock: Clock,
		private deadline: () => number | null,
		private paused: () => boolean
	) {}
	run(): () => void {
		const tick = () => {
			const d = this.deadline();
			if (d === null || this.paused()) return void (this.left = this.paused() ? this.left : null);
			this.left = Math.max(0, Math.ceil((d - this.clock.now()) / 1000));
		};
		tick();
		const t = setInterval(tick, 250);
		return () => clearInterval(t);
	}
}
