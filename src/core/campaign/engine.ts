import { BadResponseError, HttpError, NetworkError } from '../../api/errors.js';
import type { ConnectSessionCreate, ConnectSessionCreated } from '../../api/types.js';
import { Interrupted } from '../../lib/sleep.js';
import { sanitizeLine } from '../../lib/text.js';
import type { CreatedSession, JournalEntry } from '../../store/journal.js';
import { DEFAULT_EXPIRES_IN } from '../create-body.js';
import { expiryOf } from '../expiry.js';
import { type PumpClock, type PumpSource, pump, type RateLimiter } from '../pacing.js';
import { NEVER_ANSWERED_TRIES, UnreachableError } from '../poll.js';
import type { CampaignRow } from './rows.js';

/** What became of a row in this run. */
export type SendOutcome =
  | { state: 'created'; session: CreatedSession }
  /** StackOne cannot have created it: a re-run sends it again. */
  | { state: 'failed'; error: string }
  /** It may or may not exist: never sent again without being asked (--resend-uncertain). */
  | { state: 'uncertain'; error: string };

export interface CampaignDeps {
  createSession(body: ConnectSessionCreate): Promise<ConnectSessionCreated>;
  /** The journal: appends in one write, durable() also waits for the disk; a failure (a full disk) stops the campaign. */
  journal: {
    append(...entries: JournalEntry[]): void;
    durable(...entries: JournalEntry[]): Promise<void>;
  };
  limiter: RateLimiter;
  concurrency: number;
  clock: PumpClock;
  /** Ctrl-C: no new create starts; those in flight are waited for. */
  signal: AbortSignal;
  onOutcome(row: CampaignRow, outcome: SendOutcome): void;
  /** A 429: every create waits `delayMs`. */
  onRateLimited?(delayMs: number): void;
  /** A create that could not leave this machine goes again after `delayMs`. */
  onRetry?(row: CampaignRow, reason: string, delayMs: number): void;
}

export type CampaignEnd =
  | { end: 'done' }
  | { end: 'interrupted' }
  /** Nothing more can succeed (the key was refused, the journal cannot be written): `error` says why. */
  | { end: 'stopped'; error: unknown };

/** A 429 without Retry-After waits 1 s, 2 s, 4 s ...; a Retry-After beyond this is taken as this. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;
/** Per row: 429s before the row is given up (not created; a re-run sends it again). */
export const MAX_RATE_LIMITED = 5;
/** Per row: failures before anything was sent (DNS, refused) before the row is given up. */
export const MAX_NOT_SENT = 3;

interface Job {
  row: CampaignRow;
  rateLimited: number;
  notSent: number;
  notBefore: number;
}

/** The rows in file order; a row to try again goes first (a 429's row) or at its time (nothing sent). */
class RowQueue implements PumpSource<Job> {
  #next = 0;
  readonly #again: Job[] = [];
  constructor(
    private readonly rows: CampaignRow[],
    private readonly now: () => number,
  ) {}

  due(): number | undefined {
    const again = this.#again[0]?.notBefore;
    if (this.#next < this.rows.length) return again !== undefined && again <= this.now() ? again : Number.NEGATIVE_INFINITY;
    return again;
  }

  take(): Job {
    const again = this.#again[0];
    if (again && (again.notBefore <= this.now() || this.#next >= this.rows.length)) return this.#again.shift()!;
    return { row: this.rows[this.#next++]!, rateLimited: 0, notSent: 0, notBefore: 0 };
  }

  retry(job: Job): void {
    const at = this.#again.findIndex((j) => j.notBefore > job.notBefore);
    this.#again.splice(at < 0 ? this.#again.length : at, 0, job);
  }

  /** Rows never started. */
  get untouched(): CampaignRow[] {
    return [...this.#again.map((j) => j.row), ...this.rows.slice(this.#next)];
  }
}

/**
 * Sends one create per row, `concurrency` at once, each at its rate-limiter slot. Each row
 * follows the rule of a single create: the journal says `sending` before the request leaves;
 * a failure StackOne cannot have acted on (4xx, 429, nothing sent) is not_created; anything
 * else (5xx, 408, a reset or timeout after sending, an unusable answer, an interruption) is
 * uncertain and never sent again. A 429 pauses every row for its Retry-After. An API that has
 * not answered once in NEVER_ANSWERED_TRIES network failures, in all rows, is a wrong address:
 * the campaign stops, the row that met the last failure left not sent.
 */
export async function sendRows(rows: CampaignRow[], deps: CampaignDeps): Promise<{ result: CampaignEnd; notSent: CampaignRow[] }> {
  const { clock } = deps;
  const stop = new AbortController();
  let fatal: { error: unknown } | undefined;
  const halt = (error: unknown) => {
    fatal ??= { error };
    stop.abort();
  };
  const iso = () => new Date(clock.now()).toISOString();
  const queue = new RowQueue(rows, clock.now);
  // Whether the API has answered once in this run (an error status counts), and the network
  // failures before it did: an address that never answers is a wrong one, not an outage.
  let answered = false;
  let unanswered = 0;

  const settle = (job: Job, outcome: SendOutcome, entry: JournalEntry | undefined) => {
    try {
      if (entry) deps.journal.append(entry);
    } catch (error) {
      halt(error);
    }
    deps.onOutcome(job.row, outcome);
  };

  const send = async (job: Job): Promise<void> => {
    const { row } = job;
    const step = { key: row.key, fingerprint: row.fingerprint };
    try {
      await deps.journal.durable({ kind: 'sending', ...step, at: iso() });
    } catch (error) {
      // Nothing was sent: the row stays as it was, for a re-run.
      queue.retry({ ...job, notBefore: Number.POSITIVE_INFINITY });
      return void halt(error);
    }
    let created: ConnectSessionCreated;
    try {
      created = await deps.createSession(row.body);
    } catch (error) {
      const notCreated = (message: string) => ({ kind: 'not_created' as const, ...step, error: message, at: iso() });
      if (error instanceof HttpError || error instanceof BadResponseError) answered = true;
      const unreachable = error instanceof NetworkError && !answered && ++unanswered >= NEVER_ANSWERED_TRIES;
      if (unreachable && !error.delivered) {
        // Nothing was sent, and nothing more will be: the row stays for a re-run (not_sent).
        deps.journal.append(notCreated(`${sanitizeLine(error.message)}; nothing was sent`));
        queue.retry({ ...job, notBefore: Number.POSITIVE_INFINITY });
        return halt(new UnreachableError(error, unanswered, 'campaign'));
      }
      if (unreachable) halt(new UnreachableError(error, unanswered, 'campaign'));
      if (error instanceof HttpError && error.status === 429) {
        const delay = Math.min(error.retryAfterMs ?? 1000 * 2 ** job.rateLimited, MAX_RATE_LIMIT_WAIT_MS);
        deps.limiter.pauseUntil(clock.now() + delay);
        deps.onRateLimited?.(delay);
        if (job.rateLimited + 1 < MAX_RATE_LIMITED) {
          deps.journal.append(notCreated('rate limited (429)'));
          return queue.retry({ ...job, rateLimited: job.rateLimited + 1, notBefore: clock.now() });
        }
        return settle(
          job,
          { state: 'failed', error: `${sanitizeLine(error.message)} (${MAX_RATE_LIMITED} times)` },
          notCreated('rate limited (429)'),
        );
      }
      if (error instanceof NetworkError && !error.delivered) {
        const message = `${sanitizeLine(error.message)}; nothing was sent`;
        if (job.notSent + 1 < MAX_NOT_SENT) {
          const delay = 250 * 2 ** job.notSent;
          deps.journal.append(notCreated(message));
          deps.onRetry?.(row, message, delay);
          return queue.retry({ ...job, notSent: job.notSent + 1, notBefore: clock.now() + delay });
        }
        return settle(job, { state: 'failed', error: message }, notCreated(message));
      }
      if (error instanceof HttpError && error.status >= 400 && error.status < 500 && error.status !== 408) {
        const message = sanitizeLine(error.message);
        settle(job, { state: 'failed', error: message }, notCreated(message));
        // Every other row would be refused the same way.
        if (error.status === 401 || error.status === 403) halt(error);
        return;
      }
      const message =
        error instanceof Interrupted
          ? "interrupted while waiting for StackOne's answer"
          : error instanceof HttpError || error instanceof NetworkError || error instanceof BadResponseError
            ? sanitizeLine(error.message)
            : `unexpected error: ${sanitizeLine((error as Error)?.message ?? error)}`;
      return settle(job, { state: 'uncertain', error: message }, { kind: 'uncertain', ...step, error: message, at: iso() });
    }
    answered = true;
    const createdAt = clock.now();
    const session: CreatedSession = {
      session_id: created.id,
      token: created.token,
      auth_link_url: created.auth_link_url,
      created_at: typeof created.created_at === 'string' ? created.created_at : new Date(createdAt).toISOString(),
      expires_in: row.body.expires_in ?? DEFAULT_EXPIRES_IN,
      expires_at: new Date(expiryOf(createdAt, row.body.expires_in)).toISOString(),
      origin_owner_id: row.body.origin_owner_id,
      origin_owner_name: row.body.origin_owner_name,
      provider: row.body.provider ?? (typeof created.provider === 'string' ? created.provider : null),
    };
    settle(job, { state: 'created', session }, { kind: 'created', ...step, ...session, at: iso() });
  };

  const end = await pump({
    source: queue,
    run: (job) => send(job).catch((error: unknown) => halt(error)),
    concurrency: deps.concurrency,
    limiter: deps.limiter,
    clock,
    signal: AbortSignal.any([deps.signal, stop.signal]),
  });
  const notSent = queue.untouched;
  if (fatal) return { result: { end: 'stopped', error: fatal.error }, notSent };
  return { result: end === 'interrupted' ? { end: 'interrupted' } : { end: 'done' }, notSent };
}
