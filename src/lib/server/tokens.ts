/** Secrets and codes. Tokens are stored only as SHA-256 hashes. */
import { createHash, randomBytes, randomInt } from 'node:crypto';

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
