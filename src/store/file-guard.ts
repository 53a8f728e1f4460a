import { chmodSync, closeSync, constants, fstatSync, mkdirSync, openSync, type Stats, statSync } from 'node:fs';
import { StoreError } from './errors.js';

/**
 * API keys, session tokens and auth links live in these files: they are trusted only when they
 * are this user's own. A directory or file owned by someone else, or writable by group or others,
 * could be read or swapped by them; a symbolic link would have us rewrite (and chmod) whatever it
 * points at. Such state is refused, never repaired: nothing here ever chowns.
 */

const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/** Why these stats are not safe to keep secrets in, or undefined. */
function unsafe(stats: Stats): string | undefined {
  if (uid === undefined) return undefined; // Windows: ACLs, not modes
  if (stats.uid !== uid) return `it belongs to another user (uid ${stats.uid}, you are ${uid})`;
  if (stats.mode & 0o022) return `it is writable by ${stats.mode & 0o002 ? 'other users' : 'its group'} (mode ${octal(stats.mode)})`;
  return undefined;
}

/** Creates the directory 0700, or checks the one that is there. */
export function ensurePrivateDir(dir: string): void {
  try {
    const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask; set it exactly on what we created.
    if (created !== undefined) chmodSync(dir, 0o700);
  } catch (error) {
    throw new StoreError(
      `Cannot create the config directory ${dir}: ${(error as Error).message}`,
      dir,
      'Set STACKONE_CONFIG_DIR to a directory you can write.',
      error,
    );
  }
  checkPrivateDir(dir);
}

/** The config directory must be a directory of this user's that only they can write. */
export function checkPrivateDir(dir: string): void {
  let stats: Stats;
  try {
    stats = statSync(dir); // a symlinked directory (dotfiles) is fine if its target is private
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StoreError(`Cannot use the config directory ${dir}: ${(error as Error).message}`, dir, undefined, error);
  }
  if (!stats.isDirectory())
    throw new StoreError(`The config directory ${dir} is not a directory.`, dir, 'Set STACKONE_CONFIG_DIR to a directory of your own.');
  const problem = unsafe(stats);
  if (problem) {
    throw new StoreError(
      `Refusing to keep API keys and session tokens in ${dir}: ${problem}.`,
      dir,
      `Use a directory only you can write: chmod 700 ${dir} (if it is yours), or set STACKONE_CONFIG_DIR.`,
    );
  }
}

/** What a file of the config directory holds must be checked before it is read or appended to. */
export function checkPrivateFile(path: string, stats: Stats, label: string): void {
  if (!stats.isFile()) throw new StoreError(`The ${label} file ${path} is not a regular file.`, path, 'Move it away to start afresh.');
  const problem = unsafe(stats);
  if (problem) {
    throw new StoreError(
      `Refusing to use the ${label} file ${path}: ${problem}.`,
      path,
      `If it is yours: chmod 600 ${path}. Otherwise move it away.`,
    );
  }
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Opens a file of the config directory without following a symbolic link, and checks what was
 * opened (not the path, which could change in between). Undefined when there is no such file.
 */
export function openPrivate(path: string, flags: number, label: string, mode = 0o600): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, flags | NOFOLLOW, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') {
      throw new StoreError(
        `The ${label} file ${path} is a symbolic link: refusing to follow it.`,
        path,
        'Keep the real file in the config directory (or point STACKONE_CONFIG_DIR at its directory).',
        error,
      );
    }
    if (code === 'EISDIR') throw new StoreError(`The ${label} file ${path} is a directory.`, path, 'Move it away to start afresh.', error);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new StoreError(`The ${label} file ${path} cannot be read or written (permission denied).`, path, undefined, error);
    }
    throw new StoreError(`The ${label} file ${path} cannot be used (${(error as Error).message}).`, path, undefined, error);
  }
  try {
    checkPrivateFile(path, fstatSync(fd), label);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}
