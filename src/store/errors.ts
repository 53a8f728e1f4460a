/**
 * A local file (config, history, journal) that cannot be used as it is: unreadable, corrupt,
 * someone else's, a symbolic link, or a write that did not complete. `hint` says what to do.
 * Plain data: which exit code and wording it gets is decided where errors are reported.
 */
export class StoreError extends Error {
  readonly file: string;
  readonly hint: string | undefined;

  constructor(message: string, file: string, hint?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StoreError';
    this.file = file;
    this.hint = hint;
  }
}

/** The usual hint for a file that is there but cannot be used. */
export const LEFT_UNTOUCHED = 'It was left untouched: repair it, or move it away to start afresh.';
