import { error, fail, redirect } from '@sveltejs/kit';
import { buildReport } from '$lib/report/figures';
import { getContext } from '$lib/server/context';
import { dropReport, grantReport } from '$lib/server/report-access';
import { helpPercent, PRIVATE_HEADERS, readableSession } from '$lib/server/report-page';
import type { Actions, PageServerLoad } from './$types';

/** A session's report: the teacher's gate or this session's host key, else 404. */
export const load: PageServerLoad = async ({ cookies, params, url, setHeaders }) => {
	setHeaders(PRIVATE_HEADERS);
	const { state } = await readableSession(cookies, params.id);
	const help = helpPercent(url);
	return { report: buildReport(state, help / 100), help };
};

export const actions: Actions = {
	/** The controls post the host token here (never in a URL); a report cookie comes back. */
	open: async ({ request, params, cookies, url }) => {
		const code = params.id.toUpperCase();
		const token = String((await request.formData()).get('hostToken') ?? '');
		if (!(await grantReport(getContext().repo, cookies, code, token, url.protocol === 'https:')))
			error(404, { message: 'There is no report here.' });
		redirect(303, `/reports/${code}`);
	},
	delete: async ({ params, cookies, request }) => {
		const { code, state } = await readableSession(cookies, params.id);
		if ((await request.formData()).get('confirm') !== 'on')
			return fail(400, { error: 'Tick the box to confirm.' });
		if (state.core.phase !== 'ended')
			return fail(409, { error: 'End the session before deleting it.' });
		await getContext().repo.deleteSession(code);
		dropReport(cookies, code);
		redirect(303, `/reports?deleted=${code}`);
	}
};
