import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Conf from 'conf';
import { StateError } from '../errors.js';
import { ensureConfigDir } from './config-dir.js';

/**
 * One JSON file in the config directory, read and written with conf (atomic writes, mode 0600),
 * with a cross-process lock around every read-modify-write so that concurrent commands never
 * lose each other's records.
 */
export class JsonStore<T extends Record<string, unknown>> {
  readonly path: string;
  readonly #dir: string;
  readonly #name: string;
  readonly #label: string;
  #conf: Conf<T> | undefined;

  constructor(dir: string, name: string, label: string) {
    this.#dir = dir;
    this.#name = name;
    this.#label = label;
    this.path = join(dir, `${name}.json`);
  }

  // Loaded for the first write only: conf (with ajv) costs ~50 ms to import, and a command that
  // only reads must also work where nothing can be written (conf creates the directory).
  async #store(): Promise<Conf<T>> {
    if (this.#conf) return this.#conf;
    const { default: ConfClass } = await import('conf');
    this.#conf = this.#guard(() => {
      ensureConfigDir(this.#dir);
      return new ConfClass<T>({
        cwd: this.#dir,
        configName: this.#name,
        projectName: 'stackone-connect',
        configFileMode: 0o600,
        clearInvalidConfig: false, // a corrupt file is reported, never replaced
        accessPropertiesByDotNotation: false,
        serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
      });
    });
    return this.#conf;
  }

  /** Loads what a write takes (conf, proper-lockfile) ahead of one that is coming, off its critical path. */
  preloadWriter(): void {
    void import('conf').catch(() => undefined);
    void import('proper-lockfile').catch(() => undefined);
  }

  /** The whole file, fresh from disk, read as conf reads it; empty when there is none. */
  read(): Partial<T> {
    const data = this.#guard(() => {
      try {
        return JSON.parse(readFileSync(this.path, 'utf8')) as unknown;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw error;
      }
    });
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new StateError(`The ${this.#label} file ${this.path} does not hold a JSON object.`, this.path,
        'It was left untouched: repair it, or move it away to start afresh.');
    }
    return data as Partial<T>;
  }

  /** Read, change and write under the lock; `change` returns the new content (the same object: no write). */
  async update<R>(change: (current: Partial<T>) => { next: T; result: R }): Promise<R> {
    const store = await this.#store();
    const { default: lockfile } = await import('proper-lockfile');
    let release: (() => Promise<void>) | undefined;
    try {
      release = await lockfile.lock(this.path, {
        realpath: false, // the file may not exist yet
        stale: 10_000,
        retries: { retries: 200, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true },
      });
    } catch (error) {
      throw new StateError(`Cannot lock ${this.path}: ${(error as Error).message}`, this.path,
        `If no other stackone-connect is running, remove ${this.path}.lock.`, error);
    }
    try {
      const current = this.#guard(() => store.store) as Partial<T>;
      const { next, result } = change(current);
      if (next !== current) {
        this.#guard(() => {
          store.store = next;
        });
      }
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }

  #guard<R>(fn: () => R): R {
    try {
      return fn();
    } catch (error) {
      if (error instanceof StateError) throw error;
      const e = error as NodeJS.ErrnoException;
      const reason =
        // The parser's message quotes the file, which holds keys and tokens: keep only the position.
        e.name === 'SyntaxError' ? `is not valid JSON${jsonPosition(e.message)}`
        : e.code === 'EACCES' || e.code === 'EPERM' ? 'cannot be read or written (permission denied)'
        : e.code === 'EISDIR' ? 'is a directory'
        : `cannot be used (${e.message})`;
      throw new StateError(`The ${this.#label} file ${this.path} ${reason}.`, this.path,
        'It was left untouched: repair it, or move it away to start afresh.', error);
    }
  }
}

function jsonPosition(message: string): string {
  const match = /position (\d+)/.exec(message);
  return match ? ` (at character ${match[1]})` : '';
}
