/**
 * Compression of the pages and data SvelteKit renders, for phones on a school's Wi-Fi. The
 * static files are compressed once at build (adapter-node's `precompress`, served by sirv with
 * their own Content-Encoding, which this leaves alone); a rendered page was sent as it was made:
 * the student's room page is 10.4 KB of HTML with its styles inlined, 3.3 KB once compressed.
 *
 * `compression` (expressjs) negotiates gzip or Brotli from Accept-Encoding, adds `Vary`, and
 * leaves alone what is encoded already and JSON under 1 KB (a page has no Content-Length, so it
 * is always compressed). Only HTML and JSON go through it (not CSV or spreadsheet downloads,
 * nor SvelteKit's `text/sveltekit-data`).
 *
 * Never stream a page through it: nothing calls `res.flush()`, so a page whose `load` returns a
 * promise to stream would reach the phone only once the promise settled. No route streams; one
 * that does must be let through uncompressed here (or flushed).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';

/** The Content-Types compressed here. */
const COMPRESSED_TYPES = /^(text\/html|application\/json)\s*(;|$)/i;

/** Wraps `res` so that what is written to it is compressed when the client accepts it. */
export const compress = compression({
	filter: (_req: IncomingMessage, res: ServerResponse) => {
		const type = res.getHeader('content-type');
		return typeof type === 'string' && COMPRESSED_TYPES.test(type);
	}
});
