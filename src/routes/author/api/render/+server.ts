import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { RenderRequestSchema } from '$lib/author/api';
import { renderForEditor } from '$lib/server/kit/authoring';
import { requireTeacher } from '$lib/server/teacher';
import type { RequestHandler } from './$types';

/** The reading's blocks and quote targets, rendered by the server's Markdown module. */
export const POST: RequestHandler = async (event) => {
	requireTeacher(event);
	const req = v.safeParse(RenderRequestSchema, await event.request.json());
	if (!req.success) error(400, 'not a reading');
	return json(renderForEditor(req.output.meta, req.output.body));
};
