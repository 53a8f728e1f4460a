import { Command } from 'commander';
import { type ExitCodeValue, UsageError } from '../../core/errors.js';
import type { PaceFlags } from '../../core/pace-flags.js';
import { type PollFlags, parsePollFlags, parseSessionId } from '../../core/poll-flags.js';
import type { Runtime } from '../../lib/runtime.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { loadSettings, openClient, openHistory, requireKey, sessionSettings } from '../deps.js';
import { waitForCustomer } from './wait.js';

interface PollOptions extends PollFlags, PaceFlags {
  token?: string;
  all?: boolean;
  fromFile?: string;
}

export function sessionPollCommand(runtime: Runtime): Command {
  return new Command('poll')
    .description('wait until the customer has connected; prints the account id')
    .argument('[id]', 'session id (default: the latest created with this profile)')
    .option('--interval <duration>', 'time between two checks', '2s')
    .option('--timeout <duration>', 'stop waiting after this long (exit 8)')
    .option('--fail-fast', 'stop at the first failed or cancelled attempt (exit 3)')
    .option('--token <token>', 'the session token, for deployments without GET /connect_sessions/{id}')
    .option('--all', 'the board: every session of this profile not yet connected or expired, at once')
    .option('--from-file <path>', 'the board of a campaign: the sessions of its results file (CSV or JSON Lines; - for stdin)')
    .option('--concurrency <n>', 'with --all or --from-file: reads at once (default 4)')
    .option('--rate <n>', "with --all or --from-file: at most n reads a minute (default 1000, StackOne's limit per key)")
    .addHelpText(
      'after',
      `
The board (--all, --from-file) reads the sessions round-robin within --rate, each at most every
--interval; on a terminal it shows a table that updates in place, otherwise one line per change.
It ends when every session has connected, expired, cannot be read (exit 1) or (with --fail-fast)
failed, or at --timeout. --json prints one line per session; --quiet the account ids. Exit 0 when
all connected.

Examples:
  $ stackone-connect session poll                 # the latest session of this profile
  $ stackone-connect session poll 1234 --timeout 10m --json
  $ stackone-connect session poll --all --from-file results.csv --timeout 7d`,
    )
    .action(
      action(async function (this: Command, id: string | undefined) {
        const ctx = commandContext(this, runtime);
        const options = this.opts<PollOptions>();
        if (options.all || options.fromFile !== undefined) {
          if (id !== undefined)
            throw new UsageError(
              `A session id and ${options.all ? '--all' : '--from-file'} cannot be used together.`,
              'Poll one session by its id, or all of them with --all.',
            );
          if (options.token !== undefined)
            throw new UsageError(
              '--token applies to one session, not to --all.',
              'Sessions of the local history are read with their own tokens.',
            );
          const { runBoard } = await import('./board.js');
          return runBoard(ctx, options);
        }
        const stray = (['concurrency', 'rate'] as const).filter((key) => options[key] !== undefined).map((key) => `--${key}`);
        if (stray.length > 0)
          throw new UsageError(
            `${stray.join(' and ')} ${stray.length === 1 ? 'applies' : 'apply'} only with --all or --from-file.`,
            'Example: stackone-connect session poll --all --rate 500',
          );
        return runSessionPoll(ctx, id, options);
      }),
    );
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
    throw new UsageError(
      `No session to poll: none was created with profile "${settings.profile}" on this machine.`,
      `Give its id: ${ctx.bin} session poll <id>, or create one with \`${ctx.bin} session create\`.`,
    );
  }
  const id = given ?? String(record!.session_id);
  if (options.token !== undefined) ctx.out.warn('--token is visible to other users in the process list.');
  const token = options.token?.trim() ?? record?.token;
  if (token) ctx.secrets.add(token);
  const client = await openClient(ctx, sessionSettings(ctx, settings, record, id));
  return waitForCustomer(ctx, client, history, { id, profile: settings.profile, token, record }, poll);
}
