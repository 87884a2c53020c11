import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import { SaveRequestSchema, type SaveResponse } from '$lib/author/api';
import { getContext } from '$lib/server/context';
import { saveFromEditor } from '$lib/server/kit/authoring';
import { isSlug } from '$lib/server/kit/writer';
import { requireTeacher } from '$lib/server/teacher';
import type { RequestHandler } from './$types';

/** Saves the editor's kit: published when the loader accepts it, else kept as a draft. */
export const POST: RequestHandler = async (event) => {
	requireTeacher(event);
	const req = v.safeParse(SaveRequestSchema, await event.request.json());
	if (!req.success) error(400, 'not a kit');
	const send = (r: SaveResponse) => json(r);
	if (!isSlug(req.output.slug))
		return send({
			ok: false,
			published: false,
			message: 'The kit’s name (its folder) must be lowercase letters, digits and dashes.'
		});
	try {
		const result = saveFromEditor(getContext(), req.output);
		if ('taken' in result)
			return send({
				ok: false,
				published: false,
				message: `A kit called “${req.output.slug}” already exists: choose another name.`
			});
		return send(result);
	} catch (e) {
		return send({ ok: false, published: false, message: (e as Error).message });
	}
};
