/** The run was interrupted (its abort signal fired): `reason` is the signal's, e.g. 'SIGINT'. */
export class Interrupted extends Error {
  readonly reason: unknown;
  constructor(reason?: unknown) {
    super('Interrupted.');
    this.name = 'Interrupted';
    this.reason = reason;
  }
}

/** setTimeout fires at once for anything longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * setTimeout as a promise that the signal cuts short with Interrupted. A wait longer than a
 * timer can hold is slept in pieces.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Interrupted(signal.reason));
    let left = Math.max(0, ms);
    let timer: NodeJS.Timeout;
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Interrupted(signal?.reason));
    };
    const next = () => {
      const step = Math.min(left, MAX_TIMER_MS);
      left -= step;
      timer = setTimeout(() => {
        if (left > 0) return next();
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, step);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    next();
  });
}
