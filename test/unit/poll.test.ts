import { describe, expect, test } from 'vitest';
import { BadResponseError, HttpError, NetworkError } from '../../src/api/errors.js';
import type { ConnectSession } from '../../src/api/types.js';
import { backoffDelay, type PollEvent, PollInterrupted, type PollOptions, pollSession, UnreachableError } from '../../src/core/poll.js';
import { TokenRefusedError } from '../../src/core/session-source.js';

type Step = ConnectSession | Error;

/** A scripted API and a clock that only moves when the loop sleeps. */
function scripted(steps: Step[], options: Partial<PollOptions> = {}, random = () => 0, readMs = 0) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const events: PollEvent[] = [];
  let calls = 0;
  const controller = new AbortController();
  const run = pollSession(
    { intervalMs: 2000, failFast: false, ...options },
    {
      fetchSession: async () => {
        now += readMs;
        const step = steps[Math.min(calls++, steps.length - 1)]!;
        if (step instanceof Error) throw step;
        return step;
      },
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      random,
      signal: controller.signal,
      onEvent: (e) => events.push(e),
    },
  );
  return { run, sleeps, events, calls: () => calls, start: 1_000_000, controller };
}

const session = (attempt: ConnectSession['latest_connection_attempt']): ConnectSession => ({ id: 7, latest_connection_attempt: attempt });
const none = session(null);
const pending = session({ id: 'a1', status: 'pending', updated_at: 't1' });
const done = session({ id: 'a1', status: 'authenticated', account_secure_id: 'acc_9', updated_at: 't2' });
const failed = session({ id: 'a1', status: 'error', oauth_error_code: 'access_denied', updated_at: 't2' });
const cancelled = session({ id: 'a2', status: 'cancelled', updated_at: 't3' });

describe('pollSession', () => {
  test('waits through no attempt and pending, ends at authenticated with the account', async () => {
    const s = scripted([none, none, pending, done]);
    const outcome = await s.run;
    expect(outcome).toMatchObject({ end: 'authenticated', status: 'authenticated' });
    expect(outcome.reading).toMatchObject({ kind: 'authenticated', accountId: 'acc_9' });
    expect(s.sleeps).toEqual([2000, 2000, 2000]);
    const changes = s.events.filter((e) => e.type === 'reading' && e.changed).map((e) => e.type === 'reading' && e.reading.kind);
    expect(changes).toEqual(['waiting', 'pending', 'authenticated']);
  });

  test('reads every interval: the time a read takes counts towards the next one', async () => {
    const s = scripted([none, pending, done], {}, () => 0, 300);
    await s.run;
    expect(s.sleeps).toEqual([1700, 1700]);
    const slow = scripted([none, done], {}, () => 0, 2500);
    await slow.run;
    expect(slow.sleeps).toEqual([0]);
  });

  test('a refused token near the known expiry ends as expired (the server expires a little before us)', async () => {
    const s = scripted([pending, new TokenRefusedError('7')], { expiresAt: 1_000_000 + 2000 + 10_000 });
    expect(await s.run).toMatchObject({ end: 'expired', status: 'expired', session: pending });
    expect(s.calls()).toBe(2);
  });

  test('a refused token long before the expiry, or with no expiry known, is an error', async () => {
    await expect(scripted([pending, new TokenRefusedError('7')], { expiresAt: 1_000_000 + 600_000 }).run).rejects.toBeInstanceOf(
      TokenRefusedError,
    );
    await expect(scripted([new TokenRefusedError('7')]).run).rejects.toBeInstanceOf(TokenRefusedError);
  });

  test('authenticated without an account id keeps waiting', async () => {
    const noAccount = session({ id: 'a1', status: 'authenticated', account_secure_id: null });
    const s = scripted([noAccount, noAccount, done]);
    expect((await s.run).end).toBe('authenticated');
    expect(s.calls()).toBe(3);
  });

  test('an unknown status counts as pending', async () => {
    const s = scripted([session({ id: 'a1', status: 'awaiting_mfa' }), done]);
    await s.run;
    const first = s.events[0];
    expect(first?.type === 'reading' && first.reading.kind).toBe('pending');
  });

  test('error and cancelled attempts are reported once each and the wait goes on', async () => {
    const s = scripted([failed, failed, cancelled, pending, done]);
    expect((await s.run).end).toBe('authenticated');
    const failures = s.events.filter((e) => e.type === 'reading' && e.changed && e.reading.kind === 'failed');
    expect(failures).toHaveLength(2);
  });

  test('--fail-fast ends at the first failed attempt', async () => {
    const s = scripted([none, cancelled, done], { failFast: true });
    const outcome = await s.run;
    expect(outcome).toMatchObject({ end: 'failed', status: 'cancelled' });
    expect(s.calls()).toBe(2);
  });

  test('--timeout ends the wait with the last status; the last read happens at the deadline', async () => {
    const s = scripted([pending], { timeoutMs: 5000 });
    const outcome = await s.run;
    expect(outcome).toMatchObject({ end: 'timeout', status: 'pending' });
    expect(s.sleeps).toEqual([2000, 2000, 1000]);
    expect(s.calls()).toBe(4);
  });

  test('timeout after a failed attempt keeps the attempt status', async () => {
    const s = scripted([failed], { timeoutMs: 3000 });
    expect(await s.run).toMatchObject({ end: 'timeout', status: 'error' });
  });

  test('session expiry ends the wait as expired, even before the timeout', async () => {
    const s = scripted([none], { timeoutMs: 60_000, expiresAt: 1_000_000 + 3000 });
    expect(await s.run).toMatchObject({ end: 'expired', status: 'expired' });
    expect(s.sleeps).toEqual([2000, 1000]);
  });

  test('a session already expired is read once: authenticated still wins', async () => {
    expect(await scripted([done], { expiresAt: 1 }).run).toMatchObject({ end: 'authenticated' });
    const s = scripted([pending], { expiresAt: 1 });
    expect(await s.run).toMatchObject({ end: 'expired' });
    expect(s.calls()).toBe(1);
  });

  test('5xx, 408, network errors and unusable bodies back off exponentially, then reset after a success', async () => {
    const s = scripted([
      new HttpError(503, undefined, undefined, 'x'),
      new HttpError(408, undefined, undefined, 'x'),
      new NetworkError('ECONNRESET', 'reset', 'h', true),
      new BadResponseError('not json'),
      pending,
      new HttpError(500, undefined, undefined, 'x'),
      done,
    ]);
    expect((await s.run).end).toBe('authenticated');
    expect(s.sleeps).toEqual([2000, 4000, 8000, 16000, 2000, 2000]);
    expect(s.events.filter((e) => e.type === 'retry')).toHaveLength(5);
    expect(s.events.filter((e) => e.type === 'recovered')).toHaveLength(2);
  });

  test('backoff is capped at 30 s and jittered down by at most a quarter', () => {
    expect(backoffDelay(2000, 10, () => 0)).toBe(30_000);
    expect(backoffDelay(2000, 1, () => 1)).toBe(1500);
    expect(backoffDelay(2000, 3, () => 0.5)).toBe(7000);
    expect(backoffDelay(60_000, 1, () => 0)).toBe(60_000);
  });

  test('429 waits Retry-After', async () => {
    const s = scripted([new HttpError(429, 'slow down', 7000, 'x'), done]);
    await s.run;
    expect(s.sleeps).toEqual([7000]);
  });

  test('errors never outlast the deadline; with no read at all the last error is the answer', async () => {
    const s = scripted([new HttpError(503, undefined, undefined, 'x')], { timeoutMs: 10_000 });
    await expect(s.run).rejects.toMatchObject({ status: 503 });
    expect(s.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  test('errors until the deadline after a successful read end as a timeout with the last status', async () => {
    const s = scripted([pending, new HttpError(503, undefined, undefined, 'x')], { timeoutMs: 10_000 });
    expect(await s.run).toMatchObject({ end: 'timeout', status: 'pending' });
  });

  test('errors until the expiry end as expired', async () => {
    const s = scripted([new HttpError(503, undefined, undefined, 'x')], { expiresAt: 1_000_000 + 5000 });
    expect(await s.run).toMatchObject({ end: 'expired', status: 'expired' });
  });

  test.each([
    [new HttpError(401, 'Unauthorized', undefined, 'x'), HttpError],
    [new HttpError(403, 'Forbidden', undefined, 'x'), HttpError],
    [new HttpError(404, 'Not Found', undefined, 'x'), HttpError],
    [new HttpError(400, 'Bad', undefined, 'x'), HttpError],
  ])('%s ends the wait at once', async (error, type) => {
    const s = scripted([error]);
    await expect(s.run).rejects.toBeInstanceOf(type);
    expect(s.calls()).toBe(1);
  });

  test('an aborted signal ends the wait as cancelled', async () => {
    const s = scripted([none]);
    s.controller.abort();
    await expect(s.run).rejects.toBeInstanceOf(PollInterrupted);
  });

  test('an API that has not answered once in three tries is a configuration error (exit 1), not an outage', async () => {
    const dns = new NetworkError('ENOTFOUND', 'the host name could not be resolved', 'api.example.test', false);
    const s = scripted([dns]);
    const error = await s.run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).message).toBe(
      'Could not reach api.example.test: the host name could not be resolved (3 tries, no answer since the wait began).',
    );
    expect((error as UnreachableError).exitCode).toBe(1);
    expect(s.calls()).toBe(3);
  });

  test('an API that answered once and then fails is an outage: the wait goes on', async () => {
    const reset = new NetworkError('ECONNRESET', 'reset', 'h', true);
    const s = scripted([pending, reset, reset, reset, reset, done]);
    expect(await s.run).toMatchObject({ end: 'authenticated' });
    expect(s.calls()).toBe(6);
  });

  test('an interruption says whether the API had answered during the wait', async () => {
    const never = scripted([new NetworkError('ECONNREFUSED', 'refused', 'h', false)]);
    never.controller.abort('SIGHUP');
    expect(await never.run.catch((e: unknown) => e)).toMatchObject({ answered: false, reason: 'SIGHUP' });
  });

  test('a Retry-After of 30 days waits an hour at most, and never past the deadline', async () => {
    const s = scripted([new HttpError(429, undefined, 30 * 86_400_000, 'x'), done]);
    await s.run;
    expect(s.sleeps).toEqual([3_600_000]);
    const t = scripted([new HttpError(429, undefined, 30 * 86_400_000, 'x')], { timeoutMs: 10_000 });
    await expect(t.run).rejects.toMatchObject({ status: 429 }); // not one answer in time: the API's error, not "pending"
    expect(t.sleeps).toEqual([10_000]);
  });
});
