/**
 * What each role may see. Security first: before the reveal nothing a student or the projector
 * receives says which answer is right; no student view carries another participant's id; hidden
 * and pending open responses reach only the host. Then the projections themselves.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LoadedPoll, LoadedQuestion } from '../../src/lib/kit/types';
import { createRoom, step } from '../../src/lib/room/machine';
import type { AnyResponse, Command, RoomItem, RoomState, Settings } from '../../src/lib/room/types';
import {
	countable,
	hostView,
	rosterRows,
	myView,
	publicView,
	screenView,
	standings
} from '../../src/lib/room/view';
import { createKitLibrary } from '../../src/lib/server/kit/registry';

const kit = createKitLibrary(fileURLToPath(new URL('../../quizzes', import.meta.url))).get(
	'hitting-rock-bottom'
)!;

const question = (id: string): LoadedQuestion => {
	const q = kit.questions.find((x) => x.id === id);
	if (!q) throw new Error(`no question ${id}`);
	return q;
};
const poll = (id: string): LoadedPoll => {
	const p = kit.polls.find((x) => x.id === id);
	if (!p) throw new Error(`no poll ${id}`);
	return p;
};
const q = (id: string): RoomItem => ({ kind: 'question', question: question(id) });
const p = (id: string, round: 'before' | 'after' | null = null): RoomItem => ({
	kind: 'poll',
	poll: poll(id),
	round
});

const T0 = 1_700_000_000_000;
const SETTINGS: Settings = {
	timeLimit: 30,
	speedScoring: true,
	leaderboard: true,
	showNames: false
};
/** Participant ids distinctive enough that a substring search cannot hit anything else. */
const ID = (n: number) => `pid-7f3a9c-${n}`;

function room(items: RoomItem[], settings: Partial<Settings> = {}): RoomState {
	return createRoom({
		seed: 'test-seed',
		code: 'QRM234',
		kitSlug: kit.slug,
		kitTitle: kit.meta.title,
		settings: { ...SETTINGS, ...settings },
		items,
		now: T0
	});
}

function run(state: RoomState, cmd: Command, now = T0): RoomState {
	const r = step(state, cmd, now);
	if (!r.ok) throw new Error(`${cmd.type} refused: ${r.error}`);
	return r.state;
}

function started(items: RoomItem[], n: number, settings: Partial<Settings> = {}): RoomState {
	let s = room(items, settings);
	for (let i = 1; i <= n; i++)
		s = run(s, { type: 'join', participantId: ID(i), nickname: `Student ${i}` });
	return run(s, { type: 'start' });
}

const answer = (
	participantId: string,
	item: number,
	response: AnyResponse,
	responseId?: string
): Command => ({ type: 'answer', participantId, item, response, responseId });

const LETTERS = 'ABCDEFGH';

/** Right (displayed terms) and wrong responses for a question item. */
function responses(item: Extract<RoomItem, { kind: 'question' }>): {
	right: AnyResponse;
	wrong: AnyResponse;
} {
	const qq = item.question;
	switch (qq.type) {
		case 'single': {
			const k = LETTERS.indexOf(qq.answer);
			return {
				right: { type: 'single', choice: k },
				wrong: { type: 'single', choice: (k + 1) % qq.choices.length }
			};
		}
		case 'multiple':
			return {
				right: { type: 'multiple', choices: qq.answer.map((l) => LETTERS.indexOf(l)) },
				wrong: {
					type: 'multiple',
					choices: qq.choices.map((_, i) => i).filter((i) => !qq.answer.includes(LETTERS[i]!))
				}
			};
		case 'truefalse':
			return {
				right: { type: 'truefalse', value: qq.answer },
				wrong: { type: 'truefalse', value: !qq.answer }
			};
		case 'ordering': {
			const perm = item.perm!;
			return {
				right: { type: 'ordering', order: qq.items.map((_, k) => perm.indexOf(k)) },
				wrong: {
					type: 'ordering',
					order: qq.items.map((_, k) => perm.indexOf(qq.items.length - 1 - k))
				}
			};
		}
		case 'short':
			return {
				right: { type: 'short', text: qq.accept[0]! },
				wrong: { type: 'short', text: 'Moscow' }
			};
		case 'numeric':
			return {
				right: { type: 'numeric', value: qq.answer },
				wrong: { type: 'numeric', value: qq.answer + 17 }
			};
	}
}

/** A string as it appears inside JSON (quotes and backslashes escaped). */
const inJson = (text: string) => JSON.stringify(text).slice(1, -1);

/** Keys that only correctness data (or other students' answers) would use. */
const FORBIDDEN_KEYS = [
	'answer',
	'accept',
	'accepted',
	'tolerance',
	'explanation',
	'evidence',
	'evidenceRefs',
	'correct',
	'correctCount',
	'distribution',
	'credit',
	'points',
	'response',
	'perm'
];

/** Everything in `json` that would give away the answer to `qq` before the reveal. */
function leaks(json: string, qq: LoadedQuestion): string[] {
	const found: string[] = [];
	const shown = [
		qq.prompt,
		...('choices' in qq ? qq.choices : []),
		...('items' in qq ? qq.items : [])
	].join('\n');
	if (json.includes(inJson(qq.explanation))) found.push('explanation');
	for (const e of qq.evidenceRefs) {
		// A quote the prompt itself cites is not a leak.
		if (!shown.includes(e.quote) && json.includes(inJson(e.quote)))
			found.push(`evidence: ${e.quote}`);
	}
	if (qq.type === 'short')
		for (const a of qq.accept)
			if (json.toLowerCase().includes(inJson(a).toLowerCase())) found.push(`accepted: ${a}`);
	if (qq.type === 'ordering' && json.includes(JSON.stringify(qq.items))) found.push('kit order');
	for (const key of FORBIDDEN_KEYS) if (json.includes(`"${key}":`)) found.push(`key ${key}`);
	if (!json.includes('"reveal":null')) found.push('reveal object');
	return found;
}

describe('SECURITY: no correctness data before the reveal', () => {
	const cases = kit.questions.map((qq) => [`${qq.type} ${qq.id}`, qq] as const);

	it('covers every question type', () => {
		expect(new Set(kit.questions.map((x) => x.type)).size).toBe(6);
	});

	it.each(cases)('%s: student and projector views stay clean until the reveal', (_, qq) => {
		let s = started([{ kind: 'question', question: qq }], 3);
		const item = s.core.items[0] as Extract<RoomItem, { kind: 'question' }>;
		const { right, wrong } = responses(item);
		const check = (label: string, state: RoomState, now: number) => {
			for (const [role, view] of [
				['student', publicView(state, now, 'student')],
				['screen', screenView(state, now)]
			] as const) {
				const json = JSON.stringify(view);
				expect(leaks(json, qq), `${label} / ${role}`).toEqual([]);
				expect(view.reveal).toBeNull();
				expect(view.item?.kind).toBe('question');
				if (qq.type === 'ordering') {
					const items = view.item?.kind === 'question' ? view.item.items : undefined;
					expect(items).toEqual(item.perm!.map((k) => qq.items[k]));
					expect(items).not.toEqual(qq.items);
				}
			}
			for (const id of [ID(1), ID(2), ID(3)]) {
				const me = myView(state, id, standings(state).ranks)!;
				expect(me.result, `${label} / me`).toBeNull();
			}
		};
		check('open, nobody answered', s, T0 + 100);
		s = run(s, answer(ID(1), 0, right), T0 + 1_000);
		s = run(s, answer(ID(2), 0, wrong), T0 + 2_000);
		check('open, two answered', s, T0 + 2_500);
		const paused = run(s, { type: 'pause' }, T0 + 3_000);
		check('paused', paused, T0 + 3_500);
		s = run(s, { type: 'close' }, T0 + 4_000);
		expect(s.core.phase).toBe('closed');
		check('closed', s, T0 + 4_500);

		// After the reveal the explanation (and the right answer) are there for everyone.
		s = run(s, { type: 'reveal' }, T0 + 5_000);
		for (const view of [publicView(s, T0 + 5_100, 'student'), screenView(s, T0 + 5_100)]) {
			expect(JSON.stringify(view)).toContain(inJson(qq.explanation));
			expect(view.reveal).not.toBeNull();
			expect(view.reveal!.correct).toEqual(
				right.type === 'multiple' ? { ...right, choices: [...right.choices].sort() } : right
			);
			expect(view.reveal!.evidence).toEqual(qq.evidenceRefs);
			expect(view.reveal!.answered).toBe(2);
			expect(view.reveal!.correctCount).toBe(1);
		}
		const me1 = myView(s, ID(1), standings(s).ranks)!;
		expect(me1.result).toEqual({ correct: true, credit: 1, points: me1.result!.points });
		expect(me1.result!.points).toBeGreaterThanOrEqual(500);
		expect(myView(s, ID(2), standings(s).ranks)!.result).toMatchObject({
			correct: false,
			credit: 0,
			points: 0
		});
		expect(myView(s, ID(3), standings(s).ranks)!.result).toEqual({
			correct: false,
			credit: 0,
			points: 0
		});
		// The leaderboard phase keeps the reveal; the end drops it.
		s = run(s, { type: 'leaderboard' }, T0 + 6_000);
		expect(publicView(s, T0 + 6_000, 'student').reveal).not.toBeNull();
		s = run(s, { type: 'end' }, T0 + 7_000);
		expect(publicView(s, T0 + 7_000, 'student').reveal).toBeNull();
		expect(publicView(s, T0 + 7_000, 'student').item).toBeNull();
	});

	it.each(cases)('%s: the leak detector does find the key in the host view', (_, qq) => {
		const host = JSON.stringify(hostView(started([{ kind: 'question', question: qq }], 1), T0));
		const found = leaks(host, qq);
		expect(found).toContain('explanation');
		expect(found).toContain('key evidenceRefs');
		if (qq.type === 'ordering') expect(found).toContain('kit order');
		else expect(found.some((f) => f === 'key answer' || f === 'key accept')).toBe(true);
	});

	it('the host sees the full item (with its key) all along', () => {
		const s = started([q('local-to-global')], 1);
		const host = hostView(s, T0);
		expect(host.fullItem).toEqual(s.core.items[0]);
		expect(JSON.stringify(host)).toContain(inJson(question('local-to-global').explanation));
	});

	it('the ordering reveal names displayed indices that put the items in the right order', () => {
		let s = started([q('sequence-of-events')], 1);
		s = run(s, { type: 'close' }, T0 + 1);
		s = run(s, { type: 'reveal' }, T0 + 2);
		const view = publicView(s, T0 + 3, 'student');
		const shown = view.item?.kind === 'question' ? view.item.items! : [];
		const order = view.reveal!.correct.type === 'ordering' ? view.reveal!.correct.order : [];
		expect(order.map((d) => shown[d])).toEqual(
			(question('sequence-of-events') as Extract<LoadedQuestion, { type: 'ordering' }>).items
		);
	});

	it('short and numeric reveals carry the accepted answers and tolerance', () => {
		let s = started([q('report-named'), q('days-before-publication')], 1);
		s = run(s, { type: 'close' }, T0 + 1);
		s = run(s, { type: 'reveal' }, T0 + 2);
		expect(publicView(s, T0, 'student').reveal).toMatchObject({
			correct: { type: 'short', text: 'Dutch Safety Board' },
			accepted: expect.arrayContaining(['Dutch Safety Board', 'Dutch Safety Board report', 'DSB'])
		});
		s = run(s, { type: 'next' }, T0 + 3);
		s = run(s, { type: 'close' }, T0 + 4);
		s = run(s, { type: 'reveal' }, T0 + 5);
		expect(publicView(s, T0, 'student').reveal).toMatchObject({
			correct: { type: 'numeric', value: 9 },
			tolerance: 0
		});
	});
});

describe('SECURITY: item notes reach only the teacher', () => {
	const withNotes: RoomItem[] = [
		...kit.questions
			.filter((x) => x.notes)
			.map((x): RoomItem => ({ kind: 'question', question: x })),
		...kit.polls
			.filter((x) => x.notes)
			.map((x): RoomItem => ({ kind: 'poll', poll: x, round: x.type === 'pair' ? 'before' : null }))
	];
	const notesOf = (item: RoomItem) =>
		item.kind === 'question' ? item.question.notes! : item.poll.notes!;
	/** A phrase from the notes that no student-facing field repeats. */
	const phrase = (item: RoomItem) => notesOf(item).replace(/\s+/g, ' ').slice(0, 60);

	it('the seed kit has notes on questions and polls', () => {
		expect(withNotes.filter((x) => x.kind === 'question').length).toBeGreaterThan(5);
		expect(withNotes.filter((x) => x.kind === 'poll').length).toBeGreaterThan(3);
	});

	it.each(
		withNotes.map(
			(item) => [item.kind === 'question' ? item.question.id : item.poll.id, item] as const
		)
	)(
		'%s: never in a student, projector or own-standing payload, in any phase; always in the host view',
		(_, item) => {
			let s = started([item], 2, { leaderboard: true });
			const check = (label: string, now: number) => {
				for (const [role, view] of [
					['student', publicView(s, now, 'student')],
					['screen', screenView(s, now)],
					['me', myView(s, ID(1), standings(s).ranks)]
				] as const) {
					const json = JSON.stringify(view);
					expect(json, `${label} / ${role}`).not.toContain('notes');
					expect(json, `${label} / ${role}`).not.toContain(inJson(phrase(item)));
				}
				const host = JSON.stringify(hostView(s, now));
				expect(host, `${label} / host`).toContain('notesHtml');
			};
			check('open', T0 + 10);
			s = run(s, { type: 'close' }, T0 + 20);
			check('closed', T0 + 30);
			s = run(s, { type: 'reveal' }, T0 + 40);
			check('revealed', T0 + 50);
			if (item.kind === 'question') {
				s = run(s, { type: 'leaderboard' }, T0 + 60);
				check('leaderboard', T0 + 70);
			}
			s = run(s, { type: 'end' }, T0 + 80);
			check('ended', T0 + 90);
		}
	);
});

describe('SECURITY: no student view carries another participant’s id', () => {
	it('through a whole session of questions, polls, moderation, upvotes and the leaderboard', () => {
		const items = [
			p('bold-or-self-defeating', 'before'),
			q('local-to-global'),
			q('sequence-of-events'),
			p('outside-of-politics-why'),
			p('clinton-hindsight-why'),
			p('relations-in-one-word'),
			p('missing-voices'),
			p('bold-or-self-defeating', 'after')
		];
		const ids = [ID(1), ID(2), ID(3), ID(4)];
		let s = room(items, { showNames: true });
		let now = T0;
		const snapshots: RoomState[] = [];
		const snap = () => snapshots.push(s);
		for (const [i, id] of ids.entries())
			s = run(s, { type: 'join', participantId: id, nickname: `Student ${i + 1}` }, now);
		snap();
		s = run(s, { type: 'start' }, ++now);
		while (s.core.phase !== 'ended') {
			const index = s.core.current;
			const item = s.core.items[index]!;
			snap();
			for (const [k, id] of ids.entries()) {
				if (s.core.phase !== 'open') break;
				let r: AnyResponse;
				let responseId: string | undefined;
				if (item.kind === 'question') {
					const both = responses(item);
					r = k % 2 ? both.wrong : both.right;
				} else if (item.poll.type === 'pair' || item.poll.type === 'scale') {
					r = { type: 'scale', value: ((k % 5) + 1) as 1 | 2 | 3 | 4 | 5 };
				} else if (item.poll.type === 'open') {
					r = { type: 'open', text: `Argument ${k}`, side: k % 2 ? 'for' : 'against' };
					// One open poll with ids from the transport, one with the machine's fallback.
					responseId = index === 3 ? `resp-${index}-${k}` : undefined;
				} else if (item.poll.type === 'wordcloud') {
					r = { type: 'wordcloud', text: 'Frozen' };
				} else {
					r = { type: 'choice', choices: [k % 5] };
				}
				s = run(s, answer(id, index, r, responseId), ++now);
				snap();
				if (item.kind === 'poll' && item.poll.type === 'open') {
					const rid = s.answers[index]![id]!.responseId!;
					s = run(
						s,
						{ type: 'moderate', responseId: rid, status: k === 2 ? 'highlighted' : 'approved' },
						++now
					);
					if (k > 0) {
						const first = s.answers[index]![ids[0]!]!.responseId!;
						s = run(s, { type: 'upvote', participantId: id, responseId: first }, ++now);
					}
					snap();
				}
			}
			if (s.core.phase === 'open') s = run(s, { type: 'close' }, ++now);
			snap();
			s = run(s, { type: 'reveal' }, ++now);
			snap();
			if (item.kind === 'question') {
				s = run(s, { type: 'leaderboard' }, ++now);
				snap();
			}
			s = run(s, { type: 'next' }, ++now);
		}
		snap();
		expect(snapshots.length).toBeGreaterThan(30);

		for (const state of snapshots) {
			for (const me of ids) {
				const json =
					JSON.stringify(publicView(state, now, 'student')) +
					JSON.stringify(myView(state, me, standings(state).ranks));
				for (const other of ids) {
					if (other !== me)
						expect(
							json,
							`${me} sees ${other} in ${state.core.phase} ${state.core.current}`
						).not.toContain(other);
				}
			}
			// The projector carries no participant id at all.
			const screen = JSON.stringify(screenView(state, now));
			for (const id of ids) expect(screen).not.toContain(id);
		}
		// The open polls really were visible to students, so the check above had something to see.
		const openState = snapshots.find((x) => x.core.current === 4 && x.core.phase === 'revealed')!;
		expect(publicView(openState, now, 'student').poll!.open).toHaveLength(4);
	});
});

describe('SECURITY: open responses by moderation status', () => {
	function withResponses(showNames: boolean) {
		let s = started([p('outside-of-politics-why')], 5, { showNames });
		const texts = ['Pending one', 'Approved one', 'Hidden one', 'Highlighted one'];
		texts.forEach((text, k) => {
			s = run(
				s,
				answer(ID(k + 1), 0, { type: 'open', text, side: 'for' }, `r${k + 1}`),
				T0 + k + 1
			);
		});
		s = run(s, { type: 'moderate', responseId: 'r2', status: 'approved' });
		s = run(s, { type: 'moderate', responseId: 'r3', status: 'hidden' });
		s = run(s, { type: 'moderate', responseId: 'r4', status: 'highlighted' });
		return s;
	}

	it('students and the projector see approved and highlighted responses only', () => {
		const s = withResponses(false);
		for (const view of [publicView(s, T0, 'student'), screenView(s, T0)]) {
			const json = JSON.stringify(view);
			expect(json).not.toContain('Pending one');
			expect(json).not.toContain('Hidden one');
			expect(json).not.toContain('"r1"');
			expect(json).not.toContain('"r3"');
			expect(view.poll!.open!.map((o) => o.id)).toEqual(['r4', 'r2']);
			expect(view.poll!.responses).toBe(4);
		}
	});

	it('the host sees every response, with its status and author', () => {
		const s = withResponses(false);
		const open = hostView(s, T0).poll!.open!;
		expect(open.map((o) => [o.id, o.status, o.author])).toEqual([
			['r4', 'highlighted', 'Student 4'],
			['r1', 'pending', 'Student 1'],
			['r2', 'approved', 'Student 2'],
			['r3', 'hidden', 'Student 3']
		]);
	});

	it('names stay off the projector unless the teacher shows them', () => {
		const hidden = withResponses(false);
		expect(JSON.stringify(screenView(hidden, T0))).not.toContain('Student ');
		expect(screenView(hidden, T0).poll!.open!.every((o) => o.author === undefined)).toBe(true);
		expect(publicView(hidden, T0, 'student').poll!.open!.every((o) => o.author === undefined)).toBe(
			true
		);
		const shown = withResponses(true);
		expect(screenView(shown, T0).poll!.open!.map((o) => o.author)).toEqual([
			'Student 4',
			'Student 2'
		]);
	});

	it('a response hidden after it was approved disappears from students’ views', () => {
		let s = withResponses(false);
		s = run(s, { type: 'moderate', responseId: 'r2', status: 'hidden' });
		expect(publicView(s, T0, 'student').poll!.open!.map((o) => o.id)).toEqual(['r4']);
	});

	it('upvotes are counted per response, and myView lists only my own', () => {
		let s = withResponses(false);
		s = run(s, { type: 'upvote', participantId: ID(5), responseId: 'r2' });
		s = run(s, { type: 'upvote', participantId: ID(1), responseId: 'r2' });
		s = run(s, { type: 'upvote', participantId: ID(5), responseId: 'r4' });
		const open = publicView(s, T0, 'student').poll!.open!;
		expect(open.map((o) => [o.id, o.upvotes])).toEqual([
			['r4', 1],
			['r2', 2]
		]);
		const ranks = standings(s).ranks;
		expect(myView(s, ID(5), ranks)!.upvoted.sort()).toEqual(['r2', 'r4']);
		expect(myView(s, ID(1), ranks)!).toMatchObject({ upvoted: ['r2'], responseId: 'r1' });
		expect(myView(s, ID(2), ranks)!).toMatchObject({ upvoted: [], responseId: 'r2' });
	});
});

describe('poll results by role', () => {
	it('students see only the number of responses until the teacher reveals the poll', () => {
		let s = started([p('outside-of-politics'), p('relations-in-one-word'), p('missing-voices')], 3);
		s = run(s, answer(ID(1), 0, { type: 'scale', value: 2 }), T0 + 1);
		s = run(s, answer(ID(2), 0, { type: 'scale', value: 2 }), T0 + 2);
		expect(publicView(s, T0, 'student').poll).toEqual({ responses: 2 });
		expect(screenView(s, T0).poll).toEqual({ responses: 2, counts: [0, 2, 0, 0, 0] });
		expect(hostView(s, T0).poll).toEqual({ responses: 2, counts: [0, 2, 0, 0, 0] });
		s = run(s, { type: 'close' }, T0 + 3);
		expect(publicView(s, T0, 'student').poll).toEqual({ responses: 2 });
		s = run(s, { type: 'reveal' }, T0 + 4);
		expect(publicView(s, T0, 'student').poll).toEqual({ responses: 2, counts: [0, 2, 0, 0, 0] });
		expect(publicView(s, T0, 'student').reveal).toBeNull();

		s = run(s, { type: 'next' }, T0 + 5);
		s = run(s, answer(ID(1), 1, { type: 'wordcloud', text: 'Cold Wars!' }), T0 + 6);
		s = run(s, answer(ID(2), 1, { type: 'wordcloud', text: 'cold war' }), T0 + 7);
		s = run(s, answer(ID(3), 1, { type: 'wordcloud', text: 'Frozen' }), T0 + 8);
		expect(s.core.phase).toBe('closed');
		expect(publicView(s, T0, 'student').poll).toEqual({ responses: 3 });
		expect(screenView(s, T0).poll!.words).toEqual([
			{ word: 'cold war', count: 2 },
			{ word: 'frozen', count: 1 }
		]);

		s = run(s, { type: 'next' }, T0 + 9);
		s = run(s, answer(ID(1), 2, { type: 'choice', choices: [0, 2] }), T0 + 10);
		s = run(s, answer(ID(2), 2, { type: 'choice', choices: [2] }), T0 + 11);
		expect(screenView(s, T0).poll).toEqual({ responses: 2, counts: [1, 0, 2, 0, 0] });
		expect(publicView(s, T0, 'student').poll).toEqual({ responses: 2 });
	});

	it('questions have no poll results', () => {
		const s = started([q('local-to-global')], 1);
		expect(publicView(s, T0, 'student').poll).toBeNull();
		expect(hostView(s, T0).poll).toBeNull();
	});

	it('a removed student’s poll answers are not counted', () => {
		let s = started([p('outside-of-politics')], 3);
		s = run(s, answer(ID(1), 0, { type: 'scale', value: 5 }), T0 + 1);
		s = run(s, answer(ID(2), 0, { type: 'scale', value: 1 }), T0 + 2);
		s = run(s, { type: 'remove', participantId: ID(2) }, T0 + 3);
		expect(hostView(s, T0).poll).toEqual({ responses: 1, counts: [0, 0, 0, 0, 1] });
		expect(hostView(s, T0).answered).toBe(1);
	});
});

describe('before / after pair movement', () => {
	const items = [
		p('bold-or-self-defeating', 'before'),
		q('local-to-global'),
		p('bold-or-self-defeating', 'after')
	];
	function session() {
		let s = started(items, 5);
		// Before: 1→2, 2→3, 3→4, 4→5; student 5 does not vote.
		for (const [k, v] of [2, 3, 4, 5].entries())
			s = run(s, answer(ID(k + 1), 0, { type: 'scale', value: v as 2 | 3 | 4 | 5 }), T0 + k);
		s = run(s, { type: 'close' }, T0 + 10);
		s = run(s, { type: 'next' }, T0 + 11);
		s = run(s, { type: 'close' }, T0 + 12);
		s = run(s, { type: 'reveal' }, T0 + 13);
		s = run(s, { type: 'next' }, T0 + 14);
		// After: 1 moves up (2→4), 2 moves down (3→1), 3 stays (4), 4 does not vote, 5 votes only now.
		s = run(s, answer(ID(1), 2, { type: 'scale', value: 4 }), T0 + 15);
		s = run(s, answer(ID(2), 2, { type: 'scale', value: 1 }), T0 + 16);
		s = run(s, answer(ID(3), 2, { type: 'scale', value: 4 }), T0 + 17);
		s = run(s, answer(ID(5), 2, { type: 'scale', value: 5 }), T0 + 18);
		return s;
	}

	it('counts only students who voted in both rounds', () => {
		const s = session();
		expect(hostView(s, T0).poll!.shift).toEqual({
			towardAgree: 1,
			towardDisagree: 1,
			stayed: 1,
			before: [0, 1, 1, 1, 1]
		});
		expect(hostView(s, T0).poll!.counts).toEqual([1, 0, 0, 2, 1]);
	});

	it('the projector shows a pair’s votes only at the reveal; the teacher sees them live', () => {
		let s = session();
		expect(screenView(s, T0).poll).toEqual({ responses: 4 });
		s = run(s, { type: 'close' }, T0 + 20);
		expect(screenView(s, T0).poll).toEqual({ responses: 4 });
		expect(hostView(s, T0).poll!.counts).toEqual([1, 0, 0, 2, 1]);
		s = run(s, { type: 'reveal' }, T0 + 21);
		expect(screenView(s, T0).poll!.counts).toEqual([1, 0, 0, 2, 1]);
		expect(screenView(s, T0).poll!.shift).toMatchObject({ towardAgree: 1, towardDisagree: 1 });
		// The before round too.
		let b = started(items, 2);
		b = run(b, answer(ID(1), 0, { type: 'scale', value: 3 }), T0 + 1);
		expect(screenView(b, T0).poll).toEqual({ responses: 1 });
	});

	it('students see the movement only after the reveal', () => {
		let s = session();
		expect(publicView(s, T0, 'student').poll!.shift).toBeUndefined();
		s = run(s, { type: 'close' }, T0 + 20);
		s = run(s, { type: 'reveal' }, T0 + 21);
		expect(publicView(s, T0, 'student').poll!.shift).toMatchObject({
			towardAgree: 1,
			towardDisagree: 1,
			stayed: 1
		});
	});

	it('the before round has no movement', () => {
		let s = started(items, 2);
		s = run(s, answer(ID(1), 0, { type: 'scale', value: 3 }), T0 + 1);
		expect(hostView(s, T0).poll!.counts).toEqual([0, 0, 1, 0, 0]);
		expect(hostView(s, T0).poll!.shift).toBeUndefined();
	});

	it('a removed student drops out of both rounds', () => {
		const s = run(session(), { type: 'remove', participantId: ID(1) }, T0 + 30);
		expect(hostView(s, T0).poll!.shift).toEqual({
			towardAgree: 0,
			towardDisagree: 1,
			stayed: 1,
			before: [0, 0, 1, 1, 1]
		});
	});
});

describe('standings and the leaderboard', () => {
	function scored(scores: number[], settings: Partial<Settings> = {}): RoomState {
		let s = room([q('local-to-global')], settings);
		scores.forEach((_, i) => {
			s = run(s, { type: 'join', participantId: ID(i + 1), nickname: `Student ${i + 1}` }, T0 + i);
		});
		const participants = { ...s.participants };
		scores.forEach((score, i) => {
			participants[ID(i + 1)] = { ...participants[ID(i + 1)]!, score, correct: score / 1000 };
		});
		return { ...s, participants };
	}

	it('ranks by score; ties share a rank; removed students are left out', () => {
		let s = scored([500, 2000, 500, 1000, 0]);
		s = run(s, { type: 'remove', participantId: ID(4) });
		const { ranks, rows } = standings(s);
		expect(rows).toEqual([
			{ rank: 1, nickname: 'Student 2', score: 2000, correct: 2 },
			{ rank: 2, nickname: 'Student 1', score: 500, correct: 0.5 },
			{ rank: 2, nickname: 'Student 3', score: 500, correct: 0.5 },
			{ rank: 4, nickname: 'Student 5', score: 0, correct: 0 }
		]);
		expect(ranks.get(ID(4))).toBeUndefined();
		expect(myView(s, ID(3), ranks)).toMatchObject({ rank: 2, of: 4 });
		expect(myView(s, ID(4), ranks)).toMatchObject({ rank: 0, removed: true });
	});

	it('is cached per participants object and recomputed when they change', () => {
		const s = scored([100, 200]);
		const first = standings(s);
		const again = standings({ ...s });
		expect(again.rows).toBe(first.rows);
		expect(again.ranks).toBe(first.ranks);
		const changed = run(s, { type: 'join', participantId: 'x', nickname: 'X' });
		expect(standings(changed).rows).toHaveLength(3);
	});

	it('shows the top five only in the leaderboard phase and at the end, when enabled', () => {
		let s = scored([100, 200, 300, 400, 500, 600, 700]);
		expect(publicView(s, T0, 'student').leaderboard).toBeNull();
		s = run(s, { type: 'start' }, T0 + 10);
		s = run(s, { type: 'close' }, T0 + 11);
		s = run(s, { type: 'reveal' }, T0 + 12);
		expect(publicView(s, T0, 'student').leaderboard).toBeNull();
		s = run(s, { type: 'leaderboard' }, T0 + 13);
		const board = publicView(s, T0, 'student').leaderboard!;
		expect(board.map((r) => r.nickname)).toEqual([
			'Student 7',
			'Student 6',
			'Student 5',
			'Student 4',
			'Student 3'
		]);
		s = run(s, { type: 'end' }, T0 + 14);
		expect(publicView(s, T0, 'student').leaderboard).toHaveLength(5);
		expect(screenView(s, T0).podium!.map((r) => r.score)).toEqual([700, 600, 500]);
	});

	it('never shows a leaderboard or podium when the teacher turned it off', () => {
		let s = scored([100, 200], { leaderboard: false });
		s = run(s, { type: 'start' }, T0 + 10);
		s = run(s, { type: 'close' }, T0 + 11);
		s = run(s, { type: 'reveal' }, T0 + 12);
		s = run(s, { type: 'leaderboard' }, T0 + 13);
		expect(publicView(s, T0, 'student').leaderboard).toBeNull();
		s = run(s, { type: 'end' }, T0 + 14);
		expect(publicView(s, T0, 'student').leaderboard).toBeNull();
		expect(screenView(s, T0).podium).toBeNull();
	});
});

describe('the reveal in views', () => {
	it('counts the choices, leaving removed students out', () => {
		let s = started([q('cooperation-collapse-reasons'), q('decree-duma-echo')], 4);
		s = run(s, answer(ID(1), 0, { type: 'multiple', choices: [0, 2, 4] }), T0 + 1);
		s = run(s, answer(ID(2), 0, { type: 'multiple', choices: [0, 1] }), T0 + 2);
		s = run(s, answer(ID(3), 0, { type: 'multiple', choices: [0, 2, 4] }), T0 + 3);
		s = run(s, { type: 'remove', participantId: ID(3) }, T0 + 4);
		s = run(s, { type: 'close' }, T0 + 5);
		s = run(s, { type: 'reveal' }, T0 + 6);
		expect(publicView(s, T0, 'student').reveal).toMatchObject({
			correct: { type: 'multiple', choices: [0, 2, 4] },
			distribution: [2, 1, 1, 0, 1],
			answered: 2,
			correctCount: 1
		});
		expect(
			countable(s, 0)
				.map((a) => a.participantId)
				.sort()
		).toEqual([ID(1), ID(2)]);
		s = run(s, { type: 'next' }, T0 + 7);
		s = run(s, answer(ID(1), 1, { type: 'truefalse', value: true }), T0 + 8);
		s = run(s, answer(ID(2), 1, { type: 'truefalse', value: false }), T0 + 9);
		s = run(s, answer(ID(4), 1, { type: 'truefalse', value: true }), T0 + 10);
		expect(s.core.phase).toBe('closed');
		s = run(s, { type: 'reveal' }, T0 + 11);
		expect(publicView(s, T0, 'student').reveal).toMatchObject({
			correct: { type: 'truefalse', value: true },
			distribution: [2, 1],
			answered: 3,
			correctCount: 2
		});
	});

	it('no distribution for ordering, short and numeric', () => {
		for (const id of ['sequence-of-events', 'city-liberated', 'days-before-publication']) {
			let s = started([q(id)], 1);
			s = run(s, { type: 'close' }, T0 + 1);
			s = run(s, { type: 'reveal' }, T0 + 2);
			expect(publicView(s, T0, 'student').reveal!.distribution).toBeNull();
		}
	});
});

describe('myView', () => {
	it('hands back an ordering response in the displayed order the student sent', () => {
		let s = started([q('sequence-of-events')], 2);
		const order = [4, 2, 0, 1, 3];
		s = run(s, answer(ID(1), 0, { type: 'ordering', order }), T0 + 1);
		const me = myView(s, ID(1), standings(s).ranks)!;
		expect(me.response).toEqual({ type: 'ordering', order });
		expect(me.item).toBe(0);
		expect(me.result).toBeNull();
		expect(myView(s, ID(2), standings(s).ranks)!.response).toBeNull();
	});

	it('gives each student their own deadline while the question is open', () => {
		let s = started([q('local-to-global')], 3);
		s = run(s, { type: 'extraTime', participantId: ID(2), extraTime: 1.5 });
		s = run(s, { type: 'extraTime', participantId: ID(3), extraTime: 'untimed' });
		const ranks = standings(s).ranks;
		expect(myView(s, ID(1), ranks)!.deadline).toBe(T0 + 30_000);
		expect(myView(s, ID(2), ranks)!).toMatchObject({ deadline: T0 + 45_000, extraTime: 1.5 });
		expect(myView(s, ID(3), ranks)!.deadline).toBeNull();
		s = run(s, { type: 'close' }, T0 + 1);
		expect(myView(s, ID(2), standings(s).ranks)!.deadline).toBeNull();
	});

	it('is null for someone who never joined', () => {
		const s = started([q('local-to-global')], 1);
		expect(myView(s, 'nobody', standings(s).ranks)).toBeNull();
	});
});

describe('host and projector', () => {
	it('host roster and counts', () => {
		let s = started([q('local-to-global')], 3);
		s = run(s, answer(ID(1), 0, { type: 'single', choice: 3 }), T0 + 1);
		s = run(s, { type: 'disconnect', participantId: ID(2) }, T0 + 2);
		s = run(s, { type: 'remove', participantId: ID(3) }, T0 + 3);
		const host = hostView(s, T0 + 4);
		expect(host).toMatchObject({ answered: 1, connected: 1, players: 2, serverNow: T0 + 4 });
		expect(host).not.toHaveProperty('roster');
		expect(rosterRows(s).map((r) => [r.id, r.answeredItem, r.connected, r.removed])).toEqual([
			[ID(1), 0, true, false],
			[ID(2), -1, false, false],
			[ID(3), -1, false, true]
		]);
		// Only the rows asked for, in the order asked; unknown ids are skipped.
		expect(rosterRows(s, [ID(3), 'nobody', ID(1)]).map((r) => r.id)).toEqual([ID(3), ID(1)]);
	});

	it('the projector summary at the end gives each question’s share of right answers', () => {
		let s = started([q('local-to-global'), p('outside-of-politics'), q('decree-duma-echo')], 4);
		s = run(s, answer(ID(1), 0, { type: 'single', choice: 3 }), T0 + 1);
		s = run(s, answer(ID(2), 0, { type: 'single', choice: 3 }), T0 + 2);
		s = run(s, answer(ID(3), 0, { type: 'single', choice: 0 }), T0 + 3);
		s = run(s, { type: 'close' }, T0 + 4);
		s = run(s, { type: 'reveal' }, T0 + 5);
		s = run(s, { type: 'next' }, T0 + 6);
		expect(screenView(s, T0).summary).toBeNull();
		s = run(s, { type: 'end' }, T0 + 7);
		const screen = screenView(s, T0);
		expect(screen.summary).toEqual([
			{ item: 0, prompt: question('local-to-global').prompt, correctShare: 0.5 }
		]);
		expect(screen.item).toBeNull();
		expect(screen.poll).toBeNull();
	});

	it('the lobby shows no item', () => {
		const s = room([q('local-to-global')]);
		expect(publicView(s, T0, 'student')).toMatchObject({
			phase: 'lobby',
			current: -1,
			itemCount: 1,
			item: null,
			reveal: null,
			poll: null,
			players: 0
		});
	});
});

describe('the projector lobby', () => {
	const joined = (showNames: boolean, n: number, phase: 'lobby' | 'open' = 'lobby') => {
		let s = room([q('ostentatious-meaning')], { showNames });
		for (let i = 1; i <= n; i++)
			s = run(s, { type: 'join', participantId: ID(i), nickname: `Student ${i}` }, T0 + i);
		if (phase === 'open') s = run(s, { type: 'start' }, T0 + 100);
		return screenView(s, T0 + 200).joined;
	};
	it.each([
		['names off', false, 3, 'lobby', null],
		['names on, in joining order', true, 3, 'lobby', ['Student 1', 'Student 2', 'Student 3']],
		['names on, only the latest 40', true, 45, 'lobby', 'latest40'],
		['names on, after the start', true, 3, 'open', null]
	] as const)('%s', (_, showNames, n, phase, expected) => {
		const names = joined(showNames, n, phase);
		if (expected === 'latest40') {
			expect(names).toHaveLength(40);
			expect(names?.[0]).toBe('Student 6');
			expect(names?.at(-1)).toBe('Student 45');
		} else expect(names).toEqual(expected);
	});
});
