/** Shapes of a loaded kit, shared by server routes and client components. */
import type { FrontMatter, Poll, Question } from './schema';

/** A quote from the reading resolved to the block that holds it. */
export interface Evidence {
	quote: string;
	/** Element id in the reading page, e.g. `p-7`, `caption`, `fn-1`. */
	anchor: string;
	/** Human label: "paragraph 7", "the photo caption", "footnote 1". */
	label: string;
}

export interface Block {
	anchor: string;
	/** 1-based paragraph number for body paragraphs; null for headings, lists and the like. */
	n: number | null;
	kind: 'paragraph' | 'other';
	/** Sanitized HTML, with glossary terms marked. */
	html: string;
	text: string;
}

export interface GlossaryEntry {
	slug: string;
	term: string;
	definition: string;
	/** Anchor of the block where the term is marked, if found. */
	anchor: string | null;
}

export type LoadedQuestion = Question & { evidenceRefs: Evidence[] };
export type LoadedPoll = Poll & { evidenceRefs: Evidence[] };

export interface Kit {
	slug: string;
	meta: FrontMatter;
	summary: string;
	level: string | null;
	blocks: Block[];
	captionHtml: string | null;
	footnotes: { anchor: string; html: string; text: string }[];
	notes: string[];
	glossary: GlossaryEntry[];
	keyPoints: { text: string; evidenceRefs: Evidence[] }[];
	questions: LoadedQuestion[];
	polls: LoadedPoll[];
	teacherNotesHtml: string;
	wordCount: number;
	readingMinutes: number;
}

export interface KitSummary {
	slug: string;
	title: string;
	author: string;
	published: string;
	publisher: string;
	readingMinutes: number;
	questions: Partial<Record<Question['type'], number>>;
	polls: Partial<Record<Poll['type'], number>>;
	glossary: number;
	keyPoints: number;
}

export interface BrokenKit {
	slug: string;
	errors: string[];
}
