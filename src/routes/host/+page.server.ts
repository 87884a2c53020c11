import { fail, redirect } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import { createSession, defaultItems, SessionInputError } from '$lib/server/sessions';
import { parseSessionForm } from './form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => {
	const { kits } = getContext();
	const list = kits.list();
	const kit = kits.get(url.searchParams.get('kit') ?? '') ?? list[0];
	if (!kit) return { kits: [], kit: null, items: [] };
	const ctx = getContext();
	const items = defaultItems(ctx, kit.slug).map((ref) => {
		const [kind, id, round] = ref.split(':');
		const q = kind === 'q' ? kit.questions.find((x) => x.id === id) : undefined;
		const p = kind === 'p' ? kit.polls.find((x) => x.id === id) : undefined;
		return {
			ref,
			kind,
			type: q?.type ?? p?.type ?? '',
			round: round ?? null,
			text: q?.prompt ?? p?.prompt ?? ''
		};
	});
	return {
		kits: list.map((k) => ({ slug: k.slug, title: k.meta.title })),
		kit: { slug: kit.slug, title: kit.meta.title },
		items
	};
};

export const actions: Actions = {
	default: async ({ request }) => {
		const form = parseSessionForm(await request.formData());
		if ('error' in form) return fail(400, { error: form.error });
		let code: string;
		let hostToken: string;
		try {
			({ code, hostToken } = createSession(getContext(), form));
		} catch (e) {
			if (e instanceof SessionInputError) return fail(400, { error: e.message });
			throw e;
		}
		redirect(303, `/room/${code}/host#key=${hostToken}`);
	}
};
