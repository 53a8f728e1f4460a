import { closeSync, constants, fdatasync, fstatSync, fsyncSync, ftruncateSync, readSync, writeSync } from 'node:fs';
import { LEFT_UNTOUCHED, StoreError } from './errors.js';
import { openPrivate } from './file-guard.js';
import { writeFailed } from './safe-write.js';

/**
 * A file of JSON lines that only ever grows: adding an entry costs one write whatever the file
 * holds. An append that fails half way (a full disk) is cut off again, and a line torn by a
 * crash is skipped when reading and cut off by the next append: nothing written whole before
 * is ever lost. Callers hold the file's lock (lock.ts) around append().
 */
export class AppendLog<T> {
  constructor(
    readonly path: string,
    private readonly label: string,
  ) {}

  /** Appends the entries in one write, each on its own line. */
  append(entries: T[]): void {
    if (entries.length === 0) return;
    const handle = this.open();
    try {
      handle.write(entries);
      try {
        fsyncSync(handle.fd);
      } catch (error) {
        handle.undo();
        throw writeFailed(this.path, error);
      }
    } finally {
      handle.close();
    }
  }

  /**
   * The file open for appending, for a writer that holds the lock for a while (a campaign's
   * journal): a line torn by a writer that crashed is cut off first.
   */
  open(): AppendHandle<T> {
    const fd = openPrivate(this.path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, this.label)!;
    try {
      const size = fstatSync(fd).size;
      // A line torn by a writer that crashed (the lock is ours now) is never a whole entry: cut it off.
      const whole = wholeLinesEnd(fd, size);
      if (whole < size) ftruncateSync(fd, whole);
      return new AppendHandle<T>(this.path, fd, whole);
    } catch (error) {
      closeSync(fd);
      throw writeFailed(this.path, error);
    }
  }

  /** Every entry, oldest first; a torn last line is skipped. */
  readAll(): T[] {
    const out: T[] = [];
    this.#scan(false, (entry) => {
      out.push(entry);
      return true;
    });
    return out;
  }

  /** Entries newest first until `visit` returns false: reads only the end of a long file. */
  readBackwards(visit: (entry: T) => boolean): void {
    this.#scan(true, visit);
  }

  #scan(backwards: boolean, visit: (entry: T) => boolean): void {
    const fd = openPrivate(this.path, constants.O_RDONLY, this.label);
    if (fd === undefined) return;
    try {
      const size = fstatSync(fd).size;
      const lines = backwards ? linesBackwards(fd, size) : linesForwards(fd, size);
      for (const { text, offset, last } of lines) {
        if (text.trim() === '') continue;
        let entry: T;
        try {
          entry = JSON.parse(text) as T;
        } catch {
          if (last) continue; // torn by a crash mid-append: never a complete entry
          throw new StoreError(
            `The ${this.label} file ${this.path} has a line that is not valid JSON (at byte ${offset}).`,
            this.path,
            LEFT_UNTOUCHED,
          );
        }
        if (!visit(entry)) return;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** An append-only file held open: each write() is one write(2); sync() makes them durable off the main thread. */
export class AppendHandle<T> {
  #before: number;

  constructor(
    readonly path: string,
    readonly fd: number,
    private size: number,
  ) {
    this.#before = size;
  }

  /** Appends the entries in one write; one that fails half way is cut off again. */
  write(entries: T[]): void {
    if (entries.length === 0) return;
    const bytes = Buffer.from(`${entries.map((e) => JSON.stringify(e)).join('\n')}\n`, 'utf8');
    this.#before = this.size;
    try {
      let written = 0;
      while (written < bytes.length) {
        const n = writeSync(this.fd, bytes, written, bytes.length - written);
        if (n <= 0) throw Object.assign(new Error('the disk took no more bytes'), { code: 'ENOSPC' });
        written += n;
      }
      this.size += bytes.length;
    } catch (error) {
      try {
        ftruncateSync(this.fd, this.size); // back to the entries that were there
      } catch {
        // the reader skips a torn last line anyway
      }
      throw writeFailed(this.path, error);
    }
  }

  /** Cuts off what the last write() added (it could not be made durable). */
  undo(): void {
    try {
      ftruncateSync(this.fd, this.#before);
      this.size = this.#before;
    } catch {
      // the reader skips a torn last line anyway
    }
  }

  /** Everything written so far, on disk (a power cut keeps it), without blocking the event loop. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => fdatasync(this.fd, (error) => (error ? reject(writeFailed(this.path, error)) : resolve())));
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Where the last whole line ends: the size, or just after the last newline when a torn line follows it. */
function wholeLinesEnd(fd: number, size: number): number {
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const chunk = Buffer.alloc(end - start);
    readSync(fd, chunk, 0, chunk.length, start);
    if (end === size && chunk[chunk.length - 1] === 0x0a) return size;
    const nl = chunk.lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return 0;
}

const CHUNK = 1 << 16;

interface Line {
  text: string;
  offset: number;
  /** The line at the end of the file without a newline: possibly torn. */
  last: boolean;
}

function* linesForwards(fd: number, size: number): Generator<Line> {
  let carry = Buffer.alloc(0);
  let carryAt = 0;
  for (let position = 0; position < size; position += CHUNK) {
    const chunk = Buffer.alloc(Math.min(CHUNK, size - position));
    readSync(fd, chunk, 0, chunk.length, position);
    let data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      yield { text: data.toString('utf8', start, nl), offset: carryAt + start, last: false };
      start = nl + 1;
    }
    carryAt += start;
    carry = data.subarray(start);
    data = carry;
  }
  if (carry.length > 0) yield { text: carry.toString('utf8'), offset: carryAt, last: true };
}

function* linesBackwards(fd: number, size: number): Generator<Line> {
  let pending = Buffer.alloc(0); // the end part of a line whose start is further back
  let end = size;
  let final = true; // the segment after the file's last newline: empty, or a torn line
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const chunk = Buffer.alloc(end - start);
    readSync(fd, chunk, 0, chunk.length, start);
    const data = pending.length > 0 ? Buffer.concat([chunk, pending]) : chunk;
    let stop = data.length;
    let nl = data.lastIndexOf(0x0a, stop - 1);
    while (nl >= 0) {
      yield { text: data.toString('utf8', nl + 1, stop), offset: start + nl + 1, last: final };
      final = false;
      stop = nl;
      nl = stop > 0 ? data.lastIndexOf(0x0a, stop - 1) : -1;
    }
    pending = data.subarray(0, stop);
    end = start;
  }
  yield { text: pending.toString('utf8'), offset: 0, last: final };
}
