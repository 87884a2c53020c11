import { error } from '@sveltejs/kit';
import { CODE_PATTERN } from '$lib/protocol';
import { getContext } from '$lib/server/context';
import type { LayoutServerLoad } from './$types';

/** Routes read the database, never another process's memory. */
export const load: LayoutServerLoad = async ({ params }) => {
	const code = params.code.toUpperCase();
	if (!CODE_PATTERN.test(code) || !(await getContext().repo.codeExists(code))) {
		error(404, {
			message: `There is no session with the code ${code}. Check the code on the board.`
		});
	}
	return { code };
};
