import type { StackOneClient } from '../../api/client.js';
import type { ConnectSession } from '../../api/types.js';
import { CancelledError, ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { recordExpiry } from '../../core/expiry.js';
import { type PollEnd, type PollEvent, PollInterrupted, type PollOutcome, pollSession, type Reading } from '../../core/poll.js';
import type { PollSettings } from '../../core/poll-flags.js';
import { sessionFetcher } from '../../core/session-source.js';
import { formatDuration } from '../../lib/durations.js';
import { nonEmpty, sanitizeLine } from '../../lib/text.js';
import type { SessionHistory, SessionRecord } from '../../store/history.js';
import { createProgress } from '../../ui/progress.js';
import type { CommandContext } from '../context.js';
import { accountProvider } from '../deps.js';
import { attemptEnded, resumeCommand, type SessionResultJson, sessionResult, sessionResultJson } from './present.js';

export interface WaitTarget {
  id: string;
  profile: string;
  token: string | undefined;
  record: SessionRecord | undefined;
  /** A known first view of the session (the create response): its link and owner. */
  initial?: ConnectSession;
}

const EXIT: Record<PollEnd, ExitCodeValue> = {
  authenticated: ExitCode.Ok,
  failed: ExitCode.AttemptFailed,
  expired: ExitCode.Expired,
  timeout: ExitCode.Pending,
};

function stateText(reading: Reading | undefined, provider: string | undefined): string {
  if (!reading || reading.kind === 'waiting') return 'Waiting for the customer to open the link';
  if (reading.kind === 'failed') return `Last attempt ${reading.status}; waiting for the customer to try again`;
  const to = nonEmpty(reading.attempt.provider) ?? provider;
  return `The customer is connecting${to ? ` to ${sanitizeLine(to)}` : ''}`;
}

/** "Reading the session failed: 503 Service Unavailable. Retrying in 2s (failure 1)." */
function retryLine(error: Error, delayMs: number, failures: number): string {
  return `${sanitizeLine(error.message).replace(/\.$/, '')}. Retrying in ${formatDuration(delayMs)} (failure ${failures}).`;
}

/** Polls until an end (docs/contract.md, "Polling"), shows progress, prints the result, returns the exit code. */
export async function waitForCustomer(
  ctx: CommandContext,
  client: StackOneClient,
  history: SessionHistory,
  target: WaitTarget,
  poll: PollSettings,
): Promise<ExitCodeValue> {
  const { out, runtime } = ctx;
  const theme = out.errTheme;
  const expiresAt = recordExpiry(target.record);
  const started = runtime.now();
  const resume = resumeCommand(ctx, target.id);
  const knownProvider = nonEmpty(target.initial?.provider) ?? nonEmpty(target.record?.provider);
  const progress = await createProgress(out);
  let reading: Reading | undefined;
  let lastSession: ConnectSession | undefined;

  const spin = () => {
    const elapsed = `${formatDuration(runtime.now() - started)} elapsed`;
    const left = expiresAt === undefined ? '' : ` · expires in ${formatDuration(expiresAt - runtime.now())}`;
    const timeout = poll.timeoutMs === undefined ? '' : ` · timeout in ${formatDuration(started + poll.timeoutMs - runtime.now())}`;
    progress.update(`${stateText(reading, knownProvider)} · ${elapsed}${left}${timeout}`);
  };
  const stopTicker = runtime.timer(1000, spin, { repeat: true });

  const expiry =
    expiresAt === undefined ? 'expiry unknown: only --timeout ends the wait' : `expires in ${formatDuration(expiresAt - started)}`;
  progress.note(
    theme.muted(`Waiting for the customer to connect (session ${target.id}, ${expiry}). Ctrl-C stops waiting; the session stays open.`),
  );
  spin();

  const onEvent = (event: PollEvent) => {
    if (event.type === 'reading') {
      reading = event.reading;
      if (event.changed) {
        if (reading.kind === 'failed') {
          const provider = nonEmpty(reading.attempt.provider) ?? knownProvider ?? null;
          progress.note(
            `${theme.symbols.error} ${attemptEnded(reading.attempt, provider)}.${poll.failFast ? '' : ' The customer can try again; still waiting.'}`,
          );
        } else if (reading.kind === 'pending') {
          progress.note(`${theme.symbols.info} ${stateText(reading, knownProvider)}.`);
        }
      }
      spin();
    } else if (event.type === 'retry') {
      progress.alert(theme.warning(`${theme.symbols.warning} ${retryLine(event.error, event.delayMs, event.failures)}`));
    } else {
      progress.note(theme.muted(`Reading the session again after ${event.failures} failed ${event.failures === 1 ? 'try' : 'tries'}.`));
    }
  };

  const fetchSession = sessionFetcher(client, target.id, target.token, (status) =>
    progress.note(
      theme.muted(`This deployment answered ${status} to GET /connect_sessions/${target.id}; polling with the session token instead.`),
    ),
  );
  let outcome: PollOutcome;
  try {
    outcome = await pollSession(
      { ...poll, expiresAt },
      {
        fetchSession: async () => (lastSession = await fetchSession()),
        now: runtime.now,
        sleep: runtime.sleep,
        random: runtime.random,
        signal: runtime.signal,
        onEvent,
      },
    );
  } catch (error) {
    if (error instanceof PollInterrupted) return interrupted(ctx, target, error, lastSession, expiresAt, resume);
    throw error;
  } finally {
    stopTicker();
    progress.stop();
  }

  const session = lastSession ? { ...target.initial, ...lastSession } : target.initial;
  let json = sessionResultJson(target.id, outcome.status, session, target.record);
  // The customer picked the provider in the hub: the linked account says which (one more request).
  if (json.status === 'authenticated' && json.provider === null && json.account_secure_id) {
    const provider = await accountProvider(ctx, client, json.account_secure_id);
    if (provider) json = sessionResultJson(target.id, outcome.status, session, target.record, provider);
  }
  const result = sessionResult(out.theme, json, { resume, expiresAt, now: runtime.now() });
  // Below the spinner's notes on the same terminal, a blank line sets the outcome apart.
  const shared = out.mode === 'human' && out.stderrIsTTY && Boolean(runtime.stdout.isTTY);
  out.result(shared ? { ...result, human: () => `\n${result.human()}` } : result);
  await remember(ctx, history, target, json);
  if (outcome.end !== 'authenticated') explainEnd(ctx, outcome.end, json, poll, resume);
  return EXIT[outcome.end];
}

/**
 * A non-zero end always leaves one line on stderr that says why, --quiet or not. On a terminal
 * that just showed the result's head line on stdout, only the next step is added.
 */
export function explainEnd(
  ctx: CommandContext,
  end: Exclude<PollEnd, 'authenticated'>,
  json: SessionResultJson,
  poll: { timeoutMs?: number; failFast?: boolean },
  resume: string | undefined,
) {
  const { out, runtime } = ctx;
  const who = json.origin_owner_name ? sanitizeLine(json.origin_owner_name) : 'the customer';
  const ends: Record<typeof end, [string, string | undefined]> = {
    failed: [
      `${attemptEnded(json.attempt, json.provider)}${poll.failFast ? ' (--fail-fast)' : ''}.`,
      resume && `The link still works: resume with ${resume}`,
    ],
    expired: [`Session ${json.session_id} expired before ${who} connected.`, `Create a new session: ${ctx.bin} session create`],
    timeout: [
      `Still waiting after --timeout ${formatDuration(poll.timeoutMs ?? 0)}: ${who} has not connected yet.`,
      resume && `Resume with: ${resume}`,
    ],
  };
  const [reason, next] = ends[end];
  const onScreen = out.mode === 'human' && out.stderrIsTTY && Boolean(runtime.stdout.isTTY);
  if (onScreen && end !== 'timeout') {
    if (next) out.info(out.errTheme.muted(next));
    return;
  }
  out.problem(next ? `${reason} ${next}` : reason);
}

/** Ctrl-C, SIGTERM or SIGHUP while waiting: the session stays open; say so, and how to come back. */
async function interrupted(
  ctx: CommandContext,
  target: WaitTarget,
  error: PollInterrupted,
  lastSession: ConnectSession | undefined,
  expiresAt: number | undefined,
  resume: string | undefined,
): Promise<never> {
  const { out, runtime } = ctx;
  // --json always prints its object; a human block would only repeat "not connected yet".
  if (out.mode === 'json') {
    const session = lastSession ? { ...target.initial, ...lastSession } : target.initial;
    out.result(sessionResult(out.theme, sessionResultJson(target.id, 'pending', session, target.record), { now: runtime.now() }));
  }
  const until = expiresAt === undefined ? '' : ` until it expires in ${formatDuration(expiresAt - runtime.now())}`;
  const unreached = error.answered ? '' : ' (the API did not answer during this wait)';
  throw new CancelledError(
    `Stopped waiting. Session ${target.id} stays open${until}${unreached}.`,
    resume && `Resume with: ${resume}`,
    error.reason,
  );
}

/** What was learnt goes to the history; failing to write it must not hide the result. */
async function remember(ctx: CommandContext, history: SessionHistory, target: WaitTarget, json: SessionResultJson) {
  if (!target.record) return;
  try {
    await history.update(
      target.record,
      { status: json.status, account_secure_id: json.account_secure_id, provider: json.provider ?? undefined },
      ctx.runtime.now(),
    );
  } catch (error) {
    ctx.out.warn(`Could not update the session history: ${(error as Error).message}`);
  }
}
