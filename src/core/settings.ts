import type { Environment } from '../lib/env.js';
import { isLoopbackHost } from '../lib/net.js';
import { UsageError } from './errors.js';

export const DEFAULT_BASE_URL = 'https://api.stackone.com';

export type KeySource = 'flag' | 'env' | 'profile';
export type BaseUrlSource = 'flag' | 'env' | 'profile' | 'default' | 'history';

export interface Settings {
  profile: string;
  apiKey: string | undefined;
  keySource: KeySource | undefined;
  baseUrl: string;
  baseUrlSource: BaseUrlSource;
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

export interface ProfileSource {
  defaultProfile(): string | undefined;
  get(name: string): { api_key?: string; base_url?: string } | undefined;
}

const nonEmpty = (value: string | undefined) => (value === '' ? undefined : value);

/** Profile: flag > STACKONE_PROFILE > the stored default > "default". */
export function resolveProfileName(flag: string | undefined, env: Environment, profiles: ProfileSource): string {
  return nonEmpty(flag) ?? env.profile ?? profiles.defaultProfile() ?? 'default';
}

/** Key: flag > STACKONE_API_KEY > profile. Base URL: flag > STACKONE_BASE_URL > profile > default. */
export function resolveSettings(
  flags: { profile?: string; apiKey?: string; baseUrl?: string },
  env: Environment,
  profiles: ProfileSource,
): Settings {
  const profile = resolveProfileName(flags.profile, env, profiles);
  const stored = profiles.get(profile);
  const key: [string | undefined, KeySource][] = [
    [flags.apiKey, 'flag'],
    [env.apiKey, 'env'],
    [nonEmpty(stored?.api_key), 'profile'],
  ];
  const foundKey = key.find(([value]) => value !== undefined);
  if (flags.apiKey !== undefined && flags.apiKey.trim() === '') throw new UsageError('--api-key must not be empty.');

  const urls: [string | undefined, BaseUrlSource][] = [
    [flags.baseUrl, 'flag'],
    [env.baseUrl, 'env'],
    [nonEmpty(stored?.base_url), 'profile'],
    [DEFAULT_BASE_URL, 'default'],
  ];
  const [rawUrl, baseUrlSource] = urls.find(([value]) => value !== undefined)!;
  return {
    profile,
    apiKey: foundKey?.[0]?.trim(),
    keySource: foundKey?.[1],
    baseUrl: validateBaseUrl(rawUrl!, baseUrlSource),
    baseUrlSource,
  };
}

/** https everywhere; plain http only to this machine (a key sent in clear text is a key given away). */
export function validateBaseUrl(raw: string, source: BaseUrlSource): string {
  const where =
    source === 'flag'
      ? '--base-url'
      : source === 'env'
        ? 'STACKONE_BASE_URL'
        : source === 'history'
          ? "The session's base URL in the history"
          : "the profile's base URL";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${where} is not a valid URL.`, 'Example: --base-url https://api.stackone.com');
  }
  if (url.username || url.password) throw new UsageError(`${where} must not contain a user name or password.`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `${where} uses plain http:// for a host that is not this machine (${url.hostname}).`,
      'Use https://, or http:// only with localhost / 127.0.0.1 / [::1] (the emulator).',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${where} must be an https:// URL (got ${url.protocol}).`);
  }
  if (url.search || url.hash) throw new UsageError(`${where} must not have a query or fragment.`);
  return url.toString().replace(/\/+$/, '');
}
