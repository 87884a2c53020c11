/**
 * Moodle GIFT, read as Moodle's own importer reads it (docs.moodle.org, "GIFT format"), into kit
 * questions. Pure: text in, questions and problems out.
 *
 * Rules, each with a test in tests/unit/gift.test.ts:
 * - Questions are separated by blank lines; lines starting with `//` are comments. Comments
 *   `// evidence: <quote>` and `// unit: <unit>` just before a question are Quorum's own
 *   (written by `toGift`): they carry what GIFT has no place for through a round trip, and
 *   Moodle ignores them.
 * - `$CATEGORY: path` sets the category of the questions after it.
 * - `::title::` names a question; `[html]`, `[moodle]`, `[plain]`, `[markdown]` set the text
 *   format (HTML tags are dropped: kits hold plain text).
 * - `\~ \= \# \{ \} \:` are the special characters escaped; `\n` is a new line.
 * - The answer block `{…}`: `=right ~wrong` is one right answer (single); `~%50%a ~%50%b`
 *   weights, any answer with a positive weight is right (multiple); only `=` answers is short
 *   answer; `T`, `TRUE`, `F`, `FALSE` is true/false; `#3.14:0.01`, `#1..5` and `#=3:0 =%50%3:1`
 *   are numerical (answer with tolerance, a range, or the best of several answers);
 *   `####text` at its end is the general feedback, which becomes the explanation (else the
 *   right answer's own `#feedback`).
 * - Not imported, each reported at its line: matching (`->`), missing word (text after the
 *   block), essay (`{}`), descriptions (no block), more than 8 choices.
 */
import { LETTERS } from '../schema';
import { makeId, type Imported, type ImportResult, type Problem } from './types';

const SPECIAL = /\\([~=#{}:])/g;

function unescape(s: string): string {
	return s
		.replace(/\\n/g, '\n')
		.replace(SPECIAL, '$1')
		.replace(/[ \t]+\n/g, '\n')
		.trim();
}

/** Index of the first `ch` at or after `from` that is not escaped with a backslash. */
function indexOfUnescaped(s: string, ch: string, from = 0): number {
	for (let i = from; i < s.length; i++) {
		if (s[i] === '\\') i++;
		else if (s.startsWith(ch, i)) return i;
	}
	return -1;
}

/** Splits on unescaped `sep`, keeping escapes for `unescape` later. */
function splitUnescaped(s: string, sep: string): string[] {
	const parts: string[] = [];
	let start = 0;
	for (let i = indexOfUnescaped(s, sep); i >= 0; i = indexOfUnescaped(s, sep, start)) {
		parts.push(s.slice(start, i));
		start = i + sep.length;
	}
	parts.push(s.slice(start));
	return parts;
}

function plainText(text: string, format: string | null): string {
	if (format !== 'html' && format !== 'moodle') return text;
	return text
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<[^>]*>/g, '')
		.replace(/&nbsp;/g, ' ')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&amp;/g, '&');
}

interface Answer {
	right: boolean;
	weight: number | null;
	text: string;
	feedback: string | null;
}

/** `=a#fb ~%50%b ~c` → answers, in order. */
function readAnswers(body: string): Answer[] {
	const answers: Answer[] = [];
	let i = 0;
	const marks = () => {
		const eq = indexOfUnescaped(body, '=', i);
		const tilde = indexOfUnescaped(body, '~', i);
		return eq < 0 ? tilde : tilde < 0 ? eq : Math.min(eq, tilde);
	};
	for (let at = marks(); at >= 0;) {
		const right = body[at] === '=';
		i = at + 1;
		const next = marks();
		let raw = body.slice(at + 1, next < 0 ? body.length : next);
		let weight: number | null = null;
		const w = /^\s*%(-?\d+(?:\.\d+)?)%/.exec(raw);
		if (w) {
			weight = Number(w[1]);
			raw = raw.slice(w[0].length);
		}
		const [text = '', ...fb] = splitUnescaped(raw, '#');
		answers.push({
			right: right || (weight !== null && weight > 0),
			weight: right && weight === null ? 100 : weight,
			text: unescape(text),
			feedback: fb.length ? unescape(fb.join('#')) || null : null
		});
		at = next;
		i = next < 0 ? body.length : next;
	}
	return answers;
}

/** `3.14:0.01`, `1..5` or `3` → answer and tolerance. */
function readNumber(spec: string): { answer: number; tolerance: number } | null {
	const range = /^(-?[\d.]+(?:e-?\d+)?)\s*\.\.\s*(-?[\d.]+(?:e-?\d+)?)$/i.exec(spec.trim());
	if (range) {
		const lo = Number(range[1]);
		const hi = Number(range[2]);
		if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) return null;
		return { answer: (lo + hi) / 2, tolerance: (hi - lo) / 2 };
	}
	const [a = '', t = '0'] = spec.split(':');
	const answer = Number(a.trim());
	const tolerance = Number(t.trim());
	if (a.trim() === '' || !Number.isFinite(answer) || !Number.isFinite(tolerance)) return null;
	return { answer, tolerance: Math.abs(tolerance) };
}

type Parsed = Omit<Imported, 'line' | 'category'> | { problem: string };

function parseQuestion(src: string, taken: Set<string>): Parsed {
	let text = src.trim();
	let title: string | null = null;
	if (text.startsWith('::')) {
		const end = indexOfUnescaped(text, '::', 2);
		if (end < 0) return { problem: 'the title has no closing "::"' };
		title = unescape(text.slice(2, end)) || null;
		text = text.slice(end + 2).trim();
	}
	let format: string | null = null;
	const fmt = /^\[(html|moodle|plain|markdown)\]/i.exec(text);
	if (fmt) {
		format = fmt[1]!.toLowerCase();
		text = text.slice(fmt[0].length);
	}
	const open = indexOfUnescaped(text, '{');
	if (open < 0) return { problem: 'a description with no answers: not a question, not imported' };
	const close = indexOfUnescaped(text, '}', open);
	if (close < 0) return { problem: 'the answers have no closing "}"' };
	if (text.slice(close + 1).trim() !== '')
		return {
			problem: 'a missing-word question (text after the answers): not supported, not imported'
		};
	const prompt = unescape(plainText(text.slice(0, open), format));
	if (!prompt) return { problem: 'the question has no text' };
	let body = text.slice(open + 1, close).trim();
	let general: string | null = null;
	const g = indexOfUnescaped(body, '####');
	if (g >= 0) {
		general = unescape(plainText(body.slice(g + 4), format)) || null;
		body = body.slice(0, g).trim();
	}
	const id = makeId(title ?? prompt, taken);
	const base = { id, prompt, evidence: [] as string[] };

	if (body === '')
		return { problem: 'an essay question (empty answers): not supported, not imported' };
	if (body.startsWith('#')) {
		const spec = body.slice(1).trim();
		let num: { answer: number; tolerance: number } | null = null;
		let feedback: string | null = null;
		if (spec.startsWith('=')) {
			// Several answers: the one with full marks is the key.
			const best = readAnswers(spec).find((a) => (a.weight ?? 100) === 100);
			num = best ? readNumber(best.text) : null;
			feedback = best?.feedback ?? null;
		} else {
			const [value = '', ...fb] = splitUnescaped(spec, '#');
			num = readNumber(unescape(value));
			feedback = fb.length ? unescape(fb.join('#')) || null : null;
		}
		if (!num) return { problem: `a numerical answer that is not a number: "${spec}"` };
		return {
			title,
			question: { ...base, type: 'numeric', ...num, explanation: general ?? feedback }
		};
	}
	const tf = /^(T|TRUE|F|FALSE)\s*(?:#|$)/i.exec(body);
	if (tf) {
		const [, ...fb] = splitUnescaped(body, '#');
		// Moodle: the first feedback is shown for a wrong answer, the second for a right one.
		const rightFeedback = fb[1] !== undefined ? unescape(fb[1]) : null;
		return {
			title,
			question: {
				...base,
				type: 'truefalse',
				answer: tf[1]!.toUpperCase().startsWith('T'),
				explanation: general ?? (rightFeedback || null)
			}
		};
	}
	const answers = readAnswers(body);
	if (answers.length === 0) return { problem: 'no answers found between "{" and "}"' };
	if (answers.some((a) => indexOfUnescaped(a.text, '->') >= 0 || a.text.includes('->')))
		return { problem: 'a matching question ("->"): not supported, not imported' };
	const explanation = general ?? answers.find((a) => a.right && a.feedback)?.feedback ?? null;
	const hasTilde = indexOfUnescaped(body, '~') >= 0;
	if (!hasTilde) {
		return {
			title,
			question: {
				...base,
				type: 'short',
				accept: answers.filter((a) => (a.weight ?? 100) === 100).map((a) => a.text),
				maxLength: 80,
				explanation
			}
		};
	}
	if (answers.length > LETTERS.length)
		return { problem: `${answers.length} choices: a kit question has at most ${LETTERS.length}` };
	if (answers.length < 2) return { problem: 'a choice question needs at least two choices' };
	const right = answers.flatMap((a, i) => (a.right ? [LETTERS[i]!] : []));
	if (right.length === 0) return { problem: 'no right answer ("=" or a positive "%weight%")' };
	const choices = answers.map((a) => a.text);
	const several = answers.some((a) => a.weight !== null && a.weight > 0 && a.weight < 100);
	if (right.length === 1 && !several)
		return {
			title,
			question: { ...base, type: 'single', choices, answer: right[0]!, explanation }
		};
	return { title, question: { ...base, type: 'multiple', choices, answer: right, explanation } };
}

/** Reads a GIFT file. `taken` holds ids already in the kit, so new ones do not collide. */
export function parseGift(source: string, taken: Iterable<string> = []): ImportResult {
	const ids = new Set(taken);
	const questions: Imported[] = [];
	const problems: Problem[] = [];
	let category: string | null = null;
	let block: string[] = [];
	let blockLine = 0;
	let evidence: string[] = [];
	let pendingEvidence: string[] = [];
	let unit: string | null = null;
	let pendingUnit: string | null = null;
	const flush = () => {
		if (block.length === 0) return;
		const text = block.join('\n');
		const cat = /^\$CATEGORY:\s*(.*)$/.exec(text.trim());
		if (cat) category = cat[1]!.trim() || null;
		else {
			const parsed = parseQuestion(text, ids);
			if ('problem' in parsed) problems.push({ line: blockLine, message: parsed.problem });
			else {
				const question = { ...parsed.question, evidence };
				if (question.type === 'numeric' && unit) question.unit = unit;
				questions.push({ line: blockLine, category, title: parsed.title, question });
			}
		}
		block = [];
		evidence = [];
		unit = null;
	};
	const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
	lines.forEach((line, i) => {
		const trimmed = line.trim();
		if (trimmed.startsWith('//')) {
			const ours = /^\/\/\s*(evidence|unit):\s*(.+)$/.exec(trimmed);
			if (ours?.[1] === 'evidence') pendingEvidence.push(ours[2]!.trim());
			else if (ours) pendingUnit = ours[2]!.trim();
			return;
		}
		if (trimmed === '') {
			flush();
			return;
		}
		if (block.length === 0) {
			blockLine = i + 1;
			evidence = pendingEvidence;
			unit = pendingUnit;
			pendingEvidence = [];
			pendingUnit = null;
		}
		block.push(line);
	});
	flush();
	return { questions, problems };
}
