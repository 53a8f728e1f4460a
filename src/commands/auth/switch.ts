import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Runtime } from '../../lib/runtime.js';
import { sanitizeLine } from '../../lib/text.js';
import { action, commandContext, type CommandContext } from '../context.js';
import { openProfiles } from '../deps.js';

export function authSwitchCommand(runtime: Runtime): Command {
  return new Command('switch')
    .description('make a profile the default')
    .argument('<profile>', 'a stored profile')
    .addHelpText('after', `
Example:
  $ stackone-connect auth switch eu`)
    .action(action(async function (this: Command, profile: string) {
      await runAuthSwitch(commandContext(this, runtime), profile);
    }));
}

export async function runAuthSwitch(ctx: CommandContext, profile: string): Promise<void> {
  const profiles = await openProfiles(ctx);
  const names = profiles.names();
  if (!names.includes(profile)) {
    throw new UsageError(`No profile named "${profile}".`,
      names.length ? `Stored profiles: ${names.join(', ')}.` : `Store one first: stackone-connect auth login --profile ${profile}`);
  }
  await profiles.setDefault(profile);
  ctx.out.result({
    json: { default_profile: profile },
    quiet: profile,
    human: () => `${ctx.out.theme.symbols.success} "${sanitizeLine(profile)}" is now the default profile.\n`,
  });
}
