import { describe, expect, test } from 'vitest';
import { type PumpSource, pump, RateLimiter } from '../../src/core/pacing.js';
import { FakeClock } from '../helpers/clock.js';

describe('RateLimiter', () => {
  test('slots one interval apart: 60 a minute is one a second', () => {
    const limiter = new RateLimiter(60);
    expect(limiter.take(0)).toBe(true);
    expect(limiter.take(999)).toBe(false);
    expect(limiter.nextAt(999)).toBe(1000);
    expect(limiter.take(1000)).toBe(true);
  });

  test('a slot taken a little late keeps the cadence; after a pause the cadence starts again', () => {
    const limiter = new RateLimiter(60);
    limiter.take(0);
    expect(limiter.take(1300)).toBe(true); // 300 ms late
    expect(limiter.nextAt(1300)).toBe(2000);
    limiter.take(2000);
    expect(limiter.take(9000)).toBe(true); // idle for seconds: no burst to catch up
    expect(limiter.nextAt(9000)).toBe(10_000);
  });

  test('at a high rate, slots missed while the event loop was busy (up to 100 ms) are caught up', () => {
    const limiter = new RateLimiter(6000); // one every 10 ms
    limiter.take(0);
    const at80 = Array.from({ length: 10 }, () => limiter.take(80)).filter(Boolean).length;
    expect(at80).toBe(8); // the slots of 10 ... 80
    expect(limiter.nextAt(80)).toBe(90);
    expect(limiter.take(300)).toBe(true); // 210 ms late: the cadence starts again
    expect(limiter.nextAt(300)).toBe(310);
  });

  test('never more than the budget in any minute, however late slots were taken', () => {
    const limiter = new RateLimiter(2); // one every 30 s
    expect(limiter.take(0)).toBe(true);
    expect(limiter.take(45_000)).toBe(true);
    expect(limiter.take(75_000)).toBe(true); // late by 15 s: the cadence says 90 s next
    // A third send at 90 s would make three within the minute from 45 s.
    expect(limiter.take(90_000)).toBe(false);
    expect(limiter.nextAt(90_000)).toBe(105_000);
  });

  test('a pause (429) holds every slot until it ends', () => {
    const limiter = new RateLimiter(6000);
    limiter.take(0);
    limiter.pauseUntil(5000);
    expect(limiter.take(10)).toBe(false);
    expect(limiter.nextAt(10)).toBe(5000);
    expect(limiter.take(5000)).toBe(true);
    expect(limiter.nextAt(5000)).toBe(5010);
  });

  test('above 60,000 a minute several slots share a millisecond', () => {
    const limiter = new RateLimiter(240_000); // four a millisecond
    expect(Array.from({ length: 6 }, () => limiter.take(0))).toEqual([true, true, true, true, false, false]);
    expect(limiter.take(1)).toBe(true);
  });
});

/** A FIFO of job numbers, all due at once. */
function jobs(n: number): PumpSource<number> {
  let next = 0;
  return { due: () => (next < n ? Number.NEGATIVE_INFINITY : undefined), take: () => next++ };
}

describe('pump', () => {
  test('on a fake clock, each job starts at its exact slot', async () => {
    const clock = new FakeClock(0);
    const started: [number, number][] = [];
    const end = await pump({
      source: jobs(4),
      concurrency: 3,
      limiter: new RateLimiter(60),
      clock,
      run: async (job) => void started.push([job, clock.now()]),
    });
    expect(end).toBe('done');
    expect(started).toEqual([
      [0, 0],
      [1, 1000],
      [2, 2000],
      [3, 3000],
    ]);
  });

  test('never more than `concurrency` jobs at once', async () => {
    const clock = new FakeClock(0);
    let running = 0;
    let most = 0;
    const end = await pump({
      source: jobs(20),
      concurrency: 4,
      limiter: new RateLimiter(1_000_000),
      clock,
      run: async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
      },
    });
    expect(end).toBe('done');
    expect(most).toBe(4);
  });

  test('a deadline or an abort stops new jobs; jobs in flight are waited for', async () => {
    const clock = new FakeClock(0);
    const started: number[] = [];
    expect(
      await pump({
        source: jobs(10),
        concurrency: 1,
        limiter: new RateLimiter(60),
        clock,
        deadline: 2500,
        run: async () => void started.push(clock.now()),
      }),
    ).toBe('deadline');
    expect(started).toEqual([0, 1000, 2000]);
    const controller = new AbortController();
    let [begun, finished] = [0, 0];
    const end = await pump({
      source: jobs(10),
      concurrency: 2,
      limiter: new RateLimiter(1_000_000),
      clock,
      signal: controller.signal,
      run: async () => {
        if (++begun === 2) controller.abort();
        await new Promise((resolve) => setImmediate(resolve));
        finished++;
      },
    });
    expect(end).toBe('interrupted');
    expect(finished).toBe(2);
  });
});
