/**
 * The hand-written check of `answer:submit` (`fast-answer.ts`) must say what the schema says:
 * the same verdict and the same output for every payload, hot shape or not.
 */
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { AnswerSchema } from '../../src/lib/protocol';
import { parseAnswer } from '../../src/lib/server/fast-answer';

function schema(p: unknown) {
	const r = v.safeParse(AnswerSchema, p);
	return r.success ? { success: true, output: r.output } : { success: false };
}

const codes: unknown[] = [
	'ABC234',
	'abc234',
	'ABC23',
	'ABC2345',
	'ABC01Z',
	'',
	42,
	null,
	undefined
];
const numbers: unknown[] = [
	0,
	1,
	3,
	999,
	1000,
	1001,
	-1,
	-0,
	1.5,
	NaN,
	Infinity,
	'1',
	null,
	true,
	[1]
];
const responses: unknown[] = [
	...numbers.map((choice) => ({ type: 'single', choice })),
	{ type: 'single' },
	{ choice: 1 },
	{ type: 'single', choice: 1, extra: true },
	{ type: 'single', choice: 1, __proto__: { inherited: 1 } },
	{ type: 'SINGLE', choice: 1 },
	{ type: 'multiple', choices: [0, 2] },
	{ type: 'multiple', choices: [0, 0] },
	{ type: 'truefalse', value: false },
	{ type: 'numeric', value: 3.25 },
	{ type: 'open', text: 'because', side: 'for' },
	{ type: 'open', text: 'because', side: 'sideways' },
	{ type: 'scale', value: 6 },
	Object.assign(Object.create(null) as object, { type: 'single', choice: 1 }),
	[1],
	'single',
	null
];

describe('parseAnswer, the fast path for answer:submit', () => {
	it('says what AnswerSchema says for every combination of code, item and response', () => {
		let cases = 0;
		let accepted = 0;
		for (const code of codes)
			for (const item of numbers)
				for (const response of responses) {
					const payload = { code, item, response };
					const fast = parseAnswer(payload);
					expect(fast, JSON.stringify(payload)).toStrictEqual(schema(payload));
					cases += 1;
					if (fast.success) accepted += 1;
				}
		// Both verdicts were exercised.
		expect(cases).toBeGreaterThan(1000);
		expect(accepted).toBeGreaterThan(50);
		expect(cases - accepted).toBeGreaterThan(1000);
	});

	it('refuses the shapes around the payload as the schema does', () => {
		const good = { code: 'ABC234', item: 2, response: { type: 'single', choice: 1 } };
		const shapes: unknown[] = [
			good,
			{ ...good, extra: 1 },
			{ code: good.code, item: good.item },
			{ code: good.code, response: good.response },
			Object.assign(Object.create(null) as object, good),
			Object.assign(Object.create({ polluted: true }) as object, good),
			[good],
			null,
			'payload'
		];
		shapes.forEach((p, i) => expect(parseAnswer(p), `shape ${i}`).toStrictEqual(schema(p)));
	});

	it('returns a fresh payload: nothing the client sent besides the checked fields', () => {
		const response = { type: 'single', choice: 1 };
		const payload = { code: 'ABC234', item: 0, response };
		const r = parseAnswer(payload);
		expect(r).toStrictEqual({
			success: true,
			output: { code: 'ABC234', item: 0, response: { type: 'single', choice: 1 } }
		});
		if (r.success) expect(r.output.response).not.toBe(response);
	});
});
