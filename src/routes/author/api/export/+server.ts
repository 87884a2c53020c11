import { error } from '@sveltejs/kit';
import { strToU8, zipSync } from 'fflate';
import { toAiken, toGift } from '$lib/kit/import/export';
import { getContext } from '$lib/server/context';
import { isSlug, readKitFiles } from '$lib/server/kit/writer';
import { requireTeacher } from '$lib/server/teacher';
import type { RequestHandler } from './$types';

/**
 * A kit for another tool: its questions as GIFT or Aiken (a served kit's), or the whole kit
 * (its draft if it has one) as a .zip of its two files.
 */
export const GET: RequestHandler = (event) => {
	requireTeacher(event);
	const slug = event.url.searchParams.get('slug') ?? '';
	const format = event.url.searchParams.get('format');
	if (!isSlug(slug)) error(404, 'There is no such kit.');
	const download = (body: BodyInit, type: string, name: string) =>
		new Response(body, {
			headers: {
				'content-type': type,
				'content-disposition': `attachment; filename="${name}"`
			}
		});
	if (format === 'zip') {
		const files = readKitFiles(getContext().kits.dir, slug);
		if (!files) error(404, 'There is no such kit.');
		const zip = zipSync({
			[`${slug}/reading.md`]: strToU8(files.reading),
			[`${slug}/kit.yaml`]: strToU8(files.kit)
		});
		return download(new Blob([zip as Uint8Array<ArrayBuffer>]), 'application/zip', `${slug}.zip`);
	}
	const kit = getContext().kits.get(slug);
	if (!kit) error(404, 'Only a saved kit without errors exports its questions.');
	if (format === 'gift')
		return download(toGift(kit.questions).text, 'text/plain; charset=utf-8', `${slug}.gift.txt`);
	if (format === 'aiken')
		return download(toAiken(kit.questions).text, 'text/plain; charset=utf-8', `${slug}.aiken.txt`);
	error(400, 'Export as gift, aiken or zip.');
};
