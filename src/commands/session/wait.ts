import { CancelledError, ExitCode, type ExitCodeValue } from '../../errors.js';
import type { StackOneClient } from '../../api/client.js';
import type { ConnectSession } from '../../api/types.js';
import { formatDuration } from '../../core/durations.js';
import { pollSession, type PollEnd, type PollEvent, type Reading } from '../../core/poll.js';
import type { PollSettings } from '../../core/poll-flags.js';
import { sanitizeLine } from '../../core/sanitize.js';
import { sessionFetcher } from '../../core/session-source.js';
import type { SessionHistory, SessionRecord } from '../../store/history.js';
import { createProgress, type Progress } from '../../ui/progress.js';
import type { CommandContext } from '../context.js';
import { describeAttempt, sessionResult, sessionResultJson } from './present.js';

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

export function resumeCommand(ctx: CommandContext, id: string): string {
  const profile = ctx.flags.profile ? ` --profile ${ctx.flags.profile}` : '';
  return `stackone-connect session poll ${id}${profile}`;
}

function expiresAtOf(record: SessionRecord | undefined): number | undefined {
  const at = record ? Date.parse(record.expires_at) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

function stateText(reading: Reading | undefined): string {
  if (!reading || reading.kind === 'waiting') return 'Waiting for the customer to open the link';
  if (reading.kind === 'failed') return `Last attempt ${reading.status}; waiting for the customer to try again`;
  const provider = typeof reading.attempt.provider === 'string' ? ` to ${sanitizeLine(reading.attempt.provider)}` : '';
  return `The customer is connecting${provider}`;
}

/** Polls until an end (cli-contract.md, "Polling"), shows progress, prints the result, returns the exit code. */
export async function waitForCustomer(
  ctx: CommandContext,
  client: StackOneClient,
  history: SessionHistory,
  target: WaitTarget,
  poll: PollSettings,
): Promise<ExitCodeValue> {
  const { out, runtime } = ctx;
  const expiresAt = expiresAtOf(target.record);
  const started = runtime.now();
  const resume = resumeCommand(ctx, target.id);
  const progress = await createProgress(out);
  let reading: Reading | undefined;
  let lastSession: ConnectSession | undefined;

  const spin = () => {
    const elapsed = `${formatDuration(runtime.now() - started)} elapsed`;
    const left = expiresAt === undefined ? '' : ` · expires in ${formatDuration(expiresAt - runtime.now())}`;
    const timeout = poll.timeoutMs === undefined ? '' : ` · timeout in ${formatDuration(started + poll.timeoutMs - runtime.now())}`;
    progress.update(`${stateText(reading)} · ${elapsed}${left}${timeout}`);
  };
  const ticker = setInterval(spin, 1000);
  ticker.unref();

  const expiry = expiresAt === undefined ? 'expiry unknown: only --timeout ends the wait' : `expires in ${formatDuration(expiresAt - started)}`;
  progress.note(out.err.muted(`Waiting for the customer to connect (session ${target.id}, ${expiry}). Ctrl-C stops waiting; the session stays open.`));
  spin();
  // The wait ends by writing the outcome to the history: have that ready, so the result is not held up.
  history.preloadWriter();

  const onEvent = (event: PollEvent) => {
    if (event.type === 'reading') {
      reading = event.reading;
      if (event.changed) {
        if (reading.kind === 'failed') {
          progress.note(`${out.err.symbols.error} Connection attempt ${describeAttempt(reading.attempt)}.${poll.failFast ? '' : ' The customer can try again; still waiting.'}`);
        } else if (reading.kind === 'pending') {
          progress.note(`${out.err.symbols.info} ${stateText(reading)}.`);
        }
      }
      spin();
    } else if (event.type === 'retry') {
      progress.alert(out.err.warning(`${out.err.symbols.warning} Could not read the session: ${sanitizeLine(event.error.message)} Retrying in ${formatDuration(event.delayMs)} (failure ${event.failures}).`));
    } else {
      progress.note(out.err.muted(`Reading the session again after ${event.failures} failed ${event.failures === 1 ? 'try' : 'tries'}.`));
    }
  };

  const fetchSession = sessionFetcher(client, target.id, target.token, (status) =>
    progress.note(out.err.muted(`This deployment answered ${status} to GET /connect_sessions/${target.id}; polling with the session token instead.`)),
  );
  let end: PollEnd | 'interrupted';
  let status;
  try {
    const outcome = await pollSession(
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
    end = outcome.end;
    status = outcome.status;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    end = 'interrupted';
    status = 'pending' as const;
  } finally {
    clearInterval(ticker);
    progress.stop();
  }

  const session = lastSession ? { ...target.initial, ...lastSession } : target.initial;
  const json = sessionResultJson(target.id, status, session, target.record);
  const result = sessionResult(out.out, json, { resume, expiresAt, now: runtime.now() });
  // Below the spinner's notes on the same terminal, a blank line sets the outcome apart.
  const shared = out.mode === 'human' && out.stderrIsTTY && Boolean(runtime.stdout.isTTY);
  out.result(shared ? { ...result, human: () => `\n${result.human()}` } : result);
  await remember(ctx, history, target, json.status, json.account_secure_id);

  if (end === 'interrupted') {
    const until = expiresAt === undefined ? '' : ` until it expires in ${formatDuration(expiresAt - runtime.now())}`;
    throw new CancelledError(`Stopped waiting. Session ${target.id} stays open${until}.`, `Resume with: ${resume}`);
  }
  if (end === 'expired') out.info(out.err.muted('Create a new session with `stackone-connect session create`.'));
  if (end === 'timeout') out.info(out.err.muted(`Still waiting after --timeout ${formatDuration(poll.timeoutMs ?? 0)}. Resume with: ${resume}`));
  return EXIT[end];
}

/** The last known status goes to the history; failing to write it must not hide the result. */
async function remember(ctx: CommandContext, history: SessionHistory, target: WaitTarget, status: string, accountId: string | null) {
  if (!target.record) return;
  try {
    await history.update(target.record.session_id, target.record.profile, { status, account_secure_id: accountId });
  } catch (error) {
    ctx.out.warn(`Could not update the session history: ${(error as Error).message}`);
  }
}
