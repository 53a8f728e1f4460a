import { BadResponseError, HttpError, NetworkError } from '../api/errors.js';
import type { ConnectionAttempt, ConnectSession } from '../api/types.js';
import { Interrupted } from '../lib/sleep.js';
import { CliError } from './errors.js';
import { refusedForExpiry } from './session-source.js';

/** The `status` of the JSON result (docs/contract.md, "Output"). */
export type ResultStatus = 'authenticated' | 'pending' | 'error' | 'cancelled' | 'expired';

/** What one reading of the session says. */
export type Reading =
  | { kind: 'waiting'; attempt: null } // the customer has not started
  | { kind: 'pending'; attempt: ConnectionAttempt } // pending, an unknown status, or authenticated without an account yet
  | { kind: 'failed'; attempt: ConnectionAttempt; status: 'error' | 'cancelled' }
  | { kind: 'authenticated'; attempt: ConnectionAttempt; accountId: string };

export function readSession(session: ConnectSession): Reading {
  const attempt = session.latest_connection_attempt;
  if (!attempt || typeof attempt !== 'object') return { kind: 'waiting', attempt: null };
  const { status, account_secure_id: accountId } = attempt;
  if (status === 'authenticated' && typeof accountId === 'string' && accountId !== '') {
    return { kind: 'authenticated', attempt, accountId };
  }
  if (status === 'error' || status === 'cancelled') return { kind: 'failed', attempt, status };
  return { kind: 'pending', attempt };
}

export function resultStatus(reading: Reading | undefined): ResultStatus {
  if (!reading || reading.kind === 'waiting' || reading.kind === 'pending') return 'pending';
  return reading.kind === 'failed' ? reading.status : 'authenticated';
}

export interface PollOptions {
  intervalMs: number;
  /** --timeout, from the start of the wait. */
  timeoutMs?: number;
  /** Epoch ms; known only for sessions in the local history. */
  expiresAt?: number;
  failFast: boolean;
}

export type PollEvent =
  | { type: 'reading'; reading: Reading; changed: boolean }
  | { type: 'retry'; error: Error; delayMs: number; failures: number }
  | { type: 'recovered'; failures: number };

export interface PollDeps {
  fetchSession(): Promise<ConnectSession>;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  signal?: AbortSignal;
  onEvent?(event: PollEvent): void;
}

export type PollEnd = 'authenticated' | 'failed' | 'expired' | 'timeout';

export interface PollOutcome {
  end: PollEnd;
  status: ResultStatus;
  session: ConnectSession | undefined;
  reading: Reading | undefined;
}

/** Thrown by pollSession when interrupted, with what it knew by then. */
export class PollInterrupted extends Interrupted {
  constructor(
    reason: unknown,
    readonly answered: boolean,
  ) {
    super(reason);
  }
}

export const MAX_BACKOFF_MS = 30_000;
/** A Retry-After longer than this is taken as this: a wait still ends at its deadline. */
export const MAX_RETRY_AFTER_MS = 3_600_000;
/** A base URL that has not answered once in this many tries is a configuration error, not an outage. */
export const NEVER_ANSWERED_TRIES = 3;

/**
 * The API never answered during this wait (or campaign): wrong base URL, DNS, proxy or network
 * (exit 1).
 */
export class UnreachableError extends CliError {
  constructor(
    readonly last: NetworkError,
    tries: number,
    during: 'wait' | 'campaign' = 'wait',
  ) {
    const check =
      last.code === 'ECONNREFUSED' || !last.delivered
        ? 'Check --base-url / STACKONE_BASE_URL (and HTTPS_PROXY, NO_PROXY)'
        : 'Check your network, proxy and --base-url';
    super(
      during === 'wait'
        ? `${last.message} (${tries} tries, no answer since the wait began).`
        : `${last.message}. The address never answered: ${tries} tries since the campaign began, not one answer; it stopped.`,
      {
        suggestion:
          during === 'wait'
            ? `${check}; the session stays open.`
            : `${check}, then run the same command again: the rows not sent are sent then.`,
      },
    );
  }
}

/** Capped exponential backoff with jitter: interval, 2x, 4x ... up to 30 s, each 75-100 % of its step. */
export function backoffDelay(intervalMs: number, failures: number, random: () => number): number {
  const cap = Math.max(MAX_BACKOFF_MS, intervalMs);
  const step = Math.min(intervalMs * 2 ** Math.max(0, failures - 1), cap);
  return Math.round(step * (1 - 0.25 * random()));
}

/** Errors worth another try: the session may still be read later. Anything else ends the wait. */
function retryDelay(error: unknown, intervalMs: number, failures: number, random: () => number): number | undefined {
  if (error instanceof HttpError) {
    if (error.status === 429 || error.status === 408 || error.status >= 500) {
      return error.retryAfterMs === undefined
        ? backoffDelay(intervalMs, failures, random)
        : Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
    }
    return undefined;
  }
  if (error instanceof NetworkError || error instanceof BadResponseError) return backoffDelay(intervalMs, failures, random);
  return undefined;
}

function attemptKey(attempt: ConnectionAttempt | null): string {
  return attempt ? `${String(attempt.id)}|${String(attempt.status)}|${String(attempt.updated_at)}` : 'none';
}

/**
 * Reads the session until the customer has connected, the attempt failed (with failFast),
 * the session expired or the timeout passed. Retries every transient failure until then.
 */
export async function pollSession(options: PollOptions, deps: PollDeps): Promise<PollOutcome> {
  const { now, signal } = deps;
  const start = now();
  const timeoutAt = options.timeoutMs === undefined ? Infinity : start + options.timeoutMs;
  const deadline = Math.min(timeoutAt, options.expiresAt ?? Infinity);
  let session: ConnectSession | undefined;
  let reading: Reading | undefined;
  let lastKey: string | undefined;
  let failures = 0;
  let lastError: unknown;
  // Whether the API has answered at all during this wait (an error status counts).
  let answered = false;

  for (;;) {
    if (signal?.aborted) throw new PollInterrupted(signal.reason, answered);
    // A reading every interval: the time the read took counts towards the next one.
    const readAt = now();
    let delay = options.intervalMs;
    try {
      session = await deps.fetchSession();
      delay = Math.max(0, options.intervalMs - (now() - readAt));
      answered = true;
      if (failures > 0) deps.onEvent?.({ type: 'recovered', failures });
      failures = 0;
      reading = readSession(session);
      const key = `${reading.kind}|${attemptKey(reading.attempt)}`;
      deps.onEvent?.({ type: 'reading', reading, changed: key !== lastKey });
      lastKey = key;
      if (reading.kind === 'authenticated') return { end: 'authenticated', status: 'authenticated', session, reading };
      if (reading.kind === 'failed' && options.failFast) return { end: 'failed', status: reading.status, session, reading };
    } catch (error) {
      if (error instanceof Interrupted || signal?.aborted)
        throw new PollInterrupted(signal?.reason ?? (error as Interrupted).reason, answered);
      if (refusedForExpiry(error, options.expiresAt, now())) return { end: 'expired', status: 'expired', session, reading };
      failures++;
      lastError = error;
      if (!(error instanceof NetworkError)) answered = true;
      if (!answered && failures >= NEVER_ANSWERED_TRIES) throw new UnreachableError(error as NetworkError, failures);
      const retry = retryDelay(error, options.intervalMs, failures, deps.random);
      if (retry === undefined) throw error;
      delay = retry;
      deps.onEvent?.({ type: 'retry', error: error as Error, delayMs: Math.min(retry, Math.max(0, deadline - now())), failures });
    }

    const current = now();
    if (current >= deadline) {
      const expired = options.expiresAt !== undefined && current >= options.expiresAt;
      // Not one read succeeded: "still pending" (8) would be a guess. The API is the problem (1).
      if (!expired && session === undefined && lastError) throw lastError;
      return { end: expired ? 'expired' : 'timeout', status: expired ? 'expired' : resultStatus(reading), session, reading };
    }
    // Never sleep past the deadline: the last reading is taken at the deadline itself.
    try {
      await deps.sleep(Math.max(0, Math.min(delay, deadline - current)), signal);
    } catch (error) {
      if (error instanceof Interrupted) throw new PollInterrupted(error.reason, answered);
      throw error;
    }
  }
}
