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
 * One server process per database file: the log is held through `<file>.lock`, a SQLite file
 * on which the holder keeps an exclusive lock (`locking_mode = EXCLUSIVE`). The kernel drops it
 * when the holder dies, however it dies, so a restart after a crash takes it at once, and a
 * second server (or a second open in this process) is refused instead of emptying a live log.
 */
import Database from 'better-sqlite3';
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Answer } from '../room/types';

export interface LoggedAnswer {
	code: string;
	answer: Answer;
}

export class AnswerLog {
	private fd: number;
	/** Bytes in the file: a failed append is cut back to this, so no later line is glued to it. */
	private size: number;
	/** A failed append could not be cut back: nothing more is appended (callers commit instead). */
	broken = false;

	private constructor(
		readonly file: string,
		private lock: Database.Database
	) {
		this.fd = openSync(file, 'a');
		this.size = fstatSync(this.fd).size;
	}

	/**
	 * Takes the log (refused while another server holds it), with what a previous process left
	 * in it: answers it logged but never wrote to the database, and how many lines could not be
	 * read. Write those to the database, then `clear()`.
	 */
	static open(file: string): { log: AnswerLog; left: LoggedAnswer[]; unreadable: number } {
		const lock = takeLock(`${file}.lock`);
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
		try {
			return { log: new AnswerLog(file, lock), left, unreadable };
		} catch (e) {
			lock.close();
			throw e;
		}
	}

	/** Appends answers in one write. Throws if they could not all be written (nothing kept). */
	append(entries: LoggedAnswer[]): void {
		if (this.broken) throw new Error(`${this.file}: not appending after a failed write`);
		let text = '';
		for (const e of entries)
			text += `{"c":${JSON.stringify(e.code)},"a":${JSON.stringify(e.answer)}}\n`;
		const length = Buffer.byteLength(text);
		try {
			// A string is written without a Buffer made for it; a short write (rare on a file) goes
			// on from where it stopped.
			const done = writeSync(this.fd, text);
			if (done < length) {
				const bytes = Buffer.from(text);
				for (let at = done; at < length;) at += writeSync(this.fd, bytes, at);
			}
		} catch (e) {
			try {
				ftruncateSync(this.fd, this.size);
			} catch {
				// A torn line stays: the next one would be glued to it, so append no more.
				this.broken = true;
			}
			throw e;
		}
		this.size += length;
	}

	/** Empties the file, once everything in it is in the database. */
	clear(): void {
		if (this.size === 0) return;
		ftruncateSync(this.fd, 0);
		this.size = 0;
	}

	/** Closes the file and lets go of it (after writing everything to the database). */
	close(): void {
		closeSync(this.fd);
		this.lock.close();
	}
}

/** An exclusive lock on a small SQLite file, held by this connection until it closes. */
function takeLock(lockFile: string): Database.Database {
	const db = new Database(lockFile, { timeout: 0 });
	try {
		db.pragma('locking_mode = EXCLUSIVE');
		db.pragma('journal_mode = MEMORY');
		// The first write takes the exclusive lock; in this mode it is never given back.
		db.exec(
			`BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER);
			 DELETE FROM holder; INSERT INTO holder VALUES (${process.pid}); COMMIT;`
		);
		return db;
	} catch (e) {
		db.close();
		if ((e as { code?: string }).code === 'SQLITE_BUSY')
			throw new Error(
				`${lockFile}: another Quorum server is using this database (one server per database file)`
			);
		throw e;
	}
}
