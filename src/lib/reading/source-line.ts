/**
 * How a reading names where it came from, worded for its kind: an article is "first published in"
 * a publication, a speech is "delivered", a letter "written"; a public-domain text may have no
 * publisher or no source URL, and the line says only what is known.
 *
 * Invariants: pure (shared by the reading, self-study and guide pages); never invents a publisher
 * or a link; the link's label names what it leads to ("the original article" only for articles).
 */
import type { FrontMatter } from '../kit/schema';
import { formatDate } from './format';

type Meta = Pick<FrontMatter, 'kind' | 'publisher' | 'published' | 'source'>;

const VERB: Record<FrontMatter['kind'], string> = {
	article: 'First published',
	opinion: 'First published',
	essay: 'First published',
	poem: 'First published',
	chapter: 'Published',
	document: 'Issued',
	speech: 'Delivered',
	letter: 'Written'
};

const LINK: Record<FrontMatter['kind'], string> = {
	article: 'Read the original article',
	opinion: 'Read the original article',
	essay: 'Read the original essay',
	poem: 'Read the source text',
	chapter: 'Read the source text',
	document: 'Read the original document',
	speech: 'Read the source transcript',
	letter: 'Read the source text'
};

export interface SourceLine {
	/** E.g. "First published in", "Delivered on": the words before the publisher or date. */
	text: string;
	publisher: string | null;
	date: string;
	link: { href: string; label: string } | null;
}

/** The date label a kicker shows: "Delivered 19 November 1863" for a speech. */
export function dateLabel(meta: Pick<Meta, 'kind' | 'published'>): string {
	const date = formatDate(meta.published);
	return meta.kind === 'speech' || meta.kind === 'letter' ? `${VERB[meta.kind]} ${date}` : date;
}

export function sourceLine(meta: Meta): SourceLine {
	const verb = VERB[meta.kind];
	const publisher = meta.publisher ?? null;
	return {
		text: publisher ? `${verb} ${meta.kind === 'speech' ? 'at' : 'in'}` : `${verb} on`,
		publisher,
		date: formatDate(meta.published),
		link: meta.source ? { href: meta.source, label: LINK[meta.kind] } : null
	};
}

/** The whole line as plain text (print, guide, tests). */
export function sourceText(meta: Meta): string {
	const l = sourceLine(meta);
	return l.publisher ? `${l.text} ${l.publisher} on ${l.date}.` : `${l.text} ${l.date}.`;
}
