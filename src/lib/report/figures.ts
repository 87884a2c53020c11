/**
 * A session's report: pure figures over a stored room (no SQL, no clock of its own). The
 * teacher's three questions after class: what did the class miss, who needs help, how did the
 * discussion move opinions.
 *
 * Invariants:
 * - Grading is never done here: an answer's `credit` is the one `scoring.ts` gave it when it was
 *   accepted; poll tallies and before/after movement come from `room/polls.ts`.
 * - Removed students count nowhere: not among students, answers, votes, upvotes or responses.
 * - A question's share correct is over the students who answered it (full credit only);
 *   `meanCredit` counts partial credit. Questions are listed hardest first (lowest mean credit),
 *   those nobody answered last, ties in session order.
 * - Asked: live, the questions opened and closed (an open one is in progress, later ones were
 *   never asked); homework, every question once it ended, while it runs only what each student
 *   answered (what they have not reached is not yet theirs to miss).
 * - A student's accuracy is their credit summed over the questions asked of them, divided by
 *   that number: unanswered counts as 0, partial credit counts partly. Points are the game's, apart.
 * - Needs help: at least one question asked and accuracy below the teacher's threshold.
 * - Time to answer: live, from the item's opening (`core.opened`) to the answer; homework, from
 *   the student's previous answer (or the later of the start and their joining).
 */
import type { Evidence } from '../kit/types';
import { describeResponse } from '../room/describe';
import { movement, tallyPoll, type PollResults } from '../room/polls';
import type { Answer, Participant, RoomState } from '../room/types';
import { normalizeText, type Response } from '../scoring';

export interface Row {
	label: string;
	count: number;
	/** A right answer (full credit). */
	marked?: boolean;
}

export interface QuestionFigures {
	index: number;
	id: string;
	type: string;
	prompt: string;
	status: 'asked' | 'open' | 'not asked';
	answered: number;
	/** Students counted who gave no answer (homework while open: not reached yet). */
	unanswered: number;
	correct: number;
	/** Answers with some credit but not full. */
	partial: number;
	/** correct / answered; null when nobody answered. */
	shareCorrect: number | null;
	/** Mean credit of the answers; null when nobody answered. */
	meanCredit: number | null;
	distribution: Row[];
	/** The most common wrong answer and how many gave it. */
	misconception: { label: string; count: number } | null;
	evidence: Evidence[];
	/** Seconds, one decimal; null when no time is known. */
	medianSeconds: number | null;
}

export interface StudentFigures {
	id: string;
	nickname: string;
	asked: number;
	answered: number;
	unanswered: number;
	correct: number;
	/** Credit summed over the questions asked of them / asked; null when none was asked. */
	accuracy: number | null;
	points: number;
	/** Question indices asked of them and not fully right (no answer included). */
	missed: number[];
	needsHelp: boolean;
	/** Homework: reached the end. */
	finished: boolean;
	/** Homework: answered nothing yet. */
	notStarted: boolean;
}

export interface PollFigures {
	index: number;
	id: string;
	type: string;
	prompt: string;
	claim: string | null;
	round: 'before' | 'after' | null;
	options: string[];
	results: PollResults;
}

export interface Report {
	code: string;
	kitSlug: string;
	kitTitle: string;
	createdAt: number;
	mode: 'live' | 'homework';
	deadline: number | null;
	phase: string;
	ended: boolean;
	threshold: number;
	questions: QuestionFigures[];
	students: StudentFigures[];
	polls: PollFigures[];
	removed: number;
}

const TOP_ROWS = 6;

const round1 = (x: number) => Math.round(x * 10) / 10;

export function median(xs: number[]): number | null {
	if (!xs.length) return null;
	const s = [...xs].sort((a, b) => a - b);
	const m = Math.floor(s.length / 2);
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Whether a live item was asked, is open now, or was never reached. */
export function itemStatus(state: RoomState, index: number): QuestionFigures['status'] {
	const { core } = state;
	if (core.settings.mode === 'homework')
		return core.phase === 'lobby' ? 'not asked' : core.phase === 'ended' ? 'asked' : 'open';
	if (core.phase === 'lobby' || index > core.current) return 'not asked';
	if (index === core.current && core.phase === 'open') return 'open';
	return 'asked';
}

export function activeStudents(state: RoomState): Participant[] {
	return Object.values(state.participants)
		.filter((p) => !p.removed)
		.sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id));
}

/** The answers to one item by students not removed. */
export function itemAnswers(state: RoomState, index: number): Answer[] {
	return Object.values(state.answers[index] ?? {}).filter(
		(a) => state.participants[a.participantId]?.removed === false
	);
}

/** Seconds each answer took, by `participantId:item`. */
export function answerSeconds(state: RoomState): Map<string, number> {
	const out = new Map<string, number>();
	const { core } = state;
	if (core.settings.mode === 'homework') {
		const byStudent = new Map<string, Answer[]>();
		for (const byPid of Object.values(state.answers))
			for (const a of Object.values(byPid))
				byStudent.set(a.participantId, [...(byStudent.get(a.participantId) ?? []), a]);
		for (const [pid, list] of byStudent) {
			const p = state.participants[pid];
			let from = Math.max(core.openedAt ?? 0, p?.joinedAt ?? 0);
			for (const a of list.sort((x, y) => x.at - y.at)) {
				out.set(`${pid}:${a.item}`, Math.max(0, a.at - from) / 1000);
				from = a.at;
			}
		}
		return out;
	}
	for (const [item, byPid] of Object.entries(state.answers)) {
		const opened = core.opened?.[Number(item)];
		if (opened === null || opened === undefined) continue;
		for (const a of Object.values(byPid))
			out.set(`${a.participantId}:${item}`, Math.max(0, a.at - opened) / 1000);
	}
	return out;
}

function distribution(q: QuestionFiguresInput, answers: Answer[]): Row[] {
	const { question } = q;
	if (question.type === 'single' || question.type === 'multiple') {
		const right = new Set(
			(question.type === 'single' ? [question.answer] : question.answer).map((l) =>
				'ABCDEFGH'.indexOf(l)
			)
		);
		const rows = question.choices.map((c, i) => ({
			label: `${'ABCDEFGH'[i]}. ${c}`,
			count: 0,
			marked: right.has(i)
		}));
		for (const a of answers) {
			const r = a.response;
			const picks = r.type === 'single' ? [r.choice] : r.type === 'multiple' ? r.choices : [];
			for (const c of picks) if (rows[c]) rows[c].count += 1;
		}
		return rows;
	}
	if (question.type === 'truefalse') {
		const rows = [
			{ label: 'True', count: 0, marked: question.answer },
			{ label: 'False', count: 0, marked: !question.answer }
		];
		for (const a of answers)
			if (a.response.type === 'truefalse') rows[a.response.value ? 0 : 1]!.count += 1;
		return rows;
	}
	const groups = grouped(q, answers);
	const top = groups.slice(0, TOP_ROWS);
	const rest = groups.slice(TOP_ROWS).reduce((n, g) => n + g.count, 0);
	return rest ? [...top, { label: 'Other answers', count: rest, marked: false }] : top;
}

type QuestionFiguresInput = {
	question: Extract<RoomState['core']['items'][number], { kind: 'question' }>['question'];
};

/** Answers grouped as the teacher reads them (short answers folded as grading folds them). */
function grouped(q: QuestionFiguresInput, answers: Answer[]): Row[] {
	const groups = new Map<string, Row>();
	for (const a of answers) {
		const label = describeResponse(q.question, a.response as Response);
		const key = a.response.type === 'short' ? normalizeText(a.response.text) : label;
		const g = groups.get(key) ?? { label, count: 0, marked: a.credit === 1 };
		g.count += 1;
		groups.set(key, g);
	}
	return [...groups.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

export function questionFigures(state: RoomState, index: number, secs: Map<string, number>) {
	const item = state.core.items[index];
	if (item?.kind !== 'question') return null;
	const q = item.question;
	const answers = itemAnswers(state, index);
	const status = itemStatus(state, index);
	const students = activeStudents(state).length;
	const credits = answers.map((a) => a.credit ?? 0);
	const wrong = answers.filter((a) => (a.credit ?? 0) < 1);
	const times = answers
		.map((a) => secs.get(`${a.participantId}:${index}`))
		.filter((t): t is number => t !== undefined);
	const med = median(times);
	const top = grouped({ question: q }, wrong)[0];
	return {
		index,
		id: q.id,
		type: q.type,
		prompt: q.prompt,
		status,
		answered: answers.length,
		unanswered: status === 'not asked' ? 0 : students - answers.length,
		correct: credits.filter((c) => c === 1).length,
		partial: credits.filter((c) => c > 0 && c < 1).length,
		shareCorrect: answers.length ? credits.filter((c) => c === 1).length / answers.length : null,
		meanCredit: answers.length ? credits.reduce((s, c) => s + c, 0) / answers.length : null,
		distribution: distribution({ question: q }, answers),
		misconception: top ? { label: top.label, count: top.count } : null,
		evidence: q.evidenceRefs,
		medianSeconds: med === null ? null : round1(med)
	} satisfies QuestionFigures;
}

export function studentFigures(
	state: RoomState,
	p: Participant,
	threshold: number
): StudentFigures {
	const { core } = state;
	const homework = core.settings.mode === 'homework';
	let asked = 0;
	let answered = 0;
	let correct = 0;
	let credit = 0;
	const missed: number[] = [];
	core.items.forEach((item, index) => {
		if (item.kind !== 'question') return;
		const a = state.answers[index]?.[p.id];
		const status = itemStatus(state, index);
		const counts = homework ? status === 'asked' || a !== undefined : status === 'asked';
		if (!counts) return;
		asked += 1;
		if (a) answered += 1;
		credit += a?.credit ?? 0;
		if (a?.credit === 1) correct += 1;
		else missed.push(index);
	});
	const accuracy = asked ? credit / asked : null;
	const anyAnswer = core.items.some((_, i) => state.answers[i]?.[p.id] !== undefined);
	return {
		id: p.id,
		nickname: p.nickname,
		asked,
		answered,
		unanswered: asked - answered,
		correct,
		accuracy,
		points: p.score,
		missed,
		needsHelp: accuracy !== null && accuracy < threshold,
		finished: p.progress >= core.items.length,
		notStarted: !anyAnswer
	};
}

export function pollFigures(state: RoomState, index: number): PollFigures | null {
	const item = state.core.items[index];
	if (item?.kind !== 'poll') return null;
	const { poll } = item;
	const active = (id: string) => state.participants[id]?.removed === false;
	const upvotes = Object.fromEntries(
		Object.entries(state.upvotes).map(([id, voters]) => [id, voters.filter(active)])
	);
	const answers = itemAnswers(state, index);
	const results = tallyPoll(poll, answers, upvotes, {
		// Open responses: only those the class saw (approved); writing: every text, as in the controls.
		includePending: poll.type === 'writing',
		showNames: true,
		nicknames: (id) => state.participants[id]?.nickname ?? '',
		totalsOnly: false
	});
	if (item.round === 'after') {
		const before = state.core.items.findIndex(
			(x) => x.kind === 'poll' && x.poll.id === poll.id && x.round === 'before'
		);
		if (before >= 0) results.shift = movement(itemAnswers(state, before), answers);
	}
	return {
		index,
		id: poll.id,
		type: poll.type,
		prompt: poll.prompt,
		claim: 'claim' in poll ? (poll.claim ?? null) : null,
		round: item.round,
		options: poll.type === 'choice' ? poll.options : [],
		results
	};
}

/** The whole report. `threshold` is the accuracy (0…1) under which a student needs help. */
export function buildReport(state: RoomState, threshold: number): Report {
	const { core } = state;
	const secs = answerSeconds(state);
	const questions: QuestionFigures[] = [];
	const polls: PollFigures[] = [];
	core.items.forEach((_, i) => {
		const q = questionFigures(state, i, secs);
		if (q) questions.push(q);
		const p = pollFigures(state, i);
		if (p && itemStatus(state, i) !== 'not asked') polls.push(p);
	});
	questions.sort(
		(a, b) =>
			(a.meanCredit ?? Infinity) - (b.meanCredit ?? Infinity) ||
			Number(a.status === 'not asked') - Number(b.status === 'not asked') ||
			a.index - b.index
	);
	return {
		code: core.code,
		kitSlug: core.kitSlug,
		kitTitle: core.kitTitle,
		createdAt: core.createdAt,
		mode: core.settings.mode ?? 'live',
		deadline: core.settings.deadline ?? null,
		phase: core.phase,
		ended: core.phase === 'ended',
		threshold,
		questions,
		students: activeStudents(state).map((p) => studentFigures(state, p, threshold)),
		polls,
		removed: Object.values(state.participants).filter((p) => p.removed).length
	};
}
