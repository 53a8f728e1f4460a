import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file's content so that a reader only ever sees the old file or the whole new one,
 * and a full disk or a crash never leaves a short file in its place: write a temp file beside it,
 * check every byte was written, fsync, then rename over the old one (rename replaces a symbolic
 * link at that path instead of writing through it). On any failure the old file stays as it was,
 * and the error (ENOSPC, EACCES, ...) is thrown as the system gave it.
 *
 * conf writes through the `atomically` package, which neither checks that the temp file was
 * written whole before renaming it (a full disk left a truncated config.json) nor leaves signals
 * alone (it re-sends SIGINT/SIGTERM to the process after its exit hook). The build and the tests
 * point conf's import of `atomically` here instead (tsup.config.ts, vitest.config.ts): this file
 * is bundled with conf, so it holds plain functions only, no classes of ours.
 */
export function replaceFileSync(path: string, data: string | Uint8Array, mode = 0o600): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
    let written = 0;
    while (written < bytes.length) {
      const n = writeSync(fd, bytes, written, bytes.length - written);
      if (n <= 0) throw Object.assign(new Error('the disk took no more bytes'), { code: 'ENOSPC' });
      written += n;
    }
    if (fstatSync(fd).size !== bytes.length)
      throw Object.assign(new Error('the file on disk is shorter than what was written'), { code: 'EIO' });
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already gone
    }
    throw error;
  }
  syncDirectory(dirname(path));
}

/** Makes the rename itself durable; best effort (not every platform can open a directory). */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // the data is safe either way; only the rename may not have reached the disk yet
  }
}

/** `atomically`'s writeFileSync(path, data, options), as conf calls it. */
export function writeFileSync(path: string, data: string | Uint8Array, options?: { mode?: number } | string): void {
  replaceFileSync(path, data, typeof options === 'object' && options.mode !== undefined ? options.mode : 0o600);
}
