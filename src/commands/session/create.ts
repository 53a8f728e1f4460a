import { Command } from 'commander';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import type { StackOneClient } from '../../api/client.js';
import { BadResponseError, HttpError, NetworkError } from '../../api/errors.js';
import type { ConnectSessionCreate, ConnectSessionCreated } from '../../api/types.js';
import { buildCreateBody, missingRequired, type CreateFlags, type FileReader } from '../../core/create-body.js';
import { parsePollFlags, type PollFlags } from '../../core/poll-flags.js';
import { sanitizeLine } from '../../core/sanitize.js';
import type { SessionRecord } from '../../store/history.js';
import type { ShareFlags } from '../../ui/share.js';
import { action, commandContext, type CommandContext } from '../context.js';
import { loadSettings, openClient, openHistory, requireKey } from '../services.js';
import { readAllStdin } from '../stdin.js';
import { createdResult } from './present.js';
import { resumeCommand, waitForCustomer } from './wait.js';

interface CreateOptions extends CreateFlags, PollFlags, ShareFlags {
  wait?: boolean;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function sessionCreateCommand(runtime: Runtime): Command {
  return new Command('create')
    .description('create a connect session and print its auth link')
    .option('--origin-owner-id <id>', 'your id for the customer (required)')
    .option('--origin-owner-name <name>', 'the customer\'s name (required)')
    .option('--categories <list>', 'allowed categories, comma-separated or repeated (ats, hris, crm, ...)', collect)
    .option('--provider <key>', 'the provider to connect, e.g. bamboohr')
    .option('--provider-version <v>', 'provider version (deprecated by StackOne)')
    .option('--origin-username <name>', 'the name of the person connecting')
    .option('--account-id <id>', 'edit an existing linked account')
    .option('--expires-in <duration>', 'session lifetime: seconds, or 90s, 30m, 12h, 7d (API default 30m)')
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
    .addHelpText('after', `
Examples:
  $ stackone-connect session create --origin-owner-id acme --origin-owner-name "Acme" --wait
  $ stackone-connect session create --origin-owner-id acme --origin-owner-name "Acme" \\
      --categories hris,ats --provider bamboohr --expires-in 7d --metadata @crm.json --quiet
  $ stackone-connect session create          # asks for everything, then waits`)
    .action(action(async function (this: Command) {
      return runSessionCreate(commandContext(this, runtime), this.opts<CreateOptions>());
    }));
}

function fileReader(runtime: Runtime): FileReader {
  return {
    // Loaded on use: node:fs/promises brings readline and streams, which `--help` does not need.
    readFile: async (path) => (await import('node:fs/promises')).readFile(path, 'utf8'),
    readStdin: () => readAllStdin(runtime),
  };
}

export async function runSessionCreate(ctx: CommandContext, options: CreateOptions): Promise<ExitCodeValue> {
  const { out, runtime } = ctx;
  const poll = parsePollFlags(options);
  const interactive = ctx.canPrompt && missingRequired(options).length > 0;
  let flags: CreateFlags = options;
  let client: StackOneClient | undefined;
  let settings;

  if (interactive) {
    // Check what was given before asking for the rest: a typo must not cost a whole dialogue.
    await checkGivenFlags(options, fileReader(runtime));
    settings = await loadSettings(ctx);
    client = await openClient(ctx, settings);
    (await openHistory(ctx)).all(); // likewise a corrupt history, which would stop us after the dialogue
    const { inquirerAsk, promptSessionInput } = await import('../../ui/prompts.js');
    const api = client;
    flags = await promptSessionInput(options, {
      ask: inquirerAsk({ input: runtime.stdin, output: runtime.stdout, signal: runtime.signal }),
      listConnectors: () => api.listConnectors(),
      note: (text) => runtime.stderr.write(`${out.err.muted(text)}\n`),
      warn: (text) => out.warn(text),
    });
  }

  const { body, expiresInSeconds, warnings } = await buildCreateBody(flags, fileReader(runtime));
  settings ??= await loadSettings(ctx);
  requireKey(settings);
  for (const warning of warnings) out.warn(warning);
  const history = await openHistory(ctx);
  history.all(); // a corrupt history must stop us before a session exists that we could not record
  client ??= await openClient(ctx, settings);

  const created = await createOnce(client, body);
  const createdAt = runtime.now();
  const record: SessionRecord = {
    session_id: created.id,
    token: created.token,
    auth_link_url: created.auth_link_url,
    origin_owner_id: body.origin_owner_id,
    origin_owner_name: body.origin_owner_name,
    provider: body.provider ?? (typeof created.provider === 'string' ? created.provider : null),
    created_at: typeof created.created_at === 'string' ? created.created_at : new Date(createdAt).toISOString(),
    expires_in: expiresInSeconds,
    expires_at: new Date(createdAt + expiresInSeconds * 1000).toISOString(),
    profile: settings.profile,
    base_url: settings.baseUrl,
    status: 'pending',
    account_secure_id: null,
    updated_at: new Date(createdAt).toISOString(),
  };
  try {
    await history.add(record);
  } catch (error) {
    out.warn(`The session was created but not saved to the local history: ${(error as Error).message}`);
  }

  const id = String(created.id);
  const wait = options.wait ?? interactive;
  const result = createdResult(out.out, created, { expiresAt: Date.parse(record.expires_at), now: runtime.now(), pollCommand: resumeCommand(ctx, id) });
  // Blank lines set the link apart from a dialogue's answers above and from the wait's result below.
  const [before, after] = [interactive ? '\n' : '', wait ? '\n' : ''];
  const spaced = out.mode === 'human' ? { ...result, human: () => `${before}${result.human()}${after}` } : result;
  if (!wait || out.mode === 'human') out.result(spaced);
  // Even with --quiet: on a terminal the person waiting needs the link to send (stdout stays quiet).
  else if (out.stderrIsTTY) out.stderr.write(`Auth link: ${out.err.link(sanitizeLine(created.auth_link_url))}\n`);

  const { shareLink } = await import('../../ui/share.js');
  await shareLink(created.auth_link_url, options, out, runtime);
  if (!wait) return ExitCode.Ok;
  return waitForCustomer(ctx, client, history, { id, profile: settings.profile, token: created.token, record, initial: created }, poll);
}

/** The flags given next to the prompts, validated as the body would be (exit 2 before any question). */
async function checkGivenFlags(options: CreateOptions, files: FileReader): Promise<void> {
  if (options.metadata === '@-') {
    throw new UsageError('--metadata @- reads stdin, which is the terminal the questions are asked on.',
      'Give the metadata as JSON or @file.json, or pass every required flag so that nothing is asked.');
  }
  await buildCreateBody({ ...options, originOwnerId: 'placeholder', originOwnerName: 'placeholder' }, files);
}

/** One create. After a failure that may have reached StackOne, say so: never send it again. */
async function createOnce(client: StackOneClient, body: ConnectSessionCreate): Promise<ConnectSessionCreated> {
  try {
    return await client.createSession(body);
  } catch (error) {
    const ambiguous =
      (error instanceof HttpError && (error.status >= 500 || error.status === 408)) ||
      (error instanceof NetworkError && !error.refused) ||
      error instanceof BadResponseError;
    if (!ambiguous) throw error;
    throw new CliError(`${(error as Error).message}\nThe request was sent, so a session may or may not exist for ${sanitizeLine(body.origin_owner_id)}; it was not sent again.`, {
      exitCode: ExitCode.Error,
      suggestion: 'Check the StackOne dashboard (Connect sessions) before trying again: a second create may make a second session.',
    });
  }
}
