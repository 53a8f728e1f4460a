import { Interrupted } from '../../src/lib/sleep.js';

/** 2026-11-28T12:00:00Z: every fake clock starts here, so printed times are the same on every run. */
export const EPOCH = Date.parse('2026-11-28T12:00:00Z');

interface Timer {
  id: number;
  at: number;
  fn: () => void;
  every?: number;
}

/**
 * One clock for a whole in-process run: the CLI's now/sleep/timer, the prompts' time limits and
 * the emulator's `now` (expiry, auto-complete, rate-limit windows) all read it. Time moves only
 * when something sleeps (by exactly that long) or the test calls advance(), so a 30-minute wait
 * takes milliseconds, and what happens at which time never depends on how busy the machine is.
 */
export class FakeClock {
  #now: number;
  #timers: Timer[] = [];
  #nextId = 1;
  /** Called at each sleep, before time moves: tests act "when the CLI starts waiting". */
  onSleep: ((ms: number, at: number) => void) | undefined;

  constructor(start = EPOCH) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  /** Moves time on by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#now = Math.max(this.#now, due.at);
      if (due.every !== undefined) due.at += due.every;
      else this.#timers = this.#timers.filter((t) => t !== due);
      due.fn();
    }
    this.#now = target;
  }

  /** The runtime's sleep: time jumps by `ms`, then the sleeper resumes on the next turn of the event loop. */
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(new Interrupted(signal.reason));
    this.onSleep?.(ms, this.#now);
    this.advance(ms);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearImmediate(turn);
        reject(new Interrupted(signal?.reason));
      };
      const turn = setImmediate(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  /** The runtime's timer, on this clock. */
  readonly timer = (ms: number, fn: () => void, options: { repeat?: boolean } = {}): (() => void) => {
    const timer: Timer = { id: this.#nextId++, at: this.#now + Math.max(1, ms), fn, ...(options.repeat ? { every: Math.max(1, ms) } : {}) };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  };

  /** Timers not yet fired or cancelled (a command that returns should leave none). */
  get pendingTimers(): number {
    return this.#timers.length;
  }
}
