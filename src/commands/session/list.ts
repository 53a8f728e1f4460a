import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { formatDuration } from '../../lib/durations.js';
import type { Runtime } from '../../lib/runtime.js';
import { sanitizeLine } from '../../lib/text.js';
import type { SessionRecord } from '../../store/history.js';
import { layoutTable } from '../../ui/table.js';
import { action, type CommandContext, commandContext } from '../context.js';
import { openHistory } from '../deps.js';

/** `session list --json`: never the token (docs/contract.md, "Output"). */
export interface ListedSession {
  session_id: number | string;
  origin_owner_id: string | null;
  origin_owner_name: string | null;
  provider: string | null;
  profile: string;
  created_at: string;
  expires_at: string;
  status: string;
  auth_link_url: string;
}

export function listedSession(record: SessionRecord, now: number): ListedSession {
  const expired = record.status !== 'authenticated' && Date.parse(record.expires_at) <= now;
  return {
    session_id: record.session_id,
    origin_owner_id: record.origin_owner_id ?? null,
    origin_owner_name: record.origin_owner_name ?? null,
    provider: record.provider ?? null,
    profile: record.profile,
    created_at: record.created_at,
    expires_at: record.expires_at,
    status: expired ? 'expired' : record.status,
    auth_link_url: record.auth_link_url,
  };
}

export function sessionListCommand(runtime: Runtime): Command {
  return new Command('list')
    .description('list the sessions created on this machine, newest first')
    .option('--limit <n>', 'show at most this many')
    .option('--status <list>', `only sessions in these states, comma-separated: ${STATUSES.join(', ')}`)
    .addHelpText(
      'after',
      `
Examples:
  $ stackone-connect session list
  $ stackone-connect session list --status pending          # customers who have not connected yet
  $ stackone-connect session list --json | jq '.[0].auth_link_url'`,
    )
    .action(
      action(async function (this: Command) {
        await runSessionList(commandContext(this, runtime), this.opts<{ limit?: string; status?: string }>());
      }),
    );
}

/** The states of `session list` (the contract's `status` values). */
export const STATUSES = ['pending', 'authenticated', 'error', 'cancelled', 'expired'] as const;

function parseStatuses(value: string): Set<string> {
  const wanted = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = wanted.filter((s) => !(STATUSES as readonly string[]).includes(s));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new UsageError(`Invalid value "${value}" for --status.`, `Use one or more of: ${STATUSES.join(', ')} (comma-separated).`);
  }
  return new Set(wanted);
}

export async function runSessionList(ctx: CommandContext, options: { limit?: string; status?: string }): Promise<void> {
  let limit: number | undefined;
  if (options.limit !== undefined) {
    if (!/^\d+$/.test(options.limit) || Number(options.limit) < 1)
      throw new UsageError(`Invalid value "${options.limit}" for --limit: give a positive whole number.`);
    limit = Number(options.limit);
  }
  const statuses = options.status === undefined ? undefined : parseStatuses(options.status);
  const history = await openHistory(ctx);
  const now = ctx.runtime.now();
  // Filtered before --limit: "the newest 10 pending", not "the pending among the newest 10".
  const sessions = history.recent(limit, statuses && ((r) => statuses.has(listedSession(r, now).status))).map((r) => listedSession(r, now));
  const theme = ctx.out.theme;
  ctx.out.result({
    json: sessions,
    quiet: sessions.map((s) => s.session_id).join('\n') || undefined,
    human: () => {
      if (sessions.length === 0) {
        return theme.muted(
          statuses
            ? `No ${[...statuses].join(' or ')} sessions on this machine.\n`
            : `No sessions created on this machine yet. Create one: ${ctx.bin} session create\n`,
        );
      }
      const rows = sessions.map((s) => [
        String(s.session_id),
        sanitizeLine(s.origin_owner_name ?? s.origin_owner_id ?? ''),
        sanitizeLine(s.provider ?? '-'),
        s.status,
        age(now - Date.parse(s.created_at)),
        s.status === 'expired' || s.status === 'authenticated' ? '-' : `in ${formatDuration(Date.parse(s.expires_at) - now)}`,
        sanitizeLine(s.profile),
      ]);
      const header = ['ID', 'CUSTOMER', 'PROVIDER', 'STATUS', 'CREATED', 'EXPIRES', 'PROFILE'];
      const { stdout } = ctx.runtime;
      // On a narrow terminal: customer, provider and profile cut with …, then profile and creation left out.
      const [head, ...lines] = layoutTable(header, rows, {
        columns: stdout.isTTY ? stdout.columns : undefined,
        shrink: { 1: 16, 2: 10, 6: 10 },
        drop: [6, 4],
      });
      return `${[theme.muted(head!), ...lines].join('\n')}\n`;
    },
  });
}

function age(ms: number): string {
  return Number.isNaN(ms) ? '-' : `${formatDuration(ms)} ago`;
}
