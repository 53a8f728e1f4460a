import { BadResponseError, HttpError, NetworkError } from '../api/errors.js';
import type { ConnectSession } from '../api/types.js';
import { Interrupted } from '../lib/sleep.js';
import { type PumpClock, type PumpSource, pump, type RateLimiter } from './pacing.js';
import { backoffDelay, MAX_RETRY_AFTER_MS, NEVER_ANSWERED_TRIES, type Reading, readSession, UnreachableError } from './poll.js';
import { refusedForExpiry } from './session-source.js';

/**
 * waiting: the link has not been used; connecting: an attempt is in progress; failed: the last
 * attempt failed or was cancelled (the customer can try again); connected; expired; error: the
 * session cannot be read (not found, refused).
 */
export type BoardState = 'waiting' | 'connecting' | 'failed' | 'connected' | 'expired' | 'error';

export interface BoardTarget {
  id: string;
  /** Epoch ms; known for sessions created on this machine (or listed in a results file). */
  expiresAt: number | undefined;
  state: BoardState;
  /** The last reading of the session, once read. */
  session: ConnectSession | undefined;
  reading: Reading | undefined;
  /** Why the state is `error`, or the last failure to read it. */
  error: string | undefined;
  /** Failed reads in a row. */
  failures: number;
  /** When the state last changed. */
  changedAt: number;
  /** Connected, with a look-up (`BoardDeps.lookUp`) due before it is reported so. */
  lookUpDue?: boolean;
}

export interface BoardDeps {
  fetchSession(target: BoardTarget): Promise<ConnectSession>;
  limiter: RateLimiter;
  concurrency: number;
  clock: PumpClock;
  random(): number;
  signal: AbortSignal;
  /** The least time from the start of one read of a session to the start of its next. */
  intervalMs: number;
  /** --timeout: no read starts after this (epoch ms). */
  deadline?: number;
  /** A failed or cancelled attempt ends the session's watch (--fail-fast). */
  failFast: boolean;
  onChange(target: BoardTarget, previous: BoardState): void;
  /** A read failed and is tried again after `delayMs`; a 429 pauses every read. */
  onRetry?(target: BoardTarget, error: Error, delayMs: number): void;
  /**
   * One more request for a session found connected, before it is reported connected (the linked
   * account, for the provider the customer picked): queued like a read, in its own rate slot.
   * Its failure is its own business; the session is connected either way.
   */
  lookUp?: { needed(target: BoardTarget): boolean; run(target: BoardTarget): Promise<void> };
}

export type BoardEnd = { end: 'done' | 'interrupted' | 'timeout' } | { end: 'stopped'; error: unknown };

export const FINAL: ReadonlySet<BoardState> = new Set(['connected', 'expired', 'error']);

export function isFinal(target: BoardTarget, failFast: boolean): boolean {
  return FINAL.has(target.state) || (failFast && target.state === 'failed');
}

function stateOf(reading: Reading): BoardState {
  return { waiting: 'waiting', pending: 'connecting', failed: 'failed', authenticated: 'connected' }[reading.kind] as BoardState;
}

/** Sessions by the time they are next due, ties in the order they were queued: round-robin. */
class DueQueue implements PumpSource<BoardTarget> {
  #items: { at: number; seq: number; target: BoardTarget }[] = [];
  #seq = 0;
  constructor(private readonly beforeDue: () => void) {}

  push(target: BoardTarget, at: number): void {
    const item = { at, seq: this.#seq++, target };
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.#items[mid]!;
      if (other.at < at || (other.at === at && other.seq < item.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#items.splice(lo, 0, item);
  }

  due(): number | undefined {
    this.beforeDue();
    return this.#items[0]?.at;
  }

  /** The first item, if `test` holds for it (then removed). */
  shiftIf(test: (target: BoardTarget) => boolean): BoardTarget | undefined {
    const first = this.#items[0];
    if (!first || !test(first.target)) return undefined;
    this.#items.shift();
    return first.target;
  }

  take(): BoardTarget {
    return this.#items.shift()!.target;
  }
}

/**
 * Watches many sessions at once within the rate budget: the pending ones are read round-robin,
 * each at most every `intervalMs`, never more than the limiter allows, `concurrency` at a time.
 * A session ends when it connects, expires, cannot be read, or (with failFast) fails; the watch
 * ends when every session has, at the deadline, or on Ctrl-C.
 */
export async function watchSessions(targets: BoardTarget[], deps: BoardDeps): Promise<BoardEnd> {
  const { clock } = deps;
  const stop = new AbortController();
  let fatal: { error: unknown } | undefined;
  let answered = false;
  let unanswered = 0;
  const change = (target: BoardTarget, state: BoardState, error?: string) => {
    const previous = target.state;
    target.error = error;
    if (previous === state) return;
    target.state = state;
    target.changedAt = clock.now();
    deps.onChange(target, previous);
  };
  const expired = (target: BoardTarget) => !target.lookUpDue && target.expiresAt !== undefined && clock.now() >= target.expiresAt;
  // A session whose expiry passed while it waited for its turn ends without a request.
  const queue: DueQueue = new DueQueue(() => {
    for (let t = queue.shiftIf(expired); t; t = queue.shiftIf(expired)) change(t, 'expired');
  });
  const next = (target: BoardTarget, delayMs: number) => {
    const at = clock.now() + delayMs;
    queue.push(target, target.expiresAt === undefined ? at : Math.min(at, target.expiresAt));
  };

  const read = async (target: BoardTarget): Promise<void> => {
    // A read every interval, as a wait's: the time the read took counts towards the next one.
    const readAt = clock.now();
    let session: ConnectSession;
    try {
      session = await deps.fetchSession(target);
    } catch (error) {
      // Ctrl-C aborted the read: the session is as it was, not one that cannot be read.
      if (error instanceof Interrupted || deps.signal.aborted) return;
      return failed(target, error);
    }
    answered = true;
    target.failures = 0;
    target.session = session;
    target.reading = readSession(session);
    if (target.reading.kind === 'authenticated' && deps.lookUp?.needed(target)) {
      target.lookUpDue = true;
      return next(target, 0);
    }
    change(target, stateOf(target.reading));
    if (!isFinal(target, deps.failFast)) next(target, Math.max(0, deps.intervalMs - (clock.now() - readAt)));
  };

  const lookUp = async (target: BoardTarget): Promise<void> => {
    target.lookUpDue = false;
    await deps.lookUp!.run(target).catch(() => undefined);
    change(target, 'connected');
  };

  const failed = (target: BoardTarget, error: unknown) => {
    if (refusedForExpiry(error, target.expiresAt, clock.now())) return change(target, 'expired');
    if (!(error instanceof NetworkError)) answered = true;
    if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
      fatal ??= { error };
      return stop.abort();
    }
    const transient =
      error instanceof HttpError
        ? error.status === 429 || error.status === 408 || error.status >= 500
        : error instanceof NetworkError || error instanceof BadResponseError;
    if (!transient) return change(target, 'error', (error as Error).message);
    target.failures++;
    if (error instanceof NetworkError && !answered && ++unanswered >= NEVER_ANSWERED_TRIES) {
      fatal ??= { error: new UnreachableError(error, unanswered) };
      return stop.abort();
    }
    let delay = backoffDelay(deps.intervalMs, target.failures, deps.random);
    if (error instanceof HttpError && error.retryAfterMs !== undefined) delay = Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
    // A 429 is about the key, not this session: every read waits.
    if (error instanceof HttpError && error.status === 429) deps.limiter.pauseUntil(clock.now() + delay);
    target.error = (error as Error).message;
    deps.onRetry?.(target, error as Error, delay);
    next(target, error instanceof HttpError && error.status === 429 ? 0 : delay);
  };

  for (const target of targets) {
    if (expired(target)) change(target, 'expired');
    else if (!isFinal(target, deps.failFast)) queue.push(target, clock.now());
  }
  const end = await pump({
    source: queue,
    run: (target) =>
      (target.lookUpDue ? lookUp(target) : read(target)).catch((error: unknown) => {
        fatal ??= { error };
        stop.abort();
      }),
    concurrency: deps.concurrency,
    limiter: deps.limiter,
    clock,
    signal: AbortSignal.any([deps.signal, stop.signal]),
    ...(deps.deadline === undefined ? {} : { deadline: deps.deadline }),
  });
  // Found connected, its look-up not made before the end: connected all the same.
  for (const target of targets) {
    if (target.lookUpDue) {
      target.lookUpDue = false;
      change(target, 'connected');
    }
  }
  if (fatal) return { end: 'stopped', error: fatal.error };
  if (end === 'interrupted') return { end: 'interrupted' };
  return { end: end === 'deadline' ? 'timeout' : 'done' };
}
