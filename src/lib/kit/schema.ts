/**
 * The kit file format: one schema, used by the loader on the server and for types on the client.
 *
 * Invariants:
 * - Every question has an `id` unique in its kit, an explanation and at least one evidence quote.
 * - Choice answers are letters (A, B, …) because that is how teachers and students name them.
 * - An ordering question lists its items in the correct order; the room shuffles them.
 * - Evidence quotes are verbatim from the reading; the loader resolves them to paragraph anchors.
 */
import * as v from 'valibot';

const text = (max = 2000) =>
	v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max));
const id = v.pipe(
	v.string(),
	v.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and dashes')
);
const letter = v.pipe(v.string(), v.regex(/^[A-H]$/, 'must be a choice letter A to H'));
const evidence = v.pipe(
	v.array(text(600)),
	v.minLength(1, 'needs at least one evidence quote from the reading')
);
const choices = v.pipe(
	v.array(text(300)),
	v.minLength(2, 'needs at least two choices'),
	v.maxLength(8)
);
const skill = v.optional(
	v.picklist([
		'recall',
		'vocabulary',
		'cause-effect',
		'claim-evidence',
		'tone-purpose',
		'structure',
		'inference'
	])
);

/** Free curriculum codes, e.g. `CCSS.ELA-LITERACY.RI.9-10.6`. */
const standards = v.optional(v.pipe(v.array(text(80)), v.maxLength(20)));
/** What a teacher says at this item (Markdown). Teacher routes only, never a student or the projector. */
const notes = v.optional(text(2000));

const questionBase = {
	id,
	prompt: text(600),
	explanation: text(1200),
	evidence,
	skill,
	standards,
	notes
};

export const QuestionSchema = v.variant('type', [
	v.strictObject({ ...questionBase, type: v.literal('single'), choices, answer: letter }),
	v.strictObject({
		...questionBase,
		type: v.literal('multiple'),
		choices,
		answer: v.pipe(v.array(letter), v.minLength(1, 'needs at least one correct letter'))
	}),
	v.strictObject({ ...questionBase, type: v.literal('truefalse'), answer: v.boolean() }),
	v.strictObject({
		...questionBase,
		type: v.literal('ordering'),
		items: v.pipe(v.array(text(300)), v.minLength(3, 'needs at least three items'), v.maxLength(8))
	}),
	v.strictObject({
		...questionBase,
		type: v.literal('short'),
		accept: v.pipe(v.array(text(120)), v.minLength(1, 'needs at least one accepted answer')),
		maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 80)
	}),
	v.strictObject({
		...questionBase,
		type: v.literal('numeric'),
		answer: v.pipe(v.number(), v.finite()),
		tolerance: v.optional(v.pipe(v.number(), v.minValue(0)), 0),
		unit: v.optional(text(40))
	})
]);

const pollBase = { id, prompt: text(600), evidence: v.optional(evidence), standards, notes };

export const PollSchema = v.variant('type', [
	/** Agreement on a claim, 5 points from strongly disagree to strongly agree. */
	v.strictObject({ ...pollBase, type: v.literal('scale'), claim: text(600) }),
	/** The same scale asked twice, to bracket a discussion: before and after. */
	v.strictObject({ ...pollBase, type: v.literal('pair'), claim: text(600) }),
	v.strictObject({
		...pollBase,
		type: v.literal('choice'),
		options: choices,
		multiple: v.optional(v.boolean(), false)
	}),
	/** A one-sentence argument tagged for or against the claim. */
	v.strictObject({
		...pollBase,
		type: v.literal('open'),
		claim: v.optional(text(600)),
		maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(20), v.maxValue(280)), 200)
	}),
	v.strictObject({
		...pollBase,
		type: v.literal('wordcloud'),
		maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(3), v.maxValue(40)), 30)
	}),
	/**
	 * An extended written response with a short rubric the student sees while writing. Never
	 * graded by Quorum: the teacher reads it (controls, reports); no other student or the
	 * projector ever sees its text.
	 */
	v.strictObject({
		...pollBase,
		type: v.literal('writing'),
		rubric: v.pipe(
			v.array(text(300)),
			v.minLength(1, 'needs at least one rubric criterion'),
			v.maxLength(8, 'has more than 8 rubric criteria')
		),
		minWords: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2000))),
		maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(5000)), 3000)
	})
]);

/**
 * A lesson plan: a name, its length and its steps in order. A step runs a kit item (`item`, with
 * `round` for a pair poll) or is an activity without one (`note` only, such as the reading). The
 * host page offers plans as presets, so every item id is checked by the loader.
 */
export const LessonStepSchema = v.strictObject({
	item: v.optional(id),
	round: v.optional(v.picklist(['before', 'after'], 'must be before or after')),
	minutes: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(240))),
	note: v.optional(text(600))
});

export const LessonPlanSchema = v.strictObject({
	name: text(80),
	minutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(240)),
	steps: v.pipe(v.array(LessonStepSchema), v.minLength(1, 'needs at least one step'))
});

export const KitSchema = v.strictObject({
	summary: text(400),
	level: v.optional(text(80)),
	keyPoints: v.pipe(
		v.array(v.strictObject({ text: text(300), evidence })),
		v.minLength(1, 'needs at least one key point')
	),
	glossary: v.optional(
		v.array(
			v.strictObject({
				term: text(120),
				/** Forms of the term as they appear in the reading; the first match is marked. */
				match: v.optional(v.array(text(120))),
				definition: text(800)
			})
		),
		[]
	),
	questions: v.pipe(v.array(QuestionSchema), v.minLength(1, 'needs at least one question')),
	polls: v.optional(v.array(PollSchema), []),
	teacherNotes: v.optional(v.string(), ''),
	standards: v.optional(v.pipe(v.array(text(80)), v.maxLength(40)), []),
	lessonPlans: v.optional(v.array(LessonPlanSchema), [])
});

/** What sort of text the reading is; it words the credit line (a speech is delivered, not published). */
export const TEXT_KINDS = [
	'article',
	'opinion',
	'speech',
	'letter',
	'chapter',
	'essay',
	'poem',
	'document'
] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** A text to read beside this one (Newsela and CommonLit call them paired texts). */
export const PairedTextSchema = v.strictObject({
	title: text(300),
	source: text(200),
	date: v.optional(v.pipe(v.string(), v.isoDate('must be a date written YYYY-MM-DD'))),
	url: v.optional(v.pipe(v.string(), v.url('must be a full URL'))),
	why: text(300)
});

export const FrontMatterSchema = v.strictObject({
	kind: v.optional(v.picklist(TEXT_KINDS, `must be one of: ${TEXT_KINDS.join(', ')}`), 'article'),
	title: text(200),
	author: text(200),
	/** Optional for public-domain texts (a speech, a letter, an old book). */
	publisher: v.optional(text(200)),
	/** For a speech, the day it was delivered. */
	published: v.pipe(v.string(), v.isoDate('must be a date written YYYY-MM-DD')),
	source: v.optional(v.pipe(v.string(), v.url('must be a full URL'))),
	credit: text(600),
	caption: v.optional(text(600)),
	/** An editor's note about the caption (e.g. the photo is not reproduced), shown apart from it. */
	captionNote: v.optional(text(300)),
	pairedTexts: v.optional(v.pipe(v.array(PairedTextSchema), v.maxLength(12)), []),
	footnotes: v.optional(v.array(text(600)), []),
	notes: v.optional(v.array(text(600)), [])
});

export type Question = v.InferOutput<typeof QuestionSchema>;
export type QuestionType = Question['type'];
export type Poll = v.InferOutput<typeof PollSchema>;
export type PollType = Poll['type'];
export type KitFile = v.InferOutput<typeof KitSchema>;
export type FrontMatter = v.InferOutput<typeof FrontMatterSchema>;
export type PairedText = v.InferOutput<typeof PairedTextSchema>;
export type LessonStep = v.InferOutput<typeof LessonStepSchema>;

export const QUESTION_TYPES: QuestionType[] = [
	'single',
	'multiple',
	'truefalse',
	'ordering',
	'short',
	'numeric'
];
export const POLL_TYPES: PollType[] = ['scale', 'pair', 'choice', 'open', 'wordcloud', 'writing'];

export const LETTERS = 'ABCDEFGH';
