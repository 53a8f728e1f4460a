import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { isValidProfileName, resolveProfileName } from '../../core/settings.js';
import type { Runtime } from '../../lib/runtime.js';
import { redactKey } from '../../lib/text.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { loadSettings, openClient, openProfiles, warnIfKeyFlag } from '../deps.js';
import { readAllStdin } from '../stdin.js';
import { verifyKey } from './shared.js';

interface LoginOptions {
  apiKeyStdin?: boolean;
  verify?: boolean;
}

export function authLoginCommand(runtime: Runtime): Command {
  return new Command('login')
    .description('store an API key in a profile (asked for with hidden input, or read from stdin)')
    .option('--api-key-stdin', 'read the key from stdin')
    .option('--no-verify', 'store the key without checking it with the API')
    .addHelpText(
      'after',
      `
The key is checked with one request (GET /accounts?page_size=1) before it is stored.
--base-url, when given, is stored with the profile.

Examples:
  $ stackone-connect auth login
  $ printenv STACKONE_KEY | stackone-connect auth login --api-key-stdin --profile eu`,
    )
    .action(
      action(async function (this: Command) {
        await runAuthLogin(commandContext(this, runtime), this.opts<LoginOptions>());
      }),
    );
}

export async function runAuthLogin(ctx: CommandContext, options: LoginOptions): Promise<void> {
  const { out, runtime, flags } = ctx;
  const profiles = await openProfiles(ctx);
  const profile = resolveProfileName(flags.profile, ctx.env, profiles);
  if (!isValidProfileName(profile)) {
    throw new UsageError(`Invalid profile name "${profile}".`, 'Use letters, digits, ".", "_" and "-" (up to 64).');
  }
  let key: string;
  if (options.apiKeyStdin) {
    if (flags.apiKey !== undefined) throw new UsageError('Give the key either with --api-key-stdin or with --api-key, not both.');
    key = (await readAllStdin(runtime)).trim();
    if (key === '') throw new UsageError('--api-key-stdin read an empty key from stdin.');
  } else if (flags.apiKey !== undefined) {
    key = flags.apiKey.trim();
  } else if (ctx.canPrompt) {
    const { promptApiKey, inquirerAsk } = await import('../../ui/prompts.js');
    const ask = runtime.ask ?? inquirerAsk({ input: runtime.stdin, output: runtime.stdout, signal: runtime.signal });
    key = await promptApiKey(profile, ask);
  } else {
    throw new UsageError(
      'No API key given and no terminal to ask for one.',
      `Pipe it in: printenv STACKONE_KEY | ${ctx.bin} auth login --api-key-stdin`,
    );
  }
  if (key === '' || /\s/.test(key)) throw new UsageError('The API key must be one word without spaces.');

  // The settings of this profile, but with the key being stored rather than any other.
  const settings = {
    ...(await loadSettings(ctx)),
    profile,
    apiKey: key,
    keySource: flags.apiKey !== undefined && !options.apiKeyStdin ? ('flag' as const) : ('profile' as const),
  };
  if (options.verify !== false) {
    const client = await openClient(ctx, settings, key);
    await verifyKey(client);
  } else {
    warnIfKeyFlag(ctx, settings); // openClient warns otherwise: --api-key is in the process list either way
  }
  const baseUrl = settings.baseUrlSource === 'flag' ? settings.baseUrl : undefined;
  const { madeDefault } = await profiles.save(profile, { api_key: key, ...(baseUrl ? { base_url: baseUrl } : {}) });
  const isDefault = madeDefault || profiles.defaultProfile() === profile;
  out.result({
    json: {
      profile,
      key: redactKey(key),
      base_url: settings.baseUrl,
      verified: options.verify !== false,
      default: isDefault,
      config_file: profiles.path,
    },
    quiet: profile,
    human: () => {
      const verified = options.verify !== false ? 'verified and ' : '';
      const note = isDefault
        ? ' It is the default profile.'
        : ` Use it with --profile ${profile}, or make it the default: ${ctx.bin} auth switch ${profile}`;
      return `${out.theme.symbols.success} Key ${redactKey(key)} ${verified}stored in profile "${profile}" (${profiles.path}).${note}\n`;
    },
  });
}
