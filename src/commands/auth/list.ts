import { Command } from 'commander';
import type { Runtime } from '../../lib/runtime.js';
import { redactKey, sanitizeLine } from '../../lib/text.js';
import type { ProfileStore } from '../../store/profiles.js';
import type { Theme } from '../../ui/theme.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { openProfiles } from '../deps.js';

/** One stored profile as `auth list` and `auth status` show it: never the key whole. */
export interface ListedProfile {
  name: string;
  default: boolean;
  key: string | null;
  base_url: string | null;
}

export function listedProfiles(profiles: ProfileStore): ListedProfile[] {
  const defaultProfile = profiles.defaultProfile();
  return profiles.names().map((name) => {
    const profile = profiles.get(name);
    return {
      name,
      default: name === defaultProfile,
      key: profile?.api_key ? redactKey(profile.api_key) : null,
      base_url: profile?.base_url ?? null,
    };
  });
}

/** The profiles as a small table, the default marked with `*` (as `git branch` marks the current one). */
export function profilesTable(theme: Theme, listed: ListedProfile[], active?: string): string {
  const width = listed.reduce((w, p) => Math.max(w, sanitizeLine(p.name).length), 4);
  return listed
    .map((p) => {
      const mark = p.default ? theme.success('*') : ' ';
      const key = p.key ? `key ${p.key}` : theme.muted('no key');
      const url = p.base_url ? `  ${sanitizeLine(p.base_url)}` : '';
      const note = p.name === active && !p.default ? theme.muted('  (in use here)') : '';
      return `  ${mark} ${sanitizeLine(p.name).padEnd(width)}  ${key}${url}${note}`;
    })
    .join('\n');
}

export function authListCommand(runtime: Runtime): Command {
  return new Command('list')
    .description('list the stored profiles; * marks the default (nothing is sent)')
    .addHelpText(
      'after',
      `
Examples:
  $ stackone-connect auth list
  $ stackone-connect auth list --json | jq -r '.[] | select(.default) | .name'`,
    )
    .action(
      action(async function (this: Command) {
        await runAuthList(commandContext(this, runtime));
      }),
    );
}

export async function runAuthList(ctx: CommandContext): Promise<void> {
  const profiles = await openProfiles(ctx);
  const listed = listedProfiles(profiles);
  ctx.out.result({
    json: listed,
    quiet: listed.map((p) => p.name).join('\n') || undefined,
    human: () =>
      listed.length === 0
        ? ctx.out.theme.muted(`No profiles stored yet. Store a key: ${ctx.bin} auth login\n`)
        : `${profilesTable(ctx.out.theme, listed)}\n`,
  });
}
