import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { PollSchema, type Poll } from '../../src/lib/kit/schema';
import { tallyPoll, wordCount } from '../../src/lib/room/polls';
import type { Answer } from '../../src/lib/room/types';

const poll = v.parse(PollSchema, {
	id: 'essay',
	type: 'writing',
	prompt: 'Write.',
	rubric: ['Takes a position.']
}) as Poll;
const answers: Answer[] = [
	{
		participantId: 'p1',
		item: 0,
		response: { type: 'writing', text: 'One two  three' },
		at: 1,
		credit: null,
		points: 0
	},
	{
		participantId: 'p2',
		item: 0,
		response: { type: 'writing', text: 'Four' },
		at: 2,
		credit: null,
		points: 0
	}
];
const opts = (host: boolean) => ({
	includePending: host,
	showNames: host,
	nicknames: (id: string) => ({ p1: 'Ada', p2: 'Bo' })[id] ?? '',
	totalsOnly: false
});

describe('the writing item', () => {
	it('defaults its length and needs a rubric of 1 to 8 criteria', () => {
		expect(poll).toMatchObject({ maxLength: 3000 });
		for (const rubric of [[], Array.from({ length: 9 }, (_, i) => `c${i}`)])
			expect(
				v.safeParse(PollSchema, { id: 'e', type: 'writing', prompt: 'W.', rubric }).success
			).toBe(false);
	});

	it.each([
		// role, what it gets
		[
			true,
			{
				responses: 2,
				writings: [
					{ author: 'Ada', text: 'One two  three', words: 3 },
					{ author: 'Bo', text: 'Four', words: 1 }
				]
			}
		],
		[false, { responses: 2 }]
	])('host %s → %o', (host, expected) => {
		expect(tallyPoll(poll, answers, {}, opts(host))).toEqual(expected);
	});

	it('counts words as a teacher would', () => {
		expect([wordCount(''), wordCount('  a  b\nc '), wordCount('well-made point.')]).toEqual([
			0, 3, 2
		]);
	});
});
