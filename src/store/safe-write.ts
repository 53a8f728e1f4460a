import { replaceFileSync } from './atomic-write.js';
import { StoreError } from './errors.js';

/** Replaces a file whole (atomic-write.ts), or throws a StoreError that says the old file is intact. */
export function replaceFile(path: string, data: string | Uint8Array, mode = 0o600): void {
  try {
    replaceFileSync(path, data, mode);
  } catch (error) {
    throw writeFailed(path, error);
  }
}

export function writeFailed(path: string, error: unknown): StoreError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EDQUOT'
        ? 'the disk quota is exhausted'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : (error as Error).message;
  return new StoreError(
    `Could not write ${path}: ${why}. It was left as it was before.`,
    path,
    code === 'ENOSPC' || code === 'EDQUOT' ? 'Free some space, then run the command again.' : undefined,
    error,
  );
}
