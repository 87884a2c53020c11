/**
 * What the self-study page needs of a kit: the reading, the questions with their answer keys
 * (self-study grades on the device, so it works offline once loaded) and the polls. Teacher
 * notes stay on the server.
 */
import type { Kit } from '../kit/types';

export type StudyKit = Pick<
	Kit,
	'slug' | 'blocks' | 'captionHtml' | 'footnotes' | 'glossary' | 'questions' | 'polls'
> & {
	meta: Pick<
		Kit['meta'],
		'kind' | 'title' | 'author' | 'publisher' | 'published' | 'source' | 'credit'
	> & {
		notes: string[];
	};
};

export function toStudyKit(kit: Kit): StudyKit {
	const { kind, title, author, publisher, published, source, credit, notes } = kit.meta;
	return {
		slug: kit.slug,
		meta: { kind, title, author, publisher, published, source, credit, notes },
		blocks: kit.blocks,
		captionHtml: kit.captionHtml,
		footnotes: kit.footnotes,
		glossary: kit.glossary,
		// Item notes are the teacher's: self-study is a student page.
		questions: kit.questions.map((q) => withoutNotes(q)),
		polls: kit.polls.map((p) => withoutNotes(p))
	};
}

/** A copy of an item without its teacher notes. */
export function withoutNotes<T extends { notes?: string; notesHtml?: string }>(item: T): T {
	const copy = { ...item };
	delete copy.notes;
	delete copy.notesHtml;
	return copy;
}
