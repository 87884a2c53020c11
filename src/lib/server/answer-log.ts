/**
 * The answer log: how a live answer is stored before its ack without a SQLite commit on the way.
 *
 * A recorded answer is appended to this file (one `write()`) and the student is acked; the
 * repository copies pending answers into SQLite with its next transaction, or within a few
 * milliseconds, and then empties the file. A process that stops before that leaves the file
 * behind, and the next start copies it in before anything reads the database. The guarantee is
 * the one a SQLite commit in WAL mode with `synchronous = NORMAL` gives: the bytes are in the
 * operating system's hands before the ack, so a crash or a kill of the server loses nothing; a
 * power cut may lose the last moments, as it may with the WAL.
 *
 * One line per answer: `{"c": code, "a": Answer}`. A line cut short (the process died inside a
 * write) was never acked and is skipped when read back.
 *
 * One server process per database file: the log is held through `<file>.lock` (the holder's
 * pid), and a second process is refused instead of replaying and emptying a live log. A lock
 * left by a process that died is taken over.
 */
import {
	closeSync,
	fstatSync,
	ftruncateSync,
	openSync,
	readFileSync,
	unlinkSync,
	writeFileSync,
	writeSync
} from 'node:fs';
import type { Answer } from '../room/types';

export interface LoggedAnswer {
	code: string;
	answer: Answer;
}

export class AnswerLog {
	private fd: number;
	/** Bytes in the file: a failed append is cut back to this, so no later line is glued to it. */
	private size: number;

	private constructor(
		readonly file: string,
		private lockFile: string
	) {
		this.fd = openSync(file, 'a');
		this.size = fstatSync(this.fd).size;
	}

	/**
	 * Takes the log (refused while another live process holds it), with what a previous process
	 * left in it: answers it logged but never wrote to the database, and how many lines could
	 * not be read. Write those to the database, then `clear()`.
	 */
	static open(file: string): { log: AnswerLog; left: LoggedAnswer[]; unreadable: number } {
		const lockFile = `${file}.lock`;
		lock(lockFile);
		const left: LoggedAnswer[] = [];
		let unreadable = 0;
		let text = '';
		try {
			text = readFileSync(file, 'utf8');
		} catch {
			// No log yet.
		}
		for (const line of text.split('\n')) {
			if (!line) continue;
			try {
				const { c, a } = JSON.parse(line) as { c?: unknown; a?: Answer };
				if (typeof c !== 'string' || typeof a?.participantId !== 'string') throw line;
				left.push({ code: c, answer: a });
			} catch {
				unreadable += 1;
			}
		}
		return { log: new AnswerLog(file, lockFile), left, unreadable };
	}

	/** Appends answers in one write. Throws if they could not all be written (nothing kept). */
	append(entries: LoggedAnswer[]): void {
		let text = '';
		for (const e of entries) text += JSON.stringify({ c: e.code, a: e.answer }) + '\n';
		const bytes = Buffer.from(text);
		try {
			let done = 0;
			while (done < bytes.length) done += writeSync(this.fd, bytes, done);
		} catch (e) {
			try {
				ftruncateSync(this.fd, this.size);
			} catch {
				// The write failed already; a torn line is skipped when read back.
			}
			throw e;
		}
		this.size += bytes.length;
	}

	/** Empties the file, once everything in it is in the database. */
	clear(): void {
		if (this.size === 0) return;
		ftruncateSync(this.fd, 0);
		this.size = 0;
	}

	/** Closes the file and lets go of it (call after writing everything to the database). */
	close(): void {
		closeSync(this.fd);
		try {
			unlinkSync(this.lockFile);
		} catch {
			// Already gone.
		}
	}
}

/** Creates the lock file with this pid, taking over one whose process is gone. */
function lock(lockFile: string) {
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
			return;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
		const holder = Number(readFileSync(lockFile, 'utf8').trim());
		if (holder > 0 && alive(holder))
			throw new Error(
				holder === process.pid
					? `${lockFile}: this process has the database open already`
					: `${lockFile}: another Quorum server (pid ${holder}) is using this database`
			);
		unlinkSync(lockFile);
	}
	throw new Error(`${lockFile}: could not take the lock`);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		// EPERM: it exists, under another user.
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}
