import { securityHeaders } from '$lib/server/headers';

export const handle = securityHeaders;
