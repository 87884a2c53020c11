import { error } from '@sveltejs/kit';
import { getContext } from '$lib/server/context';
import type { LayoutServerLoad } from './$types';

/** Routes read the database, never another process's memory. */
export const load: LayoutServerLoad = async ({ params }) => {
	const code = params.code.toUpperCase();
	if (!/^[A-Z2-9]{6}$/.test(code) || !(await getContext().repo.codeExists(code))) {
		error(404, {
			message: `There is no session with the code ${code}. Check the code on the board.`
		});
	}
	return { code };
};
