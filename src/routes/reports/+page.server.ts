import { getContext } from '$lib/server/context';
import { heldReports, seesEveryReport } from '$lib/server/report-access';
import { PRIVATE_HEADERS } from '$lib/server/report-page';
import { requireTeacher } from '$lib/server/teacher';
import type { PageServerLoad } from './$types';

/** Every session for the unlocked teacher; in open mode, only those this browser holds keys to. */
export const load: PageServerLoad = async (event) => {
	requireTeacher(event);
	event.setHeaders(PRIVATE_HEADERS);
	const { repo } = getContext();
	const all = seesEveryReport(event.cookies);
	const sessions = all
		? await repo.listSessions()
		: await repo.listSessions(500, await heldReports(repo, event.cookies));
	return { all, sessions, deleted: event.url.searchParams.get('deleted') };
};
