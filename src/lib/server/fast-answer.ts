/**
 * The hot payload's fast path. `answer:submit` arrives once per student per question, 2,000 at a
 * time in a lecture hall; the everyday shape (a single choice) is checked here by hand, with the
 * same rules as `AnswerSchema` in `../protocol.ts`. Anything else, valid or not, goes to valibot,
 * so errors and every other response type are exactly the schema's. The unit test holds the two
 * to the same answers (`tests/unit/fast-answer.test.ts`).
 */
import * as v from 'valibot';
import { AnswerSchema, CODE_PATTERN, MAX_INDEX, type AnswerPayload } from '../protocol';

type Parsed = { success: true; output: AnswerPayload } | { success: false };

function isIndex(n: unknown): n is number {
	return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_INDEX;
}

/** A plain object with exactly these own keys (as JSON gives them), in any order. */
function hasExactly(o: object, a: string, b: string, c?: string): boolean {
	if (Object.getPrototypeOf(o) !== Object.prototype) return false;
	let n = 0;
	for (const k in o) {
		if (k !== a && k !== b && k !== c) return false;
		n += 1;
	}
	return n === (c === undefined ? 2 : 3) && Object.hasOwn(o, a) && Object.hasOwn(o, b);
}

/** `{code, item, response: {type: 'single', choice}}` checked by hand, else the schema. */
export function parseAnswer(payload: unknown): Parsed {
	if (
		typeof payload === 'object' &&
		payload !== null &&
		hasExactly(payload, 'code', 'item', 'response')
	) {
		const { code, item, response } = payload as Record<string, unknown>;
		if (
			typeof code === 'string' &&
			CODE_PATTERN.test(code) &&
			isIndex(item) &&
			typeof response === 'object' &&
			response !== null &&
			hasExactly(response, 'type', 'choice') &&
			(response as { type: unknown }).type === 'single'
		) {
			const choice = (response as { choice: unknown }).choice;
			if (isIndex(choice))
				return { success: true, output: { code, item, response: { type: 'single', choice } } };
		}
	}
	const r = v.safeParse(AnswerSchema, payload);
	return r.success ? { success: true, output: r.output } : { success: false };
}
