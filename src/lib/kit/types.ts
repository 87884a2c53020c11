/** Shapes of a loaded kit, shared by server routes and client components. */
import type { FrontMatter, Poll, Question } from './schema';
import type { Readability } from './readability';

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

/**
 * `notesHtml` is the item's teacher notes rendered (sanitized); like `notes`, it goes to teacher
 * routes only. Optional because rooms stored before it existed carry items without it.
 */
export type LoadedQuestion = Question & { evidenceRefs: Evidence[]; notesHtml?: string };
export type LoadedPoll = Poll & { evidenceRefs: Evidence[]; notesHtml?: string };

/** One step of a lesson plan, resolved against the kit. */
export interface LoadedLessonStep {
	/** The item as the host form names it (`q:<id>`, `p:<id>`, `p:<id>:before`), or null. */
	ref: string | null;
	itemId: string | null;
	kind: 'question' | 'poll' | null;
	/** The item's prompt, or null for an activity step. */
	prompt: string | null;
	round: 'before' | 'after' | null;
	minutes: number | null;
	note: string | null;
}

export interface LessonPlan {
	name: string;
	minutes: number;
	steps: LoadedLessonStep[];
	/** The plan's items in order, ready to preset the host form. */
	refs: string[];
}

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
	/** Curriculum codes for the whole kit. */
	standards: string[];
	lessonPlans: LessonPlan[];
	readability: Readability;
	wordCount: number;
	readingMinutes: number;
}

export interface KitSummary {
	slug: string;
	title: string;
	author: string;
	published: string;
	publisher: string | null;
	kind: FrontMatter['kind'];
	readingMinutes: number;
	readability: Readability;
	questions: Partial<Record<Question['type'], number>>;
	polls: Partial<Record<Poll['type'], number>>;
	glossary: number;
	keyPoints: number;
}

export interface BrokenKit {
	slug: string;
	errors: string[];
}
