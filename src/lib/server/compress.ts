/**
 * Compression of the pages and data SvelteKit renders, for phones on a school's Wi-Fi. The
 * static files are compressed once at build (adapter-node's `precompress`, served by sirv with
 * their own Content-Encoding, which this leaves alone); a rendered page was sent as it was made:
 * the student's room page is 10.4 KB of HTML with its styles inlined, 3.3 KB once compressed.
 *
 * `compression` (expressjs) negotiates gzip or Brotli from Accept-Encoding, adds `Vary`, and
 * skips what is small or encoded already. Only HTML and JSON go through it: SvelteKit streams
 * its data with other types, and a compressor would hold a stream's chunks back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';

const COMPRESSED_TYPES = /^(text\/html|application\/json)\s*(;|$)/i;

/** Whether a response of this Content-Type is compressed here. */
export function compressible(contentType: unknown): boolean {
	return typeof contentType === 'string' && COMPRESSED_TYPES.test(contentType);
}

/** Wraps `res` so that what is written to it is compressed when the client accepts it. */
export const compress = compression({
	filter: (_req: IncomingMessage, res: ServerResponse) =>
		compressible(res.getHeader('content-type'))
});
