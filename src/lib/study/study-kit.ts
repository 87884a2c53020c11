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
	meta: Pick<Kit['meta'], 'title' | 'author' | 'publisher' | 'published' | 'source' | 'credit'> & {
		notes: string[];
	};
};

export function toStudyKit(kit: Kit): StudyKit {
	const { title, author, publisher, published, source, credit, notes } = kit.meta;
	return {
		slug: kit.slug,
		meta: { title, author, publisher, published, source, credit, notes },
		blocks: kit.blocks,
		captionHtml: kit.captionHtml,
		footnotes: kit.footnotes,
		glossary: kit.glossary,
		questions: kit.questions,
		polls: kit.polls
	};
}
