/**
 * The server's structured log (pino, one JSON line per event). Secrets never reach it: tokens,
 * keys, passcodes and the cookie or authorization headers are replaced by `[redacted]` wherever
 * they sit in the first three levels of what is logged. Participant ids and session codes are not
 * secrets (codes are on the projector) and stay readable. QUORUM_LOG_LEVEL sets the level.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const SECRETS = ['token', 'hostToken', 'key', 'screenKey', 'passcode', 'reviewKey', 'tokenHash'];
const HEADERS = ['cookie', 'authorization', 'set-cookie'];

export const REDACT_PATHS = [
	...SECRETS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
	...HEADERS.flatMap((h) => [`headers.${h}`, `*.headers.${h}`, `*.*.headers.${h}`])
].map((p) => p.replace(/\.([a-z]+-[a-z-]+)$/, '["$1"]'));

export function createLogger(destination?: DestinationStream): Logger {
	const options = {
		level: process.env.QUORUM_LOG_LEVEL ?? 'info',
		base: { app: 'quorum' },
		redact: { paths: REDACT_PATHS, censor: '[redacted]' }
	};
	return destination ? pino(options, destination) : pino(options);
}

export const log = createLogger();
