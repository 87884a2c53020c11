/**
 * The answer log's append when the file takes less than it was given (a short write) or fails
 * halfway (a full disk): `node:fs` is wrapped so that a write can stop where a test says. The
 * line written is whole, byte for byte, or nothing of it stays.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Answer } from '../../src/lib/room/types';

/** What the next string write does: all of it, stop after `bytes`, or stop there and fail. */
const next = vi.hoisted(() => ({ cut: null as null | { bytes: number; fail: boolean } }));

vi.mock('node:fs', async (importOriginal) => {
	const fs = await importOriginal<typeof import('node:fs')>();
	const writeSync = (fd: number, data: unknown, ...rest: unknown[]): number => {
		const cut = next.cut;
		if (cut && typeof data === 'string') {
			next.cut = null;
			const written = fs.writeSync(fd, Buffer.from(data), 0, cut.bytes);
			if (cut.fail) throw Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
			return written;
		}
		return (fs.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
	};
	return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { AnswerLog } = await import('../../src/lib/server/answer-log');

const dirs: string[] = [];
afterEach(() => {
	next.cut = null;
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logFile() {
	const dir = mkdtempSync(join(tmpdir(), 'quorum-log-writes-'));
	dirs.push(dir);
	return join(dir, 'q.db-answers');
}

const answer = (participantId: string, text: string): Answer => ({
	participantId,
	item: 0,
	response: { type: 'open', text, side: 'for' },
	at: 1000,
	credit: null,
	points: 0
});
const line = (a: Answer) => JSON.stringify({ c: 'ABCDEF', a }) + '\n';
/** Bytes into `a`'s line up to one byte inside its first '漢' (three bytes in UTF-8). */
const insideKanji = (a: Answer) => Buffer.from(line(a)).indexOf(Buffer.from('漢')) + 1;

describe('an answer-log append', () => {
	it('finishes a short write from the byte where it stopped, mid-character included', () => {
		const file = logFile();
		const { log } = AnswerLog.open(file);
		const a = answer('p1', 'Prévu: 漢字 😀');
		next.cut = { bytes: insideKanji(a), fail: false };
		log.append([{ code: 'ABCDEF', answer: a }]);
		expect(next.cut).toBeNull();
		expect(readFileSync(file, 'utf8')).toBe(line(a));
		expect((log as unknown as { size: number }).size).toBe(Buffer.byteLength(line(a)));
		log.close();
	});

	it('cuts a failed write back to the last whole line, and the next append follows it', () => {
		const file = logFile();
		const { log } = AnswerLog.open(file);
		const first = answer('p1', 'Prévu: 漢字');
		const failed = answer('p2', 'Ça 漢 va');
		const third = answer('p3', 'après');
		log.append([{ code: 'ABCDEF', answer: first }]);
		next.cut = { bytes: insideKanji(failed), fail: true };
		expect(() => log.append([{ code: 'ABCDEF', answer: failed }])).toThrow(/ENOSPC/);
		expect(readFileSync(file, 'utf8')).toBe(line(first));
		expect(log.broken).toBe(false);
		log.append([{ code: 'ABCDEF', answer: third }]);
		expect(readFileSync(file, 'utf8')).toBe(line(first) + line(third));
		log.close();
		// Read back by the next start: the two whole answers, nothing unreadable.
		const again = AnswerLog.open(file);
		expect(again.left.map((l) => l.answer.participantId)).toEqual(['p1', 'p3']);
		expect(again.unreadable).toBe(0);
		again.log.close();
	});
});
