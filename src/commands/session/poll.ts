import { Command } from 'commander';
import { UsageError, type ExitCodeValue } from '../../core/errors.js';
import type { Runtime } from '../../lib/runtime.js';
import { parsePollFlags, parseSessionId, type PollFlags } from '../../core/poll-flags.js';
import { action, commandContext, type CommandContext } from '../context.js';
import { loadSettings, openClient, openHistory, requireKey, sessionSettings } from '../deps.js';
import { waitForCustomer } from './wait.js';

interface PollOptions extends PollFlags {
  token?: string;
}

export function sessionPollCommand(runtime: Runtime): Command {
  return new Command('poll')
    .description('wait until the customer has connected; prints the account id')
    .argument('[id]', 'session id (default: the latest created with this profile)')
    .option('--interval <duration>', 'time between two checks', '2s')
    .option('--timeout <duration>', 'stop waiting after this long (exit 8)')
    .option('--fail-fast', 'stop at the first failed or cancelled attempt (exit 3)')
    .option('--token <token>', 'the session token, for deployments without GET /connect_sessions/{id}')
    .addHelpText('after', `
Examples:
  $ stackone-connect session poll                 # the latest session of this profile
  $ stackone-connect session poll 1234 --timeout 10m --json`)
    .action(action(async function (this: Command, id: string | undefined) {
      return runSessionPoll(commandContext(this, runtime), id, this.opts<PollOptions>());
    }));
}

export async function runSessionPoll(ctx: CommandContext, rawId: string | undefined, options: PollOptions): Promise<ExitCodeValue> {
  const given = rawId === undefined ? undefined : parseSessionId(rawId);
  const poll = parsePollFlags(options);
  if (options.token !== undefined && options.token.trim() === '') throw new UsageError('--token must not be empty.');
  const settings = await loadSettings(ctx);
  requireKey(settings);
  const history = await openHistory(ctx);
  const record = given === undefined ? history.latest(settings.profile) : history.find(given, settings.profile);
  if (!record && given === undefined) {
    throw new UsageError(`No session to poll: none was created with profile "${settings.profile}" on this machine.`,
      `Give its id: ${ctx.bin} session poll <id>, or create one with \`${ctx.bin} session create\`.`);
  }
  const id = given ?? String(record!.session_id);
  if (options.token !== undefined) ctx.out.warn('--token is visible to other users in the process list.');
  const token = options.token?.trim() ?? record?.token;
  if (token) ctx.secrets.add(token);
  const client = await openClient(ctx, sessionSettings(ctx, settings, record, id));
  return waitForCustomer(ctx, client, history, { id, profile: settings.profile, token, record }, poll);
}
