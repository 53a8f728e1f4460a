import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Runtime } from '../../lib/runtime.js';
import { sanitizeLine } from '../../lib/text.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { openProfiles } from '../deps.js';
import { listedProfiles } from './list.js';

export function authSwitchCommand(runtime: Runtime): Command {
  return new Command('switch')
    .description('make a profile the default (without a name: pick one, in a terminal)')
    .argument('[profile]', 'a stored profile')
    .addHelpText(
      'after',
      `
Examples:
  $ stackone-connect auth switch eu
  $ stackone-connect auth switch        # pick from the stored profiles`,
    )
    .action(
      action(async function (this: Command, profile: string | undefined) {
        await runAuthSwitch(commandContext(this, runtime), profile);
      }),
    );
}

export async function runAuthSwitch(ctx: CommandContext, given: string | undefined): Promise<void> {
  const profiles = await openProfiles(ctx);
  const listed = listedProfiles(profiles);
  const names = listed.map((p) => p.name);
  if (names.length === 0) {
    throw new UsageError(
      'No profiles are stored yet.',
      `Store one first: ${ctx.bin} auth login --profile ${sanitizeLine(given ?? '<name>')}`,
    );
  }
  const profile = given ?? (await pick(ctx, listed));
  if (!names.includes(profile)) {
    throw new UsageError(`No profile named "${sanitizeLine(profile)}".`, `Stored profiles: ${names.map(sanitizeLine).join(', ')}.`);
  }
  await profiles.setDefault(profile);
  ctx.out.result({
    json: { default_profile: profile },
    quiet: profile,
    human: () => `${ctx.out.theme.symbols.success} "${sanitizeLine(profile)}" is now the default profile.\n`,
  });
}

/** No name given: a picker in a terminal; elsewhere, the names and how to give one (exit 2). */
async function pick(ctx: CommandContext, listed: ReturnType<typeof listedProfiles>): Promise<string> {
  if (!ctx.canPrompt) {
    throw new UsageError(
      'Which profile? Give its name.',
      `Stored profiles: ${listed.map((p) => `${sanitizeLine(p.name)}${p.default ? ' (the default)' : ''}`).join(', ')}. Example: ${ctx.bin} auth switch ${sanitizeLine(listed[0]!.name)}`,
    );
  }
  const { inquirerAsk, promptProfile } = await import('../../ui/prompts.js');
  const { runtime } = ctx;
  return promptProfile(listed, runtime.ask ?? inquirerAsk({ input: runtime.stdin, output: runtime.stdout, signal: runtime.signal }));
}
