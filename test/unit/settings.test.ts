import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { type ProfileSource, resolveSettings, validateBaseUrl } from '../../src/core/settings.js';
import { readEnvironment } from '../../src/lib/env.js';

const profiles = (defaultProfile: string | undefined, stored: Record<string, { api_key?: string; base_url?: string }>): ProfileSource => ({
  defaultProfile: () => defaultProfile,
  get: (name) => stored[name],
});

describe('resolveSettings', () => {
  const store = profiles('eu', { eu: { api_key: 'profile-key', base_url: 'https://eu.example.com' }, us: { api_key: 'us-key' } });

  test('key precedence: flag > env > profile', () => {
    expect(resolveSettings({ apiKey: 'flag-key' }, readEnvironment({ STACKONE_API_KEY: 'env-key' }), store)).toMatchObject({
      apiKey: 'flag-key',
      keySource: 'flag',
    });
    expect(resolveSettings({}, readEnvironment({ STACKONE_API_KEY: 'env-key' }), store)).toMatchObject({
      apiKey: 'env-key',
      keySource: 'env',
    });
    expect(resolveSettings({}, readEnvironment({}), store)).toMatchObject({ apiKey: 'profile-key', keySource: 'profile', profile: 'eu' });
  });

  test('an env var that is set but empty counts as unset', () => {
    expect(
      resolveSettings({}, readEnvironment({ STACKONE_API_KEY: '', STACKONE_PROFILE: '', STACKONE_BASE_URL: '' }), store),
    ).toMatchObject({
      apiKey: 'profile-key',
      profile: 'eu',
      baseUrl: 'https://eu.example.com',
      baseUrlSource: 'profile',
    });
  });

  test('profile precedence: flag > STACKONE_PROFILE > stored default > "default"', () => {
    expect(resolveSettings({ profile: 'us' }, readEnvironment({ STACKONE_PROFILE: 'eu' }), store).profile).toBe('us');
    expect(resolveSettings({}, readEnvironment({ STACKONE_PROFILE: 'us' }), store).profile).toBe('us');
    expect(resolveSettings({}, readEnvironment({}), profiles(undefined, {})).profile).toBe('default');
  });

  test('base URL precedence: flag > env > profile > default', () => {
    expect(
      resolveSettings({ baseUrl: 'http://127.0.0.1:4010/' }, readEnvironment({ STACKONE_BASE_URL: 'https://env.example' }), store),
    ).toMatchObject({ baseUrl: 'http://127.0.0.1:4010', baseUrlSource: 'flag' });
    expect(resolveSettings({}, readEnvironment({ STACKONE_BASE_URL: 'https://env.example' }), store).baseUrlSource).toBe('env');
    expect(resolveSettings({ profile: 'us' }, readEnvironment({}), store)).toMatchObject({
      baseUrl: 'https://api.stackone.com',
      baseUrlSource: 'default',
    });
  });

  test('no key anywhere leaves apiKey undefined', () => {
    expect(resolveSettings({}, readEnvironment({}), profiles(undefined, {})).apiKey).toBeUndefined();
  });
});

describe('validateBaseUrl', () => {
  test.each([
    'https://api.stackone.com',
    'http://localhost:4010',
    'http://127.0.0.1:1',
    'http://[::1]:8080',
    'https://proxy.example/stackone',
  ])('accepts %s', (url) => {
    expect(() => validateBaseUrl(url, 'flag')).not.toThrow();
  });

  test.each([
    ['http://api.stackone.com', /plain http:\/\/ for a host that is not this machine/],
    ['http://10.0.0.1', /plain http/],
    ['ftp://x.example', /must be an https:\/\/ URL/],
    ['not a url', /is not a valid URL/],
    ['https://user:pw@api.stackone.com', /user name or password/],
    ['https://api.stackone.com/?x=1', /query or fragment/],
  ])('refuses %s', (url, message) => {
    expect(() => validateBaseUrl(url, 'env')).toThrow(UsageError);
    expect(() => validateBaseUrl(url, 'env')).toThrow(message);
  });

  test('names where the URL came from', () => {
    expect(() => validateBaseUrl('http://example.com', 'env')).toThrow(/^STACKONE_BASE_URL/);
    expect(() => validateBaseUrl('http://example.com', 'flag')).toThrow(/^--base-url/);
  });
});
