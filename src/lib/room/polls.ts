/**
 * Poll tallies: pure functions over a poll's answers. Polls are never scored.
 *
 * Invariants:
 * - Tallies carry counts only, never who voted what.
 * - Open responses carry an opaque response id, never the author's participant id; names only
 *   when the caller allows them (the host always, the projector when the teacher shows names).
 * - Movement between a before/after pair counts only students who voted in both rounds.
 * - A writing item's texts go to the teacher alone (`includePending`, which only the host view
 *   sets): students and the projector get the number of responses, never a text.
 */
import type { Poll } from '../kit/schema';
import type { Answer } from './types';
import { ownEntry } from './own';

export interface OpenResponseView {
	id: string;
	text: string;
	side: 'for' | 'against';
	upvotes: number;
	status: 'pending' | 'approved' | 'hidden' | 'highlighted';
	author?: string;
}

export interface Shift {
	towardAgree: number;
	towardDisagree: number;
	stayed: number;
	before: number[];
}

export interface PollResults {
	responses: number;
	/** Scale: counts for 1…5; choice: counts per option. */
	counts?: number[];
	words?: { word: string; count: number }[];
	open?: OpenResponseView[];
	/** Writing items, for the teacher only: each text with its author and length. */
	writings?: { author: string; text: string; words: number }[];
	shift?: Shift;
}

export const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Case, whitespace, surrounding punctuation and simple plurals folded: "Cold Wars!" → "cold war". */
export function normalizeWord(s: string): string {
	let w = s
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[\u2018\u2019\u02BC]/g, "'")
		.replace(/[^\p{L}\p{N}\s'-]/gu, '')
		.replace(/\s+/g, ' ')
		.trim();
	w = w
		.split(' ')
		.map((word) => {
			// Apostrophes and dashes only inside a word ("don't", "cold-war"); no possessive 's.
			const part = word.replace(/^['-]+|['-]+$/g, '').replace(/'s$/, '');
			if (part.length > 4 && part.endsWith('ies')) return part.slice(0, -3) + 'y';
			if (part.length > 3 && part.endsWith('s') && !/(ss|us|is)$/.test(part))
				return part.slice(0, -1);
			return part;
		})
		.filter((part) => part !== '')
		.join(' ');
	return w;
}

export interface TallyOptions {
	includePending: boolean;
	showNames: boolean;
	nicknames: (participantId: string) => string;
	/** Only the number of responses (students before the teacher reveals). */
	totalsOnly: boolean;
}

export function tallyPoll(
	poll: Poll,
	answers: Answer[],
	upvotes: Record<string, string[]>,
	opts: TallyOptions
): PollResults {
	const results: PollResults = { responses: answers.length };
	if (poll.type === 'open') {
		// Students need approved responses while the poll is open, to upvote them.
		results.open = openResponses(answers, upvotes, opts);
		return results;
	}
	if (poll.type === 'writing') {
		// In the order they were handed in, whichever order storage gives them back.
		if (opts.includePending)
			results.writings = [...answers]
				.sort((a, b) => a.at - b.at || a.participantId.localeCompare(b.participantId))
				.flatMap((a) =>
					a.response.type === 'writing'
						? [
								{
									author: opts.nicknames(a.participantId),
									text: a.response.text,
									words: wordCount(a.response.text)
								}
							]
						: []
				);
		return results;
	}
	if (opts.totalsOnly) return results;
	if (poll.type === 'scale' || poll.type === 'pair') {
		results.counts = [0, 0, 0, 0, 0];
		for (const a of answers)
			if (a.response.type === 'scale') results.counts[a.response.value - 1]! += 1;
	} else if (poll.type === 'choice') {
		results.counts = poll.options.map(() => 0);
		for (const a of answers)
			if (a.response.type === 'choice') for (const c of a.response.choices) results.counts[c]! += 1;
	} else if (poll.type === 'wordcloud') {
		const counts = new Map<string, number>();
		for (const a of answers) {
			if (a.response.type !== 'wordcloud') continue;
			const w = normalizeWord(a.response.text);
			if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
		}
		results.words = [...counts]
			.map(([word, count]) => ({ word, count }))
			.sort((a, b) => b.count - a.count || a.word.localeCompare(b.word))
			.slice(0, 60);
	}
	return results;
}

function openResponses(
	answers: Answer[],
	upvotes: Record<string, string[]>,
	opts: TallyOptions
): OpenResponseView[] {
	const list: OpenResponseView[] = [];
	for (const a of answers) {
		if (a.response.type !== 'open' || !a.responseId || !a.status) continue;
		const visible = a.status === 'approved' || a.status === 'highlighted';
		if (!visible && !opts.includePending) continue;
		const voters = ownEntry(upvotes, a.responseId) ?? [];
		const view: OpenResponseView = {
			id: a.responseId,
			text: a.response.text,
			side: a.response.side,
			upvotes: voters.length,
			status: a.status
		};
		if (opts.showNames) view.author = opts.nicknames(a.participantId);
		list.push(view);
	}
	return list.sort(
		(a, b) =>
			Number(b.status === 'highlighted') - Number(a.status === 'highlighted') ||
			b.upvotes - a.upvotes ||
			a.id.localeCompare(b.id)
	);
}

/** How each student's agreement moved between the before and after rounds of a pair. */
export function movement(before: Answer[], after: Answer[]): Shift {
	const first = new Map<string, number>();
	const counts = [0, 0, 0, 0, 0];
	for (const a of before) {
		if (a.response.type !== 'scale') continue;
		first.set(a.participantId, a.response.value);
		counts[a.response.value - 1]! += 1;
	}
	const shift: Shift = { towardAgree: 0, towardDisagree: 0, stayed: 0, before: counts };
	for (const a of after) {
		if (a.response.type !== 'scale') continue;
		const was = first.get(a.participantId);
		if (was === undefined) continue;
		if (a.response.value > was) shift.towardAgree += 1;
		else if (a.response.value < was) shift.towardDisagree += 1;
		else shift.stayed += 1;
	}
	return shift;
}
