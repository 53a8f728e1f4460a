import type { StackOneClient } from '../api/client.js';
import { AuthError } from '../core/errors.js';
import { resolveSettings, type Settings, validateBaseUrl } from '../core/settings.js';
import { formatDuration } from '../lib/durations.js';
import { USER_AGENT } from '../lib/runtime.js';
import { nonEmpty, redactKey, redactSecrets, sanitizeLine } from '../lib/text.js';
import type { SessionHistory, SessionRecord } from '../store/history.js';
import type { ProfileStore } from '../store/profiles.js';
import type { CommandContext } from './context.js';

// Everything here is loaded on demand: `--help` and `--version` never pay for ofetch or conf.

/** A wait for another command's lock is said on stderr, not sat through in silence. */
const lockNotice = (ctx: CommandContext) => ({ onWait: (message: string) => ctx.out.warn(message) });

export async function openProfiles(ctx: CommandContext): Promise<ProfileStore> {
  const { ProfileStore } = await import('../store/profiles.js');
  return new ProfileStore(ctx.configDir, lockNotice(ctx));
}

export async function openHistory(ctx: CommandContext): Promise<SessionHistory> {
  const { SessionHistory } = await import('../store/history.js');
  return new SessionHistory(ctx.configDir, lockNotice(ctx));
}

export async function loadSettings(ctx: CommandContext): Promise<Settings> {
  const profiles = await openProfiles(ctx);
  return resolveSettings(ctx.flags, ctx.env, profiles);
}

/**
 * The settings to read a session with: a session of the history is read at the API that created
 * it, whatever --base-url or STACKONE_BASE_URL say now, so that its token goes to no other API.
 */
export function sessionSettings(ctx: CommandContext, settings: Settings, record: SessionRecord | undefined, id: string): Settings {
  if (!record || record.base_url === settings.baseUrl) return settings;
  const baseUrl = validateBaseUrl(record.base_url, 'history');
  const source = settings.baseUrlSource === 'flag' ? '--base-url' : settings.baseUrlSource === 'env' ? 'STACKONE_BASE_URL' : 'the profile';
  ctx.out.warn(`Session ${id} was created at ${baseUrl}: reading it there, not at ${settings.baseUrl} (${source}).`);
  return { ...settings, baseUrl };
}

/** The key must be there before anything is sent (exit 4, nothing sent). */
export function requireKey(settings: Settings): string {
  if (settings.apiKey) return settings.apiKey;
  throw new AuthError(
    `No API key for profile "${settings.profile}".`,
    'Run `stackone-connect auth login`, set STACKONE_API_KEY, or pass --api-key.',
  );
}

export function warnIfKeyFlag(ctx: CommandContext, settings: Settings): void {
  if (settings.keySource === 'flag') {
    ctx.out.warn(`--api-key is visible to other users in the process list; prefer STACKONE_API_KEY or \`${ctx.bin} auth login\`.`);
  }
}

/**
 * An API client for the resolved settings, with --verbose traces and retry notes on stderr.
 * Its requests end on Ctrl-C unless `signal` says otherwise (a campaign lets its creates finish).
 */
export async function openClient(
  ctx: CommandContext,
  settings: Settings,
  apiKey = requireKey(settings),
  signal: AbortSignal | null = ctx.runtime.signal,
): Promise<StackOneClient> {
  warnIfKeyFlag(ctx, settings);
  ctx.secrets.add(apiKey); // whatever its source (a profile, stdin): never quoted back in an error
  const { createClient } = await import('../api/client.js');
  ctx.out.trace(
    `profile ${settings.profile}, key ${redactKey(apiKey)} (from ${settings.keySource ?? 'flag'}), base URL ${settings.baseUrl}`,
  );
  return createClient({
    baseUrl: settings.baseUrl,
    apiKey,
    userAgent: USER_AGENT,
    timeoutMs: ctx.requestTimeoutMs,
    signal: signal ?? undefined,
    proxy: ctx.env.proxy,
    now: ctx.runtime.now,
    sleep: ctx.runtime.sleep,
    trace: ctx.verbose ? (line) => ctx.out.trace(line) : undefined,
    onRetry: (reason, delayMs, attempt, of) =>
      ctx.out.warn(`Create request ${reason}; sending it again in ${formatDuration(delayMs)} (retry ${attempt} of ${of}).`),
  });
}

/**
 * The provider of a linked account: the one the customer picked in the hub, which the session does
 * not name (one more request). Unknown when the account cannot be read; the failure is traced.
 */
export async function accountProvider(ctx: CommandContext, client: StackOneClient, accountId: string): Promise<string | undefined> {
  const account = await client.getAccount(accountId).catch((error: Error) => {
    ctx.out.trace(`No provider from linked account ${sanitizeLine(accountId)}: ${sanitizeLine(redactSecrets(error.message, ctx.secrets))}`);
    return undefined;
  });
  return nonEmpty(account?.provider_name) ?? nonEmpty(account?.provider);
}
