import { Command } from 'commander';
import { resolveProfileName } from '../../core/settings.js';
import type { Runtime } from '../../lib/runtime.js';
import { sanitizeLine } from '../../lib/text.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { openProfiles } from '../deps.js';

export function authLogoutCommand(runtime: Runtime): Command {
  return new Command('logout').description('remove the stored key of the profile (on this machine only)').action(
    action(async function (this: Command) {
      await runAuthLogout(commandContext(this, runtime));
    }),
  );
}

export async function runAuthLogout(ctx: CommandContext): Promise<void> {
  const { out } = ctx;
  const profiles = await openProfiles(ctx);
  const profile = resolveProfileName(ctx.flags.profile, ctx.env, profiles);
  const removed = await profiles.removeKey(profile);
  out.result({
    json: { profile, removed },
    quiet: removed ? profile : undefined,
    human: () =>
      removed
        ? `${out.theme.symbols.success} Removed the stored key of profile "${sanitizeLine(profile)}". The key itself still works until you revoke it in StackOne.\n`
        : `Profile "${sanitizeLine(profile)}" has no stored key: nothing to remove.\n`,
  });
  if (ctx.env.apiKey) out.warn('STACKONE_API_KEY is still set in this environment, and is used before any profile.');
}
