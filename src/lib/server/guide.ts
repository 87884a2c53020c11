/**
 * The teacher guide's view of a kit: everything a teacher prepares from (key points, notes, lesson
 * plans, readability, standards, paired texts) and every item with its key, explanation, evidence
 * and notes. Server-only: it holds the answer key, so only the guide route (behind the teacher's
 * gate) may send it.
 */
import type { PairedText } from '../kit/schema';
import type { Evidence, Kit, LessonPlan } from '../kit/types';
import type { Readability } from '../kit/readability';
import { describeCorrect } from '../room/describe';
import { dateLabel, sourceText } from '../reading/source-line';

export interface GuideItem {
	id: string;
	kind: 'question' | 'poll';
	type: string;
	skill: string | null;
	prompt: string;
	/** Choices, ordering items (in the right order) or poll options. */
	options: string[];
	claim: string | null;
	/** The key in words (questions only). */
	answer: string | null;
	explanation: string | null;
	evidence: Evidence[];
	notesHtml: string | null;
	standards: string[];
}

export interface GuideView {
	slug: string;
	title: string;
	author: string;
	kind: string;
	source: string;
	dateLabel: string;
	summary: string;
	level: string | null;
	readability: Readability;
	readingMinutes: number;
	standards: string[];
	pairedTexts: PairedText[];
	keyPoints: { text: string; evidence: Evidence[] }[];
	teacherNotesHtml: string;
	lessonPlans: LessonPlan[];
	questions: GuideItem[];
	polls: GuideItem[];
}

export function guideView(kit: Kit): GuideView {
	return {
		slug: kit.slug,
		title: kit.meta.title,
		author: kit.meta.author,
		kind: kit.meta.kind,
		source: sourceText(kit.meta),
		dateLabel: dateLabel(kit.meta),
		summary: kit.summary,
		level: kit.level,
		readability: kit.readability,
		readingMinutes: kit.readingMinutes,
		standards: kit.standards,
		pairedTexts: kit.meta.pairedTexts,
		keyPoints: kit.keyPoints.map((k) => ({ text: k.text, evidence: k.evidenceRefs })),
		teacherNotesHtml: kit.teacherNotesHtml,
		lessonPlans: kit.lessonPlans,
		questions: kit.questions.map((q) => ({
			id: q.id,
			kind: 'question',
			type: q.type,
			skill: q.skill ?? null,
			prompt: q.prompt,
			options:
				q.type === 'single' || q.type === 'multiple'
					? q.choices
					: q.type === 'ordering'
						? q.items
						: [],
			claim: null,
			answer: describeCorrect(q),
			explanation: q.explanation,
			evidence: q.evidenceRefs,
			notesHtml: q.notesHtml ?? null,
			standards: q.standards ?? []
		})),
		polls: kit.polls.map((p) => ({
			id: p.id,
			kind: 'poll',
			type: p.type,
			skill: null,
			prompt: p.prompt,
			options: p.type === 'choice' ? p.options : [],
			claim: 'claim' in p ? (p.claim ?? null) : null,
			answer: null,
			explanation: null,
			evidence: p.evidenceRefs,
			notesHtml: p.notesHtml ?? null,
			standards: p.standards ?? []
		}))
	};
}
