/** Secrets and codes. Tokens are stored only as SHA-256 hashes. */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** No 0/O, 1/I/L: a code read off a projector from the back row must be unambiguous. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newCode(): string {
	let code = '';
	for (let i = 0; i < 6; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
	return code;
}

export const newToken = () => randomBytes(24).toString('base64url');
export const newId = () => randomBytes(9).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Length of a resume code: 12 symbols of 31, about 59 bits, typed on a second device. */
export const RESUME_LENGTH = 12;

/**
 * A student's resume code: derived from their token (one way), so every device that holds the
 * token can show it, and typing it on another device takes the same place in the session.
 */
export function resumeCodeFor(token: string): string {
	const bytes = createHash('sha256').update(`resume:${token}`).digest();
	let out = '';
	// 256 % 31 = 8: the first 8 symbols are 1/32 likelier; 12 symbols keep well over 58 bits.
	for (let i = 0; i < RESUME_LENGTH; i++) out += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
	return out;
}

/** What a student typed, as stored: capitals, no spaces or dashes. */
export const normalizeResume = (typed: string) => typed.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * The private review link's key: derived from the resume code (itself derived from the token),
 * never the other way, so a review link left in a shared browser's history shows the misses
 * without letting anyone take the student's place in a session; and a student who resumed on a
 * second device gets the same link there.
 */
export const reviewKeyForResume = (resume: string) =>
	createHash('sha256').update(`review:${resume}`).digest('base64url');
export const reviewKeyFor = (token: string) => reviewKeyForResume(resumeCodeFor(token));

export function sameSecret(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}
