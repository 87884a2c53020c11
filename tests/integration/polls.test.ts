/**
 * Polls over real sockets: 30 students, a host and a projector run a before/after pair, a scale,
 * a choice, a word cloud and an open poll with moderation and upvotes, across two server restarts.
 * Every payload students and the projector receive is recorded and inspected for what must never
 * reach them: hidden or pending responses, other students' ids, nicknames or individual votes.
 */
import { hashToken } from '../../src/lib/server/tokens';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	call,
	client,
	closeClients,
	expectOk,
	newSession,
	nextEvent,
	record,
	startServer,
	type Client,
	type TestServer
} from './harness';
import type { HostView, ScreenView } from '../../src/lib/room/view';
import type { HostAttached } from '../../src/lib/protocol';
import type { OpenResponseView, PollResults } from '../../src/lib/room/polls';
import type { PollResponse } from '../../src/lib/room/types';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	closeClients();
	await server.stop();
});
afterEach(() => closeClients());

type Log = ReturnType<typeof record>;
type Scale = 1 | 2 | 3 | 4 | 5;

const N = 30;
const ITEMS = [
	'p:bold-or-self-defeating:before',
	'p:only-way-is-up',
	'p:main-trigger',
	'p:relations-in-one-word',
	'p:bold-or-self-defeating-why',
	'p:bold-or-self-defeating:after'
];
const [BEFORE, SCALE, CHOICE, CLOUD, OPEN, AFTER] = [0, 1, 2, 3, 4, 5] as const;

// Pair: 0–9 move toward agree (2 → 4), 10–14 toward disagree (4 → 1), 15–29 stay (3 → 3).
const before = (k: number): Scale => (k < 10 ? 2 : k < 15 ? 4 : 3);
const after = (k: number): Scale => (k < 10 ? 4 : k < 15 ? 1 : 3);
// Scale: 3 × 1, 5 × 2, 8 × 3, 10 × 4, 4 × 5.
const scale = (k: number): Scale => (k < 3 ? 1 : k < 8 ? 2 : k < 16 ? 3 : k < 26 ? 4 : 5);
// Choice (single): 12 × A, 0 × B, 8 × C, 7 × D, 3 × E.
const choice = (k: number) => (k < 12 ? 0 : k < 20 ? 2 : k < 27 ? 3 : 4);
// Word cloud: "Frozen"/"frozen!" fold to "frozen" (15), "Cold Wars"/"cold war" to "cold war" (10).
const word = (k: number) =>
	k < 10 ? 'Frozen' : k < 15 ? 'frozen!' : k < 18 ? 'Cold Wars' : k < 25 ? 'cold war' : 'Hostile.';
// Open: students 0–27 respond; 0–9 approved, 10 highlighted, 11 hidden, 12–27 stay pending.
const RESPONDERS = 28;
const marker = (k: number) => `ZQ${k}X`;
const openText = (k: number) =>
	`Reason ${k}: the break was ${k % 2 ? 'a gamble that backfired' : 'a calculated plan'} ${marker(k)}`;
const side = (k: number) => (k % 2 ? 'against' : 'for') as 'for' | 'against';
const HIDDEN = 11;
const HIGHLIGHTED = 10;
const PENDING = Array.from({ length: RESPONDERS - 12 }, (_, i) => 12 + i);

const nickname = (k: number) => `Pupil ${String(k + 1).padStart(2, '0')}`;

function counts(values: number[], size: number): number[] {
	const c = Array.from({ length: size }, () => 0);
	for (const v of values) c[v]! += 1;
	return c;
}
/** Expected word-cloud tally of the given voters (folding done by hand, not by the code under test). */
function words(ks: number[]) {
	const fold: Record<string, string> = {
		Frozen: 'frozen',
		'frozen!': 'frozen',
		'Cold Wars': 'cold war',
		'cold war': 'cold war',
		'Hostile.': 'hostile'
	};
	const c = new Map<string, number>();
	for (const k of ks) c.set(fold[word(k)]!, (c.get(fold[word(k)]!) ?? 0) + 1);
	return [...c]
		.map(([w, count]) => ({ word: w, count }))
		.sort((a, b) => b.count - a.count || a.word.localeCompare(b.word));
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

interface Student {
	k: number;
	socket: Client;
	token: string;
	id: string;
	responseId?: string;
}

describe('polls over real sockets', () => {
	it('30 students vote, argue, upvote; tallies, moderation, privacy and restarts hold', async () => {
		const { code, hostToken } = newSession(
			server,
			{ timeLimit: null, leaderboard: false, showNames: false },
			ITEMS
		);
		const logs: Log[][] = range(N).map(() => []);
		const screenLogs: Log[] = [];
		const hostLogs: Log[] = [];

		let host = client(server.url);
		hostLogs.push(record(host));
		expectOk(await call(host, 'host:attach', { code, hostToken }));
		let screen = client(server.url);
		screenLogs.push(record(screen));
		expectOk(await call(screen, 'screen:watch', { code, key: hashToken(hostToken) }));
		const students: Student[] = [];
		for (const k of range(N)) {
			const socket = client(server.url);
			logs[k]!.push(record(socket));
			const r = expectOk(await call(socket, 'room:join', { code, nickname: nickname(k) }));
			students.push({ k, socket, token: r.token, id: r.participantId });
		}
		const cmd = async (type: 'start' | 'close' | 'reveal' | 'next') =>
			expectOk(await call(host, 'host:command', { code, command: { type } }));
		const submit = (s: Student, item: number, response: PollResponse) =>
			call(s.socket, 'answer:submit', { code, item, response });

		/**
		 * Opens `item`, runs `refusals` while it is open, lets all but the last student vote, checks
		 * the live tallies the host and projector get after the throttle, then the last vote, which
		 * closes the poll by itself; the reveal shows students the class result. The projector gets
		 * a before/after pair's tallies only at the reveal (`projectorLive: false`).
		 */
		async function runPoll(
			item: number,
			open: 'start' | 'next',
			vote: (k: number) => PollResponse,
			tally: (voters: number[]) => Partial<PollResults>,
			refusals: () => Promise<void> = async () => {},
			projectorLive = true
		) {
			const opened = nextEvent(
				students[0]!.socket,
				'room:updated',
				(v) => v.phase === 'open' && v.current === item
			);
			await cmd(open);
			const view = await opened;
			expect(view.poll).toEqual({ responses: 0 });
			await refusals();
			const first = range(N - 1);
			const live = (v: HostView | ScreenView) =>
				v.current === item && v.phase === 'open' && v.answered === N - 1;
			const hostLive = nextEvent(host, 'host:updated', live);
			const screenLive = nextEvent(screen, 'screen:updated', live);
			const acks = await Promise.all(first.map((k) => submit(students[k]!, item, vote(k))));
			for (const [k, ack] of acks.entries()) expect(expectOk(ack).response).toEqual(vote(k));
			expect((await hostLive).poll).toEqual({ responses: N - 1, ...tally(first) });
			expect((await screenLive).poll).toEqual(
				projectorLive ? { responses: N - 1, ...tally(first) } : { responses: N - 1 }
			);

			const closed = (v: HostView | ScreenView) => v.current === item && v.phase === 'closed';
			const hostClosed = nextEvent(host, 'host:updated', closed);
			const screenClosed = nextEvent(screen, 'screen:updated', closed);
			const studentClosed = nextEvent(
				students[3]!.socket,
				'room:updated',
				(v) => v.current === item && v.phase === 'closed'
			);
			expectOk(await submit(students[N - 1]!, item, vote(N - 1)));
			expect((await hostClosed).poll).toEqual({ responses: N, ...tally(range(N)) });
			expect((await screenClosed).poll).toEqual(
				projectorLive ? { responses: N, ...tally(range(N)) } : { responses: N }
			);
			// Before the reveal students get the number of responses and nothing else.
			expect((await studentClosed).poll).toEqual({ responses: N });
			expect(await submit(students[0]!, item, vote(1))).toMatchObject({
				ok: false,
				error: 'already_answered'
			});

			const revealed = students.map((s) =>
				nextEvent(s.socket, 'room:updated', (v) => v.current === item && v.phase === 'revealed')
			);
			await cmd('reveal');
			for (const v of await Promise.all(revealed))
				expect(v.poll).toEqual({ responses: N, ...tally(range(N)) });
		}

		// 1. The pair, before the discussion.
		await runPoll(
			BEFORE,
			'start',
			(k) => ({ type: 'scale', value: before(k) }),
			(ks) => ({
				counts: counts(
					ks.map((k) => before(k) - 1),
					5
				)
			}),
			async () => {},
			false
		);
		expect(
			server.app.realtime.hub.get(code)!.state.answers[BEFORE]![students[0]!.id]!.response
		).toEqual({ type: 'scale', value: 2 });

		// 2. A scale poll.
		await runPoll(
			SCALE,
			'next',
			(k) => ({ type: 'scale', value: scale(k) }),
			(ks) => ({
				counts: counts(
					ks.map((k) => scale(k) - 1),
					5
				)
			})
		);

		// 3. A single-choice poll; wrong types and impossible picks are refused and not stored.
		await runPoll(
			CHOICE,
			'next',
			(k) => ({ type: 'choice', choices: [choice(k)] }),
			(ks) => ({ counts: counts(ks.map(choice), 5) }),
			async () => {
				for (const bad of [
					{ type: 'scale', value: 3 },
					{ type: 'wordcloud', text: 'frozen' },
					{ type: 'choice', choices: [7] },
					{ type: 'choice', choices: [0, 1] },
					{ type: 'choice', choices: [] }
				] as PollResponse[])
					expect(await submit(students[0]!, CHOICE, bad)).toMatchObject({
						ok: false,
						error: 'invalid_response'
					});
				expect(server.app.realtime.hub.get(code)!.state.answers[CHOICE]).toBeUndefined();
			}
		);
		expect(counts(range(N).map(choice), 5)).toEqual([12, 0, 8, 7, 3]);

		// 4. The word cloud; an abusive word is refused and not stored.
		await runPoll(
			CLOUD,
			'next',
			(k) => ({ type: 'wordcloud', text: word(k) }),
			(ks) => ({ words: words(ks) }),
			async () => {
				expect(
					await submit(students[0]!, CLOUD, { type: 'wordcloud', text: 'fuck' })
				).toMatchObject({ ok: false, error: 'text_blocked' });
				expect(server.app.realtime.hub.get(code)!.state.answers[CLOUD]).toBeUndefined();
			}
		);
		expect(words(range(N))).toEqual([
			{ word: 'frozen', count: 15 },
			{ word: 'cold war', count: 10 },
			{ word: 'hostile', count: 5 }
		]);

		// 5. The open poll: responses, a blocked one, moderation, upvotes.
		const openedOpen = nextEvent(students[0]!.socket, 'room:updated', (v) => v.current === OPEN);
		await cmd('next');
		expect((await openedOpen).poll).toEqual({ responses: 0, open: [] });
		const abusive = 'This is a fucking bold move by Moscow';
		expect(
			await submit(students[0]!, OPEN, { type: 'open', text: abusive, side: 'for' })
		).toMatchObject({ ok: false, error: 'text_blocked' });
		expect(server.app.realtime.hub.get(code)!.state.answers[OPEN]).toBeUndefined();
		expect(server.repo.loadSession(code)!.state.answers[OPEN]).toBeUndefined();

		const allPending = (v: HostView) => v.current === OPEN && v.poll?.open?.length === RESPONDERS;
		const hostAll = nextEvent(host, 'host:updated', allPending);
		await Promise.all(
			range(RESPONDERS).map(async (k) => {
				const me = expectOk(
					await submit(students[k]!, OPEN, { type: 'open', text: openText(k), side: side(k) })
				);
				expect(me.response).toEqual({ type: 'open', text: openText(k), side: side(k) });
				expect(me.responseId).toBeTruthy();
				expect(me.responseId).not.toContain(students[k]!.id);
				students[k]!.responseId = me.responseId!;
			})
		);
		const ridOf = (k: number) => students[k]!.responseId!;
		const hostPending = await hostAll;
		expect(hostPending.phase).toBe('open');
		expect(hostPending.poll?.responses).toBe(RESPONDERS);
		expect(hostPending.poll?.open?.every((r) => r.status === 'pending' && r.upvotes === 0)).toBe(
			true
		);
		expect(new Set(hostPending.poll?.open?.map((r) => r.id))).toEqual(
			new Set(range(RESPONDERS).map(ridOf))
		);
		// The host sees who wrote what; ids are opaque and never a participant id.
		for (const k of range(RESPONDERS)) {
			const r = hostPending.poll!.open!.find((x) => x.id === ridOf(k))!;
			expect(r).toMatchObject({ text: openText(k), side: side(k), author: nickname(k) });
			for (const s of students) expect(r.id).not.toBe(s.id);
		}

		// Pending responses cannot be upvoted.
		expect(
			await call(students[5]!.socket, 'response:upvote', { code, responseId: ridOf(0) })
		).toMatchObject({ ok: false, error: 'not_found' });

		// Moderation: approve 0–9, highlight 10, hide 11 (straight from pending).
		const moderate = async (k: number, status: 'approved' | 'hidden' | 'highlighted') =>
			expectOk(
				await call(host, 'host:command', {
					code,
					command: { type: 'moderate', responseId: ridOf(k), status }
				})
			);
		for (const k of range(10)) await moderate(k, 'approved');
		await moderate(HIGHLIGHTED, 'highlighted');
		// The author of a hidden response is told, in their own view and only there.
		const toldHidden = nextEvent(
			students[HIDDEN]!.socket,
			'me:updated',
			(m) => m.responseStatus === 'hidden'
		);
		await moderate(HIDDEN, 'hidden');
		expect((await toldHidden).responseId).toBe(ridOf(HIDDEN));
		expect(
			await call(host, 'host:command', {
				code,
				command: { type: 'moderate', responseId: 'no-such-response', status: 'approved' }
			})
		).toMatchObject({ ok: false, error: 'not_found' });
		expect(
			await call(students[3]!.socket, 'host:command', {
				code,
				command: { type: 'moderate', responseId: ridOf(HIDDEN), status: 'approved' }
			})
		).toMatchObject({ ok: false, error: 'not_host' });

		// Upvotes: 1–5 → response 0 (5), 20–29 → response 10 (10), 28 → response 2 (1).
		const upvote = (k: number, responseId: string) =>
			call(students[k]!.socket, 'response:upvote', { code, responseId });
		const expectedUpvotes: Record<number, number> = { 0: 5, [HIGHLIGHTED]: 10, 2: 1 };
		const upvotesSeen = (v: { current: number; poll: PollResults | null }) =>
			v.current === OPEN &&
			Object.entries(expectedUpvotes).every(
				([k, n]) => v.poll?.open?.find((r) => r.id === ridOf(Number(k)))?.upvotes === n
			);
		const hostVotes = nextEvent(host, 'host:updated', upvotesSeen);
		const screenVotes = nextEvent(screen, 'screen:updated', upvotesSeen);
		const studentVotes = nextEvent(students[29]!.socket, 'room:updated', upvotesSeen);
		await Promise.all([
			...range(5).map(async (i) => expectOk(await upvote(i + 1, ridOf(0)))),
			...range(10).map(async (i) => expectOk(await upvote(20 + i, ridOf(HIGHLIGHTED)))),
			(async () => expectOk(await upvote(28, ridOf(2))))()
		]);
		expect(await upvote(1, ridOf(0))).toMatchObject({ ok: false, error: 'already_upvoted' });
		expect(await upvote(0, ridOf(0))).toMatchObject({ ok: false, error: 'own_response' });
		expect(await upvote(HIGHLIGHTED, ridOf(HIGHLIGHTED))).toMatchObject({
			ok: false,
			error: 'own_response'
		});
		expect(await upvote(5, ridOf(HIDDEN))).toMatchObject({ ok: false, error: 'not_found' });
		expect(await upvote(5, ridOf(PENDING[0]!))).toMatchObject({ ok: false, error: 'not_found' });
		expect(await upvote(5, 'made-up-response-id')).toMatchObject({
			ok: false,
			error: 'not_found'
		});
		for (const other of [host, screen])
			expect(await call(other, 'response:upvote', { code, responseId: ridOf(0) })).toMatchObject({
				ok: false,
				error: 'not_joined'
			});

		const hostOpen = (await hostVotes).poll!.open!;
		const screenOpen = (await screenVotes).poll!.open!;
		const studentOpen = (await studentVotes).poll!.open!;
		// The host sees all 28 with their status; the projector and students the 11 visible ones.
		expect(hostOpen).toHaveLength(RESPONDERS);
		const statusOf = (k: number) =>
			k === HIGHLIGHTED ? 'highlighted' : k === HIDDEN ? 'hidden' : k < 10 ? 'approved' : 'pending';
		for (const k of range(RESPONDERS))
			expect(hostOpen.find((r) => r.id === ridOf(k))).toMatchObject({
				status: statusOf(k),
				upvotes: expectedUpvotes[k] ?? 0
			});
		const visible = range(11);
		const expectedVisible = (withAuthor: boolean): OpenResponseView[] =>
			visible
				.map((k) => ({
					id: ridOf(k),
					text: openText(k),
					side: side(k),
					upvotes: expectedUpvotes[k] ?? 0,
					status: statusOf(k) as OpenResponseView['status'],
					...(withAuthor ? { author: nickname(k) } : {})
				}))
				.sort(
					(a, b) =>
						Number(b.status === 'highlighted') - Number(a.status === 'highlighted') ||
						b.upvotes - a.upvotes ||
						a.id.localeCompare(b.id)
				);
		expect(screenOpen).toEqual(expectedVisible(false));
		expect(studentOpen).toEqual(expectedVisible(false));
		expect(studentOpen[0]!.status).toBe('highlighted');
		expect(studentOpen[1]!.id).toBe(ridOf(0));

		// 6. Restart while the open poll is open: everything above comes back from SQLite.
		const hostBefore = (await snapshotHost()).poll;
		const screenBefore = (await snapshotScreen()).poll;
		await restart();
		await reattach();
		expect((await snapshotHost()).poll).toEqual(hostBefore);
		expect((await snapshotScreen()).poll).toEqual(screenBefore);
		const back = await rejoinAll();
		for (const [k, b] of back.entries()) {
			expect(b.view.phase).toBe('open');
			expect(b.view.poll?.open).toEqual(expectedVisible(false));
			expect(b.me.score).toBe(0);
			if (k < RESPONDERS) {
				expect(b.me.response).toEqual({ type: 'open', text: openText(k), side: side(k) });
				expect(b.me.responseId).toBe(ridOf(k));
			} else expect(b.me.response).toBeNull();
			const mine = Object.entries(expectedUpvotes).flatMap(([target]) => {
				const t = Number(target);
				const voters =
					t === 0
						? range(5).map((i) => i + 1)
						: t === HIGHLIGHTED
							? range(10).map((i) => 20 + i)
							: [28];
				return voters.includes(k) ? [ridOf(t)] : [];
			});
			expect(new Set(b.me.upvoted)).toEqual(new Set(mine));
		}
		expect(await upvote(1, ridOf(0))).toMatchObject({ ok: false, error: 'already_upvoted' });
		expect(await upvote(28, ridOf(2))).toMatchObject({ ok: false, error: 'already_upvoted' });
		expect(await upvote(5, ridOf(HIDDEN))).toMatchObject({ ok: false, error: 'not_found' });
		expect(
			await submit(students[0]!, OPEN, { type: 'open', text: 'Another try', side: 'for' })
		).toMatchObject({ ok: false, error: 'already_answered' });
		// Upvotes keep counting after the restart.
		const more = nextEvent(
			screen,
			'screen:updated',
			(v) => v.poll?.open?.find((r) => r.id === ridOf(2))?.upvotes === 2
		);
		expectOk(await upvote(29, ridOf(2)));
		await more;
		expectedUpvotes[2] = 2;

		// Close and reveal the open poll: students still see only approved and highlighted ones.
		await cmd('close');
		const openRevealed = nextEvent(
			students[12]!.socket,
			'room:updated',
			(v) => v.current === OPEN && v.phase === 'revealed'
		);
		await cmd('reveal');
		expect((await openRevealed).poll).toEqual({
			responses: RESPONDERS,
			open: expectedVisible(false)
		});

		// 7. The pair, after the discussion: half vote, the server restarts, the rest vote.
		const openedAfter = nextEvent(students[0]!.socket, 'room:updated', (v) => v.current === AFTER);
		await cmd('next');
		const afterView = await openedAfter;
		expect(afterView.item).toMatchObject({ kind: 'poll', type: 'pair', round: 'after' });
		expect(afterView.poll).toEqual({ responses: 0 });
		const early = range(15).map((i) => i * 2);
		await Promise.all(
			early.map(async (k) =>
				expectOk(await submit(students[k]!, AFTER, { type: 'scale', value: after(k) }))
			)
		);
		await restart();
		await reattach();
		const again = await rejoinAll();
		for (const [k, b] of again.entries()) {
			expect(b.me.item).toBe(AFTER);
			expect(b.me.response).toEqual(early.includes(k) ? { type: 'scale', value: after(k) } : null);
			expect(b.view.poll).toEqual({ responses: 15 });
		}
		const hostAfter = await snapshotHost();
		expect(hostAfter.answered).toBe(15);
		// Live, the host already sees the movement of those who voted twice.
		expect(hostAfter.poll?.shift).toEqual({
			towardAgree: early.filter((k) => k < 10).length,
			towardDisagree: early.filter((k) => k >= 10 && k < 15).length,
			stayed: early.filter((k) => k >= 15).length,
			before: [0, 10, 15, 5, 0]
		});
		const rest = range(N).filter((k) => !early.includes(k));
		const closedHost = nextEvent(host, 'host:updated', (v) => v.phase === 'closed');
		const closedScreen = nextEvent(screen, 'screen:updated', (v) => v.phase === 'closed');
		const closedStudent = nextEvent(
			students[1]!.socket,
			'room:updated',
			(v) => v.phase === 'closed'
		);
		await Promise.all(
			rest.map(async (k) =>
				expectOk(await submit(students[k]!, AFTER, { type: 'scale', value: after(k) }))
			)
		);
		const shift = { towardAgree: 10, towardDisagree: 5, stayed: 15, before: [0, 10, 15, 5, 0] };
		const afterCounts = [5, 0, 15, 10, 0];
		expect((await closedHost).poll).toEqual({ responses: N, counts: afterCounts, shift });
		// The projector shows the pair only at the reveal.
		expect((await closedScreen).poll).toEqual({ responses: N });
		expect((await closedStudent).poll).toEqual({ responses: N });
		const revealedAll = students.map((s) =>
			nextEvent(s.socket, 'room:updated', (v) => v.current === AFTER && v.phase === 'revealed')
		);
		const screenRevealed = nextEvent(screen, 'screen:updated', (v) => v.phase === 'revealed');
		await cmd('reveal');
		for (const v of await Promise.all(revealedAll))
			expect(v.poll).toEqual({ responses: N, counts: afterCounts, shift });
		expect((await screenRevealed).poll).toEqual({ responses: N, counts: afterCounts, shift });

		// Polls never move points.
		const finalHost = await snapshotHost();
		expect(finalHost.roster).toHaveLength(N);
		expect(finalHost.roster.every((p) => p.score === 0 && p.correct === 0)).toBe(true);
		const state = server.app.realtime.hub.get(code)!.state;
		expect(Object.values(state.participants).every((p) => p.score === 0)).toBe(true);
		for (const item of [BEFORE, SCALE, CHOICE, OPEN, AFTER])
			expect(Object.values(state.answers[item] ?? {}).every((a) => a.points === 0)).toBe(true);
		expect(Object.keys(state.answers[BEFORE]!)).toHaveLength(N);
		expect(Object.keys(state.answers[OPEN]!)).toHaveLength(RESPONDERS);

		// 8. What reached students and the projector, across all sockets and both restarts.
		const ids = students.map((s) => s.id);
		const hiddenText = marker(HIDDEN);
		const pendingTexts = PENDING.map(marker);
		// The same search finds all of it in what the host received: the checks below can fail.
		const hostJson = JSON.stringify(hostLogs.flat());
		expect(hostJson).toContain(hiddenText);
		for (const t of pendingTexts) expect(hostJson).toContain(t);
		for (const id of ids) expect(hostJson).toContain(id);
		for (const k of range(N)) expect(hostJson).toContain(nickname(k));
		const screenJson = screenLogs.flat().map((e) => JSON.stringify(e.payload));
		expect(screenJson.length).toBeGreaterThan(10);
		for (const json of screenJson) {
			for (const id of ids) expect(json).not.toContain(id);
			for (const k of range(N)) expect(json).not.toContain(nickname(k));
			expect(json).not.toContain(hiddenText);
			for (const t of pendingTexts) expect(json).not.toContain(t);
			expect(json).not.toMatch(/"author"|"roster"|"participantId"/);
		}
		for (const k of range(N)) {
			const entries = logs[k]!.flat();
			expect(entries.length).toBeGreaterThan(10);
			for (const { event, payload } of entries) {
				const json = JSON.stringify(payload);
				for (const [j, id] of ids.entries()) if (j !== k) expect(json).not.toContain(id);
				for (const j of range(N)) if (j !== k) expect(json).not.toContain(nickname(j));
				expect(json).not.toMatch(/"author"|"roster"|"participantId"/);
				// Only the author's own `me` carries their own hidden or pending text.
				const own = event === 'me:updated';
				if (!(own && k === HIDDEN)) expect(json).not.toContain(hiddenText);
				for (const [i, t] of pendingTexts.entries())
					if (!(own && k === PENDING[i])) expect(json).not.toContain(t);
				// Class results of a poll only after its reveal.
				if (event === 'room:updated') {
					const v = payload as { phase: string; poll: PollResults | null };
					if (v.poll && v.phase !== 'revealed') {
						expect(v.poll.counts).toBeUndefined();
						expect(v.poll.words).toBeUndefined();
						expect(v.poll.shift).toBeUndefined();
					}
				}
			}
		}

		async function snapshotHost(): Promise<HostAttached> {
			const h = client(server.url);
			return expectOk(await call(h, 'host:attach', { code, hostToken }));
		}
		async function snapshotScreen(): Promise<ScreenView> {
			const v = client(server.url);
			screenLogs.push(record(v));
			return expectOk(await call(v, 'screen:watch', { code, key: hashToken(hostToken) }));
		}
		async function restart() {
			const port = Number(new URL(server.url).port);
			const dbFile = server.dbFile;
			closeClients();
			await server.stop();
			server = await startServer(dbFile, port);
		}
		async function reattach() {
			host = client(server.url);
			hostLogs.push(record(host));
			expectOk(await call(host, 'host:attach', { code, hostToken }));
			screen = client(server.url);
			screenLogs.push(record(screen));
			expectOk(await call(screen, 'screen:watch', { code, key: hashToken(hostToken) }));
		}
		async function rejoinAll() {
			return Promise.all(
				students.map(async (s) => {
					s.socket = client(server.url);
					logs[s.k]!.push(record(s.socket));
					const r = expectOk(await call(s.socket, 'room:join', { code, token: s.token }));
					expect(r.participantId).toBe(s.id);
					return r;
				})
			);
		}
	});
});
