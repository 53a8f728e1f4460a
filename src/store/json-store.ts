import { closeSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Conf from 'conf';
import { LEFT_UNTOUCHED, StoreError } from './errors.js';
import { checkPrivateDir, ensurePrivateDir, openPrivate } from './file-guard.js';
import { type LockOptions, withLock } from './lock.js';
import { writeFailed } from './safe-write.js';

/**
 * One JSON file in the config directory, kept with conf, with a cross-process lock around every
 * read-modify-write so that concurrent commands never lose each other's changes. conf's writes
 * go through atomic-write.ts (see there), and every read first checks that the directory and the
 * file are this user's own and not a symbolic link (file-guard.ts).
 */
export class JsonStore<T extends Record<string, unknown>> {
  readonly path: string;
  readonly #dir: string;
  readonly #name: string;
  readonly #label: string;
  readonly #lock: LockOptions;
  #conf: Conf<T> | undefined;

  constructor(dir: string, name: string, label: string, lock: LockOptions = {}) {
    this.#dir = dir;
    this.#name = name;
    this.#label = label;
    this.#lock = lock;
    this.path = join(dir, `${name}.json`);
  }

  // Loaded for the first write only: conf (with ajv) costs ~50 ms to import, and a command that
  // only reads must also work where nothing can be written (conf creates the directory).
  async #store(): Promise<Conf<T>> {
    if (this.#conf) return this.#conf;
    const { default: ConfClass } = await import('conf');
    ensurePrivateDir(this.#dir);
    this.read(); // conf reads the file itself, following links: check it first
    this.#conf = this.#guard(
      () =>
        new ConfClass<T>({
          cwd: this.#dir,
          configName: this.#name,
          projectName: 'stackone-connect',
          configFileMode: 0o600,
          clearInvalidConfig: false, // a corrupt file is reported, never replaced
          accessPropertiesByDotNotation: false,
          serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
        }),
    );
    return this.#conf;
  }

  /** The whole file, fresh from disk; empty when there is none. */
  read(): Partial<T> {
    checkPrivateDir(this.#dir);
    const fd = openPrivate(this.path, constants.O_RDONLY, this.#label);
    if (fd === undefined) return {};
    let data: unknown;
    try {
      data = this.#guard(() => JSON.parse(readFileSync(fd, 'utf8')) as unknown);
    } finally {
      closeSync(fd);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new StoreError(`The ${this.#label} file ${this.path} does not hold a JSON object.`, this.path, LEFT_UNTOUCHED);
    }
    return data as Partial<T>;
  }

  /** Read, change and write under the lock; `change` returns the new content (the same object: no write). */
  async update<R>(change: (current: Partial<T>) => { next: T; result: R }): Promise<R> {
    const store = await this.#store();
    return withLock(
      this.path,
      () => {
        const current = this.read(); // checked as every read is, then the same content conf holds
        const { next, result } = change(current);
        if (next !== current) {
          try {
            store.store = next;
          } catch (error) {
            throw writeFailed(this.path, error); // the old file is intact (atomic-write.ts)
          }
        }
        return result;
      },
      this.#lock,
    );
  }

  #guard<R>(fn: () => R): R {
    try {
      return fn();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const e = error as NodeJS.ErrnoException;
      const reason =
        // The parser's message quotes the file, which holds keys and tokens: keep only the position.
        e.name === 'SyntaxError'
          ? `is not valid JSON${jsonPosition(e.message)}`
          : e.code === 'EACCES' || e.code === 'EPERM'
            ? 'cannot be read or written (permission denied)'
            : e.code === 'EISDIR'
              ? 'is a directory'
              : `cannot be used (${e.message})`;
      throw new StoreError(`The ${this.#label} file ${this.path} ${reason}.`, this.path, LEFT_UNTOUCHED, error);
    }
  }
}

function jsonPosition(message: string): string {
  const match = /position (\d+)/.exec(message);
  return match ? ` (at character ${match[1]})` : '';
}
