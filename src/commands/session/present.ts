import type { ConnectSession, ConnectSessionCreated } from '../../api/types.js';
import type { ResultStatus } from '../../core/poll.js';
import { formatDuration } from '../../core/durations.js';
import { sanitizeLine } from '../../core/sanitize.js';
import type { SessionRecord } from '../../store/history.js';
import type { Result } from '../../ui/output.js';
import type { Theme } from '../../ui/theme.js';

/** The JSON of `session poll` / `status` / `create --wait`: always these keys (cli-contract.md). */
export interface SessionResultJson {
  session_id: number | string | null;
  status: ResultStatus;
  account_secure_id: string | null;
  auth_link_url: string | null;
  origin_owner_id: string | null;
  origin_owner_name: string | null;
  provider: string | null;
  attempt: ConnectSession['latest_connection_attempt'] | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function sessionResultJson(
  id: string,
  status: ResultStatus,
  session: ConnectSession | undefined,
  record: SessionRecord | undefined,
): SessionResultJson {
  const attempt = session?.latest_connection_attempt ?? null;
  const sessionId = session?.id ?? record?.session_id ?? (/^\d+$/.test(id) ? Number(id) : id);
  return {
    session_id: typeof sessionId === 'number' || typeof sessionId === 'string' ? sessionId : null,
    status,
    account_secure_id: str(attempt?.account_secure_id),
    auth_link_url: str(session?.auth_link_url) ?? str(record?.auth_link_url),
    origin_owner_id: str(session?.origin_owner_id) ?? str(record?.origin_owner_id),
    origin_owner_name: str(session?.origin_owner_name) ?? str(record?.origin_owner_name),
    provider: str(session?.provider) ?? str(attempt?.provider) ?? str(record?.provider),
    attempt: attempt ?? null,
  };
}

function owner(json: { origin_owner_name: string | null; origin_owner_id: string | null }): string {
  const name = json.origin_owner_name ? sanitizeLine(json.origin_owner_name) : undefined;
  const id = json.origin_owner_id ? sanitizeLine(json.origin_owner_id) : undefined;
  return name && id ? `${name} (${id})` : (name ?? id ?? 'the customer');
}

/** One line on a failed attempt: "error: access_denied: The user denied access". */
export function describeAttempt(attempt: ConnectSession['latest_connection_attempt']): string {
  const parts = [attempt?.status, attempt?.oauth_error_code, attempt?.oauth_error_description].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return parts.map(sanitizeLine).join(': ') || 'no details given';
}

function rows(theme: Theme, entries: [string, string | null | undefined][]): string {
  return entries
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([label, value]) => `  ${theme.muted(label.padEnd(11))}${value}`)
    .join('\n');
}

export function sessionResult(
  theme: Theme,
  json: SessionResultJson,
  extra: { resume?: string; expiresAt?: number; now: number },
): Result {
  const human = () => {
    const head = {
      authenticated: `${theme.symbols.success} ${theme.strong(`${owner(json)} connected`)}${json.provider ? ` ${sanitizeLine(json.provider)}` : ''}.`,
      pending: `${theme.symbols.info} Waiting for ${owner(json)} to connect${json.attempt ? ` (attempt ${describeAttempt(json.attempt)})` : ': the link has not been used yet'}.`,
      error: `${theme.symbols.error} The last connection attempt failed (${describeAttempt(json.attempt)}).`,
      cancelled: `${theme.symbols.error} The customer cancelled the last connection attempt.`,
      expired: `${theme.symbols.error} Session ${json.session_id} expired before ${owner(json)} connected.`,
    }[json.status];
    const left = extra.expiresAt !== undefined && json.status !== 'authenticated' && json.status !== 'expired'
      ? `in ${formatDuration(extra.expiresAt - extra.now)}` : undefined;
    const body = rows(theme, [
      ['Account', json.account_secure_id ? theme.strong(sanitizeLine(json.account_secure_id)) : undefined],
      ['Session', String(json.session_id)],
      ['Auth link', json.auth_link_url ? theme.link(sanitizeLine(json.auth_link_url)) : undefined],
      ['Expires', left],
      ['Resume', json.status === 'authenticated' || json.status === 'expired' ? undefined : extra.resume && theme.command(extra.resume)],
    ]);
    return `${head}\n${body}\n`;
  };
  return { human, json, quiet: json.status === 'authenticated' ? (json.account_secure_id ?? undefined) : undefined };
}

export function createdResult(
  theme: Theme,
  created: ConnectSessionCreated,
  extra: { expiresAt: number; now: number; pollCommand: string },
): Result {
  const human = () => {
    const who = owner({ origin_owner_name: str(created.origin_owner_name), origin_owner_id: str(created.origin_owner_id) });
    const expiresAt = new Date(extra.expiresAt);
    return [
      `${theme.symbols.success} Connect session created for ${who}.`,
      '',
      `  Send this link to the customer:`,
      `  ${theme.strong(theme.link(sanitizeLine(created.auth_link_url)))}`,
      '',
      rows(theme, [
        ['Session', String(created.id)],
        ['Provider', str(created.provider) && sanitizeLine(created.provider)],
        ['Expires', `in ${formatDuration(extra.expiresAt - extra.now)} (${expiresAt.toISOString().replace(/\.\d+Z$/, 'Z')})`],
        ['Wait', theme.command(extra.pollCommand)],
      ]),
      '',
    ].join('\n');
  };
  return { human, json: created, quiet: created.auth_link_url };
}
