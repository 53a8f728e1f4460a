import { Command } from 'commander';
import type { ConnectSession } from '../../api/types.js';
import { ExitCode, type ExitCodeValue, UsageError } from '../../core/errors.js';
import { recordExpiry, statusAt } from '../../core/expiry.js';
import { type ResultStatus, readSession, resultStatus } from '../../core/poll.js';
import { parseSessionId } from '../../core/poll-flags.js';
import { refusedForExpiry, sessionFetcher } from '../../core/session-source.js';
import type { Runtime } from '../../lib/runtime.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { loadSettings, openClient, openHistory, requireKey, sessionSettings } from '../deps.js';
import { resumeCommand, sessionResult, sessionResultJson } from './present.js';
import { explainEnd } from './wait.js';

const EXIT: Record<ResultStatus, ExitCodeValue> = {
  authenticated: ExitCode.Ok,
  error: ExitCode.AttemptFailed,
  cancelled: ExitCode.AttemptFailed,
  expired: ExitCode.Expired,
  pending: ExitCode.Pending,
};

export function sessionStatusCommand(runtime: Runtime): Command {
  return new Command('status')
    .description('show the state of a session once, without waiting; the exit code says the state')
    .argument('<id>', 'session id')
    .option('--token <token>', 'the session token, for deployments without GET /connect_sessions/{id}')
    .addHelpText(
      'after',
      `
Exit codes: 0 connected, 3 last attempt failed or cancelled, 5 expired, 8 not connected yet.

Examples:
  $ stackone-connect session status 1234
  $ stackone-connect session status 1234 --quiet     # the account id, once connected`,
    )
    .action(
      action(async function (this: Command, id: string) {
        return runSessionStatus(commandContext(this, runtime), id, this.opts<{ token?: string }>());
      }),
    );
}

export async function runSessionStatus(ctx: CommandContext, rawId: string, options: { token?: string }): Promise<ExitCodeValue> {
  const id = parseSessionId(rawId);
  if (options.token !== undefined && options.token.trim() === '') throw new UsageError('--token must not be empty.');
  const settings = await loadSettings(ctx);
  requireKey(settings);
  const history = await openHistory(ctx);
  const record = history.find(id, settings.profile);
  const token = options.token?.trim() ?? record?.token;
  if (token) ctx.secrets.add(token);
  const client = await openClient(ctx, sessionSettings(ctx, settings, record, id));
  const expiresAt = recordExpiry(record);
  let session: ConnectSession | undefined;
  try {
    session = await sessionFetcher(client, id, token)();
  } catch (error) {
    // An expired session's token is refused (older deployments): the answer is "expired".
    if (!refusedForExpiry(error, expiresAt, ctx.runtime.now())) throw error;
  }
  const now = ctx.runtime.now();
  const status = statusAt(session ? resultStatus(readSession(session)) : 'expired', expiresAt, now) as ResultStatus;
  const json = sessionResultJson(id, status, session, record);
  const resume = resumeCommand(ctx, id);
  ctx.out.result(sessionResult(ctx.out.theme, json, { resume, expiresAt, now }));
  if (record) {
    await history
      .update(record, { status, account_secure_id: json.account_secure_id }, now)
      .catch((error: Error) => ctx.out.warn(`Could not update the session history: ${error.message}`));
  }
  if (status === 'error' || status === 'cancelled') explainEnd(ctx, 'failed', json, {}, resume);
  else if (status === 'expired') explainEnd(ctx, 'expired', json, {}, resume);
  else if (status === 'pending' && ctx.out.mode === 'quiet') ctx.out.problem(`Session ${id} is not connected yet.`);
  return EXIT[status];
}
