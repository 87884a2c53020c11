/** The kit editor's two requests to the server, checked on arrival (shared by both ends). */
import * as v from 'valibot';

const data = v.record(v.string(), v.unknown());

export const RenderRequestSchema = v.object({
	meta: data,
	body: v.pipe(v.string(), v.maxLength(500_000))
});

export const SaveRequestSchema = v.object({
	slug: v.string(),
	isNew: v.boolean(),
	meta: data,
	body: v.pipe(v.string(), v.maxLength(500_000)),
	kit: data,
	/** The kit.yaml text the kit is written over (the teacher's comments and wording). */
	kitSource: v.optional(v.pipe(v.string(), v.maxLength(1_000_000))),
	asDraft: v.optional(v.boolean())
});

export type SaveResponse =
	| { ok: true; published: boolean; diagnostics: [] }
	| {
			ok: false;
			published: false;
			diagnostics: { file: 'reading.md' | 'kit.yaml' | null; line: number; message: string }[];
	  }
	| { ok: false; published: false; message: string };

export const CheckRequestSchema = v.object({
	slug: v.string(),
	meta: data,
	body: v.pipe(v.string(), v.maxLength(500_000)),
	kitYaml: v.pipe(v.string(), v.maxLength(1_000_000))
});
