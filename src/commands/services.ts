import { AuthError } from '../errors.js';
import { USER_AGENT } from '../runtime.js';
import { redactKey } from '../core/redact.js';
import { resolveSettings, type Settings } from '../core/settings.js';
import { formatDuration } from '../core/durations.js';
import type { StackOneClient } from '../api/client.js';
import type { ProfileStore } from '../store/profiles.js';
import type { SessionHistory } from '../store/history.js';
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
  return resolveSettings(ctx.flags, ctx.runtime.env, profiles);
}

/** The key must be there before anything is sent (exit 4, nothing sent). */
export function requireKey(settings: Settings): string {
  if (settings.apiKey) return settings.apiKey;
  throw new AuthError(`No API key for profile "${settings.profile}".`,
    'Run `stackone-connect auth login`, set STACKONE_API_KEY, or pass --api-key.');
}

export function warnIfKeyFlag(ctx: CommandContext, settings: Settings): void {
  if (settings.keySource === 'flag') {
    ctx.out.warn('--api-key is visible to other users in the process list; prefer STACKONE_API_KEY or `stackone-connect auth login`.');
  }
}

/** An API client for the resolved settings, with --verbose traces and retry notes on stderr. */
export async function openClient(ctx: CommandContext, settings: Settings, apiKey = requireKey(settings)): Promise<StackOneClient> {
  warnIfKeyFlag(ctx, settings);
  const { createClient } = await import('../api/client.js');
  ctx.out.trace(`profile ${settings.profile}, key ${redactKey(apiKey)} (from ${settings.keySource ?? 'flag'}), base URL ${settings.baseUrl}`);
  return createClient({
    baseUrl: settings.baseUrl,
    apiKey,
    userAgent: USER_AGENT,
    timeoutMs: ctx.requestTimeoutMs,
    signal: ctx.runtime.signal,
    env: ctx.runtime.env,
    now: ctx.runtime.now,
    sleep: ctx.runtime.sleep,
    trace: ctx.verbose ? (line) => ctx.out.trace(line) : undefined,
    onRetry: (reason, delayMs, attempt, of) =>
      ctx.out.warn(`Create request ${reason}; sending it again in ${formatDuration(delayMs)} (retry ${attempt} of ${of}).`),
  });
}
