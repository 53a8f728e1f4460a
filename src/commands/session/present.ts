import type { ConnectSession, ConnectSessionCreated } from '../../api/types.js';
import type { ResultStatus } from '../../core/poll.js';
import { formatDuration } from '../../lib/durations.js';
import { nonEmpty, sanitizeLine } from '../../lib/text.js';
import type { SessionRecord } from '../../store/history.js';
import type { Result } from '../../ui/output.js';
import type { Theme } from '../../ui/theme.js';
import type { CommandContext } from '../context.js';

/** A word as a POSIX shell reads it back unchanged: bare when it is plain, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that resumes the wait, as the user runs the CLI (`npx stackone-connect ...` under
 * npx); none when the API the session lives on ends with this run (the demo's emulator).
 */
export function resumeCommand(ctx: CommandContext, id: string): string | undefined {
  if (ctx.ephemeral) return undefined;
  const profile = ctx.flags.profile ? ` --profile ${shellWord(ctx.flags.profile)}` : '';
  return `${ctx.bin} session poll ${id}${profile}`;
}

/** The JSON of `session poll` / `status` / `create --wait`: always these keys (docs/contract.md). */
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

const str = (value: unknown): string | null => nonEmpty(value) ?? null;

export function sessionResultJson(
  id: string,
  status: ResultStatus,
  session: ConnectSession | undefined,
  record: SessionRecord | undefined,
  /** The linked account's provider, when neither the session nor its attempt names one. */
  accountProvider?: string,
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
    provider: str(session?.provider) ?? str(attempt?.provider) ?? str(accountProvider) ?? str(record?.provider),
    attempt: attempt ?? null,
  };
}

function owner(json: { origin_owner_name: string | null; origin_owner_id: string | null }): string {
  const name = json.origin_owner_name ? sanitizeLine(json.origin_owner_name) : undefined;
  const id = json.origin_owner_id ? sanitizeLine(json.origin_owner_id) : undefined;
  return name && id ? `${name} (${id})` : (name ?? id ?? 'the customer');
}

/** "access_denied (The user denied access)": the OAuth error of a failed attempt, or that none was given. */
export function oauthError(attempt: ConnectSession['latest_connection_attempt']): string {
  const code =
    typeof attempt?.oauth_error_code === 'string' && attempt.oauth_error_code !== '' ? sanitizeLine(attempt.oauth_error_code) : undefined;
  const text =
    typeof attempt?.oauth_error_description === 'string' && attempt.oauth_error_description !== ''
      ? sanitizeLine(attempt.oauth_error_description)
      : undefined;
  return code && text ? `${code} (${text})` : (code ?? text ?? 'no reason given');
}

/** One line on an attempt that ended without a connection, naming the provider when it is known. */
export function attemptEnded(attempt: ConnectSession['latest_connection_attempt'], provider: string | null): string {
  const to = provider ? `the connection to ${sanitizeLine(provider)}` : 'the connection attempt';
  return attempt?.status === 'cancelled'
    ? `The customer cancelled ${to}`
    : `${to.charAt(0).toUpperCase()}${to.slice(1)} failed: ${oauthError(attempt)}`;
}

function rows(theme: Theme, entries: [string, string | null | undefined][]): string {
  return entries
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([label, value]) => `  ${theme.muted(label.padEnd(11))}${value}`)
    .join('\n');
}

/** The result of `session poll`, `status` and `create --wait`: a head line that says the state, then what to keep. */
export function sessionResult(theme: Theme, json: SessionResultJson, extra: { resume?: string; expiresAt?: number; now: number }): Result {
  const human = () => {
    const provider = json.provider ? sanitizeLine(json.provider) : undefined;
    const head = {
      authenticated: `${theme.symbols.success} ${theme.strong(`${owner(json)} connected${provider ? ` ${provider}` : ''}`)}.`,
      pending: `${theme.symbols.info} ${owner(json)} has not connected yet: ${json.attempt ? 'an attempt is in progress' : 'the link has not been used yet'}.`,
      error: `${theme.symbols.error} ${attemptEnded(json.attempt, json.provider)}.`,
      cancelled: `${theme.symbols.error} ${attemptEnded(json.attempt, json.provider)}.`,
      expired: `${theme.symbols.error} Session ${json.session_id} expired before ${owner(json)} connected.`,
    }[json.status];
    const open = json.status !== 'authenticated' && json.status !== 'expired';
    const body = rows(theme, [
      ['Account', json.account_secure_id ? theme.strong(sanitizeLine(json.account_secure_id)) : undefined],
      ['Session', String(json.session_id)],
      ['Auth link', json.auth_link_url ? theme.link(sanitizeLine(json.auth_link_url)) : undefined],
      ['Expires', open && extra.expiresAt !== undefined ? `in ${formatDuration(extra.expiresAt - extra.now)}` : undefined],
      ['Resume', open ? extra.resume && theme.command(extra.resume) : undefined],
    ]);
    return `${head}\n${body}\n`;
  };
  return { human, json, quiet: json.status === 'authenticated' ? (json.account_secure_id ?? undefined) : undefined };
}

export function createdResult(
  theme: Theme,
  created: ConnectSessionCreated,
  extra: { expiresAt: number; now: number; pollCommand: string | undefined },
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
        ['Wait', extra.pollCommand && theme.command(extra.pollCommand)],
      ]),
      '',
    ].join('\n');
  };
  return { human, json: created, quiet: created.auth_link_url };
}
