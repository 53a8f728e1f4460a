import { Command } from 'commander';
import { ExitCode, type ExitCodeValue } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { parseSessionId } from '../../core/poll-flags.js';
import { readSession, resultStatus, type ResultStatus } from '../../core/poll.js';
import { refusedForExpiry, sessionFetcher } from '../../core/session-source.js';
import { action, commandContext, type CommandContext } from '../context.js';
import { loadSettings, openClient, openHistory, requireKey } from '../services.js';
import { sessionResult, sessionResultJson } from './present.js';
import { resumeCommand } from './wait.js';

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
    .addHelpText('after', `
Exit codes: 0 connected, 3 last attempt failed or cancelled, 5 expired, 8 not connected yet.

Examples:
  $ stackone-connect session status 1234
  $ stackone-connect session status 1234 --quiet     # the account id, once connected`)
    .action(action(async function (this: Command, id: string) {
      return runSessionStatus(commandContext(this, runtime), id, this.opts<{ token?: string }>());
    }));
}

export async function runSessionStatus(ctx: CommandContext, rawId: string, options: { token?: string }): Promise<ExitCodeValue> {
  const id = parseSessionId(rawId);
  const settings = await loadSettings(ctx);
  requireKey(settings);
  const history = await openHistory(ctx);
  const record = history.find(id, settings.profile);
  const client = await openClient(ctx, settings);
  const expiresAt = record ? Date.parse(record.expires_at) : NaN;
  let session;
  try {
    session = await sessionFetcher(client, id, options.token ?? record?.token)();
  } catch (error) {
    // An expired session's token is refused (older deployments): the answer is "expired".
    if (!refusedForExpiry(error, Number.isNaN(expiresAt) ? undefined : expiresAt, ctx.runtime.now())) throw error;
  }
  const now = ctx.runtime.now();
  let status: ResultStatus = session ? resultStatus(readSession(session)) : 'expired';
  if (status !== 'authenticated' && !Number.isNaN(expiresAt) && now >= expiresAt) status = 'expired';
  const json = sessionResultJson(id, status, session, record);
  ctx.out.result(sessionResult(ctx.out.out, json, { resume: resumeCommand(ctx, id), expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt, now }));
  if (record) {
    await history.update(record, { status, account_secure_id: json.account_secure_id }, now)
      .catch((error: Error) => ctx.out.warn(`Could not update the session history: ${error.message}`));
  }
  return EXIT[status];
}
