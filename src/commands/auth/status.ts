import { Command } from 'commander';
import { AuthError, ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { resolveSettings } from '../../core/settings.js';
import type { Runtime } from '../../lib/runtime.js';
import { redactKey, sanitizeLine } from '../../lib/text.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { openClient, openProfiles, warnIfKeyFlag } from '../deps.js';
import { listedProfiles, profilesTable } from './list.js';
import { isRejection, verifyKey } from './shared.js';

const SOURCE = { flag: '--api-key', env: 'STACKONE_API_KEY', profile: 'the profile' } as const;
const URL_SOURCE = {
  flag: '--base-url',
  env: 'STACKONE_BASE_URL',
  profile: 'the profile',
  default: 'default',
  history: 'the history',
} as const;

export function authStatusCommand(runtime: Runtime): Command {
  return new Command('status')
    .description('show the active profile, base URL and key (redacted), and check the key')
    .option('--no-verify', 'do not check the key with the API')
    .addHelpText(
      'after',
      `
Exit codes: 0 the key works, 4 no key or the API rejected it, 1 the API could not be reached.`,
    )
    .action(
      action(async function (this: Command) {
        return runAuthStatus(commandContext(this, runtime), this.opts<{ verify?: boolean }>());
      }),
    );
}

export async function runAuthStatus(ctx: CommandContext, options: { verify?: boolean }): Promise<ExitCodeValue> {
  const { out } = ctx;
  const profiles = await openProfiles(ctx);
  const settings = resolveSettings(ctx.flags, ctx.env, profiles);
  const defaultProfile = profiles.defaultProfile();
  let verified: boolean | null = null;
  let problem: Error | undefined;
  if (settings.apiKey && options.verify !== false) {
    try {
      await verifyKey(await openClient(ctx, settings));
      verified = true;
    } catch (error) {
      if (!isRejection(error)) throw error;
      verified = false;
      problem = error as Error;
    }
  } else {
    warnIfKeyFlag(ctx, settings); // openClient warns otherwise: --api-key is in the process list either way
  }
  const key = settings.apiKey ? redactKey(settings.apiKey) : null;
  const listed = listedProfiles(profiles);
  out.result({
    json: {
      profile: settings.profile,
      default_profile: defaultProfile ?? null,
      base_url: settings.baseUrl,
      base_url_source: settings.baseUrlSource,
      key,
      key_source: settings.keySource ?? null,
      verified,
      config_file: profiles.path,
      profiles: listed,
    },
    quiet: settings.profile,
    human: () => {
      const t = out.theme;
      const row = (label: string, value: string) => `  ${t.muted(label.padEnd(10))}${value}`;
      const check =
        verified === true
          ? `${t.symbols.success} the API accepted the key`
          : verified === false
            ? `${t.symbols.error} the API rejected the key`
            : t.muted('not checked');
      const which =
        settings.profile === defaultProfile
          ? 'the default profile'
          : ctx.flags.profile
            ? 'from --profile'
            : ctx.env.profile
              ? 'from STACKONE_PROFILE'
              : undefined;
      return [
        row('Profile', `${sanitizeLine(settings.profile)}${which ? t.muted(` · ${which}`) : ''}`),
        row('Base URL', `${settings.baseUrl} ${t.muted(`(${URL_SOURCE[settings.baseUrlSource]})`)}`),
        row('API key', key ? `${key} ${t.muted(`(from ${SOURCE[settings.keySource!]})`)}` : t.error('none')),
        row('Verified', key ? check : t.muted('-')),
        row('Config', profiles.path),
        ...(listed.length > 0 ? ['', `Stored profiles (${t.success('*')} the default):`, profilesTable(t, listed, settings.profile)] : []),
        '',
      ].join('\n');
    },
  });
  if (!settings.apiKey) throw new AuthError(`No API key for profile "${settings.profile}".`);
  if (problem) throw problem;
  return ExitCode.Ok;
}
