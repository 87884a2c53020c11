/** The part of `compression` (expressjs, no types of its own) that `compress.ts` uses. */
declare module 'compression' {
	import type { IncomingMessage, ServerResponse } from 'node:http';

	interface Options {
		/** Whether to compress this response (by default: its type is compressible). */
		filter?: (req: IncomingMessage, res: ServerResponse) => boolean;
		/** Smallest body compressed, in bytes (default 1 KB). */
		threshold?: number;
	}
	type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
	export default function compression(options?: Options): Middleware;
}
