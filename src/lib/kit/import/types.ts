/** What an importer makes of another tool's question file, before it joins a kit. */
import type { Question } from '../schema';

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A kit question that may still lack what only the reading can give: an explanation when the
 * source had no feedback, and evidence quotes (other tools know nothing of the reading).
 */
export type ImportedQuestion = Without<Question, 'explanation' | 'evidence' | 'id'> & {
	id: string;
	explanation: string | null;
	evidence: string[];
};

export interface Imported {
	/** 1-based line of the question in the source file. */
	line: number;
	/** The source's own title (GIFT `::title::`), if any. */
	title: string | null;
	/** GIFT `$CATEGORY:` in force, if any. */
	category: string | null;
	question: ImportedQuestion;
}

/** Something in the source that was not imported, and why, at its line. */
export interface Problem {
	line: number;
	message: string;
}

export interface ImportResult {
	questions: Imported[];
	problems: Problem[];
}

/** A kit id from a title or prompt: lowercase words and dashes, unique among `taken`. */
export function makeId(text: string, taken: Set<string>): string {
	const asIs = /^[a-z0-9][a-z0-9-]{0,63}$/.test(text) ? text : null;
	const base =
		(asIs ??
			text
				.normalize('NFKD')
				.replace(/[\u0300-\u036f]/g, '')
				.toLowerCase()
				.replace(/[^a-z0-9]+/g, ' ')
				.trim()
				.split(' ')
				.filter(Boolean)
				.slice(0, 6)
				.join('-')
				.slice(0, 48)
				.replace(/-+$/, '')) ||
		'question';
	let id = /^[a-z0-9]/.test(base) ? base : `q-${base}`;
	for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
	taken.add(id);
	return id;
}
