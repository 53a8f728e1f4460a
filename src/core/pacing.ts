import { Interrupted } from '../lib/sleep.js';

/** StackOne's limit per API key (requests a minute); the default of --rate. */
export const DEFAULT_RATE_PER_MINUTE = 1000;
export const DEFAULT_CONCURRENCY = 4;

/**
 * At most `perMinute` requests a minute, evenly spaced: each request takes the next slot, one
 * interval after the previous slot (a token bucket that holds one token). A slot taken a little
 * late (a busy event loop, a timer that fired late) does not push every later slot back, so the
 * rate achieved stays at the limit; the sends of the last minute are kept too, so that no window
 * of a minute ever holds more than `perMinute`. A 429 pauses every slot until its Retry-After.
 */
export class RateLimiter {
  readonly intervalMs: number;
  /** Sub-millisecond intervals (a rate above 60,000 a minute) share a clock's millisecond. */
  readonly #tolerance: number;
  #next = Number.NEGATIVE_INFINITY;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  /** The latest sends, oldest first from #head once full: a ring of `perMinute` times. */
  readonly #sent: number[] = [];
  #head = 0;

  constructor(readonly perMinute: number) {
    this.intervalMs = 60_000 / perMinute;
    this.#tolerance = this.intervalMs < 1 ? 1 : 0;
  }

  /** When the next request may go: `now`, or later. */
  nextAt(now: number): number {
    const windowFull = this.#sent.length >= this.perMinute ? this.#sent[this.#head]! + WINDOW_MS : Number.NEGATIVE_INFINITY;
    return Math.max(now, this.#next, this.#pausedUntil, windowFull);
  }

  /** Takes the next slot if it has come; false when the caller must wait until nextAt(). */
  take(now: number): boolean {
    const early = this.nextAt(now) - now;
    if (this.#tolerance === 0 ? early > 0 : early >= this.#tolerance) return false;
    // A slot taken a little late (half an interval, or 100 ms of a busy event loop at a high
    // rate) keeps the cadence: the next ones are not pushed back. After a longer pause the
    // cadence starts again from now.
    const base = now - this.#next <= Math.max(this.intervalMs / 2, CATCH_UP_MS) ? this.#next : now;
    this.#next = Math.max(base, this.#pausedUntil) + this.intervalMs;
    if (this.#sent.length < this.perMinute) this.#sent.push(now);
    else {
      this.#sent[this.#head] = now;
      this.#head = (this.#head + 1) % this.perMinute;
    }
    return true;
  }

  /** Nothing goes before `until` (a 429's Retry-After, for every worker at once). */
  pauseUntil(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }
}

const WINDOW_MS = 60_000;
const CATCH_UP_MS = 100;

export interface PumpClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  timer(ms: number, fn: () => void): () => void;
}

/** A queue of jobs that a pump starts as slots, the limiter and their own due times allow. */
export interface PumpSource<T> {
  /** When the next job is due (at or before now: at once), or undefined when none is queued. */
  due(): number | undefined;
  /** Removes and returns the job that due() spoke of. */
  take(): T;
}

export interface PumpOptions<T> {
  source: PumpSource<T>;
  /** Runs a job to its end; never rejects (a job's failure is its own outcome). */
  run(job: T): Promise<void>;
  concurrency: number;
  limiter: RateLimiter;
  clock: PumpClock;
  /** Ctrl-C: no new job starts; the ones in flight are waited for. */
  signal?: AbortSignal;
  /** No job starts at or after this time (epoch ms); the ones in flight are waited for. */
  deadline?: number;
}

export type PumpEnd = 'done' | 'interrupted' | 'deadline';

/**
 * Starts jobs while fewer than `concurrency` are in flight, each at its limiter slot, until the
 * source is empty and nothing is in flight. Only this loop waits, on the runtime's clock: with
 * nothing in flight it sleeps until the next slot (a fake clock jumps there); with work in
 * flight it waits for a job to end or for a timer, which a fake clock fires only when moved, so
 * in tests requests take no time and every request's time is exact.
 */
export async function pump<T>(options: PumpOptions<T>): Promise<PumpEnd> {
  const { source, clock, limiter, signal, deadline } = options;
  const inflight = new Set<Promise<void>>();
  const finish = async (end: PumpEnd): Promise<PumpEnd> => {
    await Promise.all(inflight);
    return end;
  };
  for (;;) {
    if (signal?.aborted) return finish('interrupted');
    const now = clock.now();
    if (deadline !== undefined && now >= deadline) return finish('deadline');
    let wake: number | undefined;
    if (inflight.size < options.concurrency) {
      const due = source.due();
      if (due !== undefined) {
        if (due - now < 1 && limiter.take(now)) {
          const job = source.take();
          const running: Promise<void> = options.run(job).finally(() => inflight.delete(running));
          inflight.add(running);
          continue;
        }
        wake = Math.max(due, limiter.nextAt(now));
      }
    }
    if (wake === undefined && inflight.size === 0) return 'done';
    if (wake !== undefined && deadline !== undefined) wake = Math.min(wake, deadline);
    if (inflight.size === 0) {
      try {
        await clock.sleep(Math.max(1, Math.ceil(wake! - now)), signal);
      } catch (error) {
        if (!(error instanceof Interrupted)) throw error;
      }
      continue;
    }
    await new Promise<void>((resolve) => {
      let cancel = () => {};
      const done = () => {
        cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      for (const running of inflight) running.then(done, done);
      if (wake !== undefined) cancel = clock.timer(Math.max(1, Math.ceil(wake - now)), done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
