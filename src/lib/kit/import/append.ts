/**
 * Adds imported questions to a kit file's text. Only the new lines are written: everything the
 * teacher wrote (comments, wrapping, key order) stays byte for byte, and each new question
 * carries a comment saying what still needs the teacher. Pure: text in, text out.
 */
import { isSeq, parseDocument, Document, YAMLSeq } from 'yaml';
import type { ImportedQuestion } from './types';
import type { Suggestion } from './suggest';

export interface Addition {
	question: ImportedQuestion;
	/** The evidence picked for a question that came without any. */
	picked: Suggestion | null;
	/** Where it came from, for the comment (e.g. `moodle.gift:12`). */
	from: string;
}

/** Key order of a kit question, as the seed kit writes it. */
const ORDER = [
	'id',
	'type',
	'skill',
	'prompt',
	'choices',
	'items',
	'answer',
	'accept',
	'tolerance',
	'unit',
	'maxLength',
	'explanation',
	'evidence'
];

function tidy(q: ImportedQuestion, picked: Suggestion | null): Record<string, unknown> {
	const withEvidence: Record<string, unknown> = {
		...q,
		evidence: q.evidence.length ? q.evidence : picked ? [picked.quote] : []
	};
	if (q.type === 'short' && q.maxLength === 80) delete withEvidence.maxLength;
	if (q.type === 'numeric' && q.tolerance === 0) delete withEvidence.tolerance;
	const out: Record<string, unknown> = {};
	for (const k of ORDER) {
		const value = withEvidence[k];
		if (value === null || value === undefined) continue;
		if (Array.isArray(value) && value.length === 0) continue;
		out[k] = value;
	}
	return out;
}

function note(a: Addition): string {
	const todo: string[] = [];
	if (a.question.explanation === null) todo.push('write an explanation');
	if (a.question.evidence.length === 0)
		todo.push(
			a.picked
				? `check the evidence, picked by word overlap from ${a.picked.label}`
				: 'add an evidence quote from the reading'
		);
	return ` Imported from ${a.from}.${todo.length ? ` To do: ${todo.join('; ')}.` : ''}`;
}

/** The kit file's text with `additions` appended to its `questions` list. */
export function appendQuestions(kitYaml: string, additions: Addition[]): string {
	if (additions.length === 0) return kitYaml;
	const doc = parseDocument(kitYaml);
	if (doc.errors.length) throw new Error(`the kit file does not parse: ${doc.errors[0]!.message}`);
	const node = doc.get('questions', true);
	const items = new Document(
		additions.map((a) => tidy(a.question, a.picked)),
		{ keepSourceTokens: false }
	);
	const seq = items.contents as YAMLSeq;
	additions.forEach((a, i) => {
		const item = seq.items[i] as { commentBefore?: string | null };
		item.commentBefore = note(a);
	});
	const block = items.toString({ lineWidth: 100, indentSeq: true });
	if (!isSeq(node) || !node.range || node.flow) {
		const tail = kitYaml.endsWith('\n') ? '' : '\n';
		return `${kitYaml}${tail}questions:\n${indent(block, '  ')}`;
	}
	const [, , end] = node.range;
	const before = kitYaml.slice(0, end).replace(/\n*$/, '\n');
	const lineStart = kitYaml.lastIndexOf('\n', node.range[0]) + 1;
	const pad = /^ */.exec(kitYaml.slice(lineStart))![0];
	return `${before}\n${indent(block, pad)}${kitYaml.slice(end).replace(/^\n*/, '\n')}`;
}

function indent(block: string, pad: string): string {
	return block
		.split('\n')
		.map((l) => (l ? pad + l : l))
		.join('\n')
		.replace(/\n*$/, '\n');
}
