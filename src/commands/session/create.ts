import { Command } from 'commander';
import type { StackOneClient } from '../../api/client.js';
import { BadResponseError, HttpError, NetworkError } from '../../api/errors.js';
import type { ConnectSessionCreate, ConnectSessionCreated } from '../../api/types.js';
import {
  type CreateFlags,
  DEFAULT_EXPIRES_IN,
  missingOwner,
  type PartialBody,
  parseCreateFlags,
  requireOwner,
} from '../../core/create-body.js';
import { CancelledError, CliError, ExitCode, type ExitCodeValue, UsageError } from '../../core/errors.js';
import { expiryOf } from '../../core/expiry.js';
import type { PaceFlags } from '../../core/pace-flags.js';
import { type PollFlags, parsePollFlags } from '../../core/poll-flags.js';
import type { Runtime } from '../../lib/runtime.js';
import { Interrupted } from '../../lib/sleep.js';
import { sanitizeLine } from '../../lib/text.js';
import type { SessionRecord } from '../../store/history.js';
import type { Catalogue } from '../../ui/prompts.js';
import type { ShareFlags } from '../../ui/share.js';
import { isRejection, verifyKey } from '../auth/shared.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { loadSettings, openClient, openHistory, requireKey } from '../deps.js';
import { fileReader } from '../stdin.js';
import { createdResult, resumeCommand } from './present.js';
import { waitForCustomer } from './wait.js';

interface CreateOptions extends CreateFlags, PollFlags, ShareFlags, PaceFlags {
  wait?: boolean;
  fromFile?: string;
  output?: string;
  dryRun?: boolean;
  resendUncertain?: boolean;
}

/** Flags that only mean something for a file of rows. */
const CAMPAIGN_ONLY: [keyof CreateOptions, string][] = [
  ['output', '--output'],
  ['concurrency', '--concurrency'],
  ['rate', '--rate'],
  ['dryRun', '--dry-run'],
  ['resendUncertain', '--resend-uncertain'],
];

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function sessionCreateCommand(runtime: Runtime): Command {
  return new Command('create')
    .description('create a connect session and print its auth link')
    .option('--origin-owner-id <id>', 'your id for the customer (required)')
    .option('--origin-owner-name <name>', "the customer's name (required)")
    .option('--categories <list>', 'allowed categories, comma-separated or repeated (ats, hris, crm, ...)', collect)
    .option('--provider <key>', 'the provider to connect, e.g. bamboohr')
    .option('--provider-version <v>', 'provider version (deprecated by StackOne)')
    .option('--origin-username <name>', 'the name of the person connecting')
    .option('--account-id <id>', 'edit an existing linked account')
    .option('--expires-in <duration>', 'session lifetime: seconds, or 90s, 30m, 12h, 7d, 1h30m (API default 30m)')
    .option('--metadata <json>', 'a JSON object, @file.json, or @- for stdin')
    .option('--multiple', 'allow several accounts for the same owner and provider')
    .option('--label <label>', 'a label for the linked account')
    .option('--type <type>', 'production or test')
    .option('--integration-id <id>', 'the integration to use')
    .option('--connector-profile-id <id>', 'the connector profile to use (replaces --integration-id)')
    .option('--wait', 'then wait until the customer has connected')
    .option('--no-wait', 'do not wait (interactive mode waits by default)')
    .option('--interval <duration>', 'time between two checks while waiting', '2s')
    .option('--timeout <duration>', 'stop waiting after this long (exit 8)')
    .option('--fail-fast', 'stop at the first failed or cancelled attempt (exit 3)')
    .option('--open', 'open the link in the browser (terminal only)')
    .option('--copy', 'copy the link to the clipboard (terminal only)')
    .option('--qr', 'draw the link as a QR code (terminal only)')
    .option('--from-file <path>', 'one session per row of a CSV or JSON Lines file (- for stdin); the flags give every row its defaults')
    .option('--output <path>', 'with --from-file: the results file, .csv, .jsonl or .ndjson (its journal, beside it, lets a re-run resume)')
    .option('--concurrency <n>', 'with --from-file: requests at once (default 4)')
    .option('--rate <n>', "with --from-file: at most n requests a minute (default 1000, StackOne's limit per key)")
    .option('--dry-run', 'with --from-file: check every row and show what would be sent; send nothing')
    .option('--resend-uncertain', 'with --from-file: send again the rows that may or may not have a session (check first)')
    .addHelpText(
      'after',
      `
Examples:
  $ stackone-connect session create --origin-owner-id acme --origin-owner-name "Acme" --wait
  $ stackone-connect session create --origin-owner-id acme --origin-owner-name "Acme" \\
      --categories hris,ats --provider bamboohr --expires-in 7d --metadata @crm.json --quiet
  $ stackone-connect session create          # asks for everything, then waits

Campaigns: one session per row, columns named like the body fields (categories split on ";");
the same command again resumes, skipping the rows already created:
  $ stackone-connect session create --from-file customers.csv --dry-run
  $ stackone-connect session create --from-file customers.csv --output results.csv --expires-in 7d
  $ stackone-connect session poll --all --from-file results.csv     # the board: who has connected`,
    )
    .action(
      action(async function (this: Command) {
        const ctx = commandContext(this, runtime);
        const options = this.opts<CreateOptions>();
        if (options.fromFile !== undefined) {
          const { runCampaign } = await import('./campaign.js');
          return runCampaign(ctx, { ...options, fromFile: options.fromFile }, (option) => this.getOptionValueSource(option) === 'cli');
        }
        const stray = CAMPAIGN_ONLY.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
        if (stray.length > 0) {
          throw new UsageError(
            `${stray.join(', ')} ${stray.length === 1 ? 'applies' : 'apply'} only with --from-file.`,
            'Example: stackone-connect session create --from-file customers.csv --output results.csv',
          );
        }
        return runSessionCreate(ctx, options);
      }),
    );
}

export async function runSessionCreate(ctx: CommandContext, options: CreateOptions): Promise<ExitCodeValue> {
  const { out, runtime } = ctx;
  const poll = parsePollFlags(options);
  const asking = ctx.canPrompt && (options.originOwnerId === undefined || options.originOwnerName === undefined);
  if (asking && options.metadata === '@-') {
    throw new UsageError(
      '--metadata @- reads stdin, which is the terminal the questions are asked on.',
      'Give the metadata as JSON or @file.json, or pass every required flag so that nothing is asked.',
    );
  }
  // Every flag given is checked here, once, before anything is asked or sent.
  const { body: given, warnings } = await parseCreateFlags(options, fileReader(runtime));
  const interactive = ctx.canPrompt && missingOwner(given).length > 0;
  if (!interactive) requireOwner(given);
  for (const warning of warnings) out.warn(warning);
  const settings = await loadSettings(ctx);
  requireKey(settings);
  const history = await openHistory(ctx);
  history.check(); // a history we cannot use must stop us before a session exists that we could not record
  const client = await openClient(ctx, settings);

  let body = given;
  if (interactive) {
    // The key and the address are checked before the first question: a rejected key or an
    // unreachable API must not cost a whole dialogue.
    const catalogue = await preflight(ctx, client, given);
    const { inquirerAsk, promptSessionInput } = await import('../../ui/prompts.js');
    body = await promptSessionInput(given, {
      ask: runtime.ask ?? inquirerAsk({ input: runtime.stdin, output: runtime.stdout, signal: runtime.signal }),
      catalogue,
      note: (text) => runtime.stderr.write(`${text}\n`),
      warn: (text) => out.warn(text),
      theme: out.errTheme,
      columns: runtime.stderr.columns,
    });
  }

  const created = await createOnce(client, requireOwner(body), runtime.signal);
  ctx.secrets.add(created.token);
  const createdAt = runtime.now();
  const expiresAt = expiryOf(createdAt, body.expires_in);
  const record: SessionRecord = {
    session_id: created.id,
    token: created.token,
    auth_link_url: created.auth_link_url,
    origin_owner_id: body.origin_owner_id ?? null,
    origin_owner_name: body.origin_owner_name ?? null,
    provider: body.provider ?? (typeof created.provider === 'string' ? created.provider : null),
    created_at: typeof created.created_at === 'string' ? created.created_at : new Date(createdAt).toISOString(),
    expires_in: body.expires_in ?? DEFAULT_EXPIRES_IN,
    expires_at: new Date(expiresAt).toISOString(),
    profile: settings.profile,
    base_url: settings.baseUrl,
    status: 'pending',
    account_secure_id: null,
    updated_at: new Date(createdAt).toISOString(),
  };
  try {
    await history.add(record);
  } catch (error) {
    out.warn(`The session was created, but not saved to the local history: ${(error as Error).message} Keep the link and id printed here.`);
  }

  const id = String(created.id);
  const wait = options.wait ?? interactive;
  const result = createdResult(out.theme, created, { expiresAt, now: runtime.now(), pollCommand: resumeCommand(ctx, id) });
  // Blank lines set the link apart from a dialogue's answers above and from the wait's result below.
  const [before, after] = [interactive ? '\n' : '', wait ? '\n' : ''];
  const spaced = out.mode === 'human' ? { ...result, human: () => `${before}${result.human()}${after}` } : result;
  if (!wait || out.mode === 'human') out.result(spaced);
  // Even with --quiet: on a terminal the person waiting needs the link to send (stdout stays quiet).
  else if (out.stderrIsTTY) out.stderr.write(`Auth link: ${out.errTheme.link(sanitizeLine(created.auth_link_url))}\n`);

  const { shareLink } = await import('../../ui/share.js');
  await shareLink(created.auth_link_url, options, out, runtime, ctx.env);
  if (!wait) return ExitCode.Ok;
  return waitForCustomer(ctx, client, history, { id, profile: settings.profile, token: created.token, record, initial: created }, poll);
}

/**
 * Before the first question: the key and the address, checked with the request the dialogue
 * needs anyway (the provider list). A rejected key (exit 4) or an API that cannot be reached
 * (nothing sent, exit 1) ends here; a list that cannot be read only means free text later.
 */
async function preflight(ctx: CommandContext, client: StackOneClient, given: PartialBody): Promise<Catalogue | undefined> {
  // Said only when it takes a moment, so that a slow API does not look like a hung command.
  const stopNote = ctx.runtime.timer(
    300,
    () =>
      void ctx.runtime.stderr.write(`${ctx.out.errTheme.muted('Checking the API key and loading the provider list (Ctrl-C to stop)…')}\n`),
  );
  try {
    return await checkAndLoad(ctx, client, given);
  } catch (error) {
    if (error instanceof Interrupted) throw new CancelledError('Cancelled; nothing was created.', undefined, error.reason);
    throw error;
  } finally {
    stopNote();
  }
}

async function checkAndLoad(ctx: CommandContext, client: StackOneClient, given: PartialBody): Promise<Catalogue | undefined> {
  const fatal = (error: unknown) => isRejection(error) || (error instanceof NetworkError && !error.delivered);
  if (given.provider !== undefined) {
    try {
      await verifyKey(client);
    } catch (error) {
      if (fatal(error)) throw error;
      ctx.out.warn(`Could not check the API key (${sanitizeLine((error as Error).message)}); going on.`);
    }
    return undefined;
  }
  const { loadCatalogue } = await import('../../ui/prompts.js');
  return loadCatalogue(() => client.listConnectors(), ctx.runtime.timer, fatal);
}

/**
 * One create. After a failure that may have reached StackOne, say so and never send it again:
 * one command must never create two sessions. A failure before anything left this machine is
 * said to be one (and is safe to run again).
 */
async function createOnce(client: StackOneClient, body: ConnectSessionCreate, signal: AbortSignal): Promise<ConnectSessionCreated> {
  const owner = sanitizeLine(body.origin_owner_id);
  const uncertain = {
    exitCode: ExitCode.Error,
    suggestion: 'Check the StackOne dashboard (Connect sessions) before trying again: a second create may make a second session.',
  };
  try {
    return await client.createSession(body);
  } catch (error) {
    if (error instanceof Interrupted) {
      throw new CancelledError(
        `Interrupted while waiting for StackOne's answer: a session may or may not exist for ${owner}.`,
        uncertain.suggestion,
        signal.reason ?? error.reason,
      );
    }
    if (error instanceof NetworkError && !error.delivered) {
      throw new CliError(`${error.message}. Nothing was sent: no session was created.`, {
        suggestion: 'Check your network, proxy and --base-url / STACKONE_BASE_URL; running the command again is safe.',
      });
    }
    const ambiguous =
      (error instanceof HttpError && (error.status >= 500 || error.status === 408)) ||
      error instanceof NetworkError ||
      error instanceof BadResponseError;
    if (!ambiguous) throw error;
    throw new CliError(
      `${(error as Error).message}\nThe request was sent, so a session may or may not exist for ${owner}; it was not sent again.`,
      uncertain,
    );
  }
}
