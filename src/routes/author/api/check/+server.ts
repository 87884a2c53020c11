import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { CheckRequestSchema } from '$lib/author/api';
import { tidyReading } from '$lib/kit/tidy';
import { checkFiles } from '$lib/server/kit/writer';
import { requireTeacher } from '$lib/server/teacher';
import type { RequestHandler } from './$types';

/** What the real loader says of the kit as it stands in the editor, nothing written. */
export const POST: RequestHandler = async (event) => {
	requireTeacher(event);
	const req = v.safeParse(CheckRequestSchema, await event.request.json());
	if (!req.success) error(400, 'not a kit');
	const { slug, meta, body, kitYaml } = req.output;
	return json({
		diagnostics: checkFiles(slug, { reading: tidyReading('', meta, body), kit: kitYaml })
	});
};
