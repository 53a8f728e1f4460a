import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { configOf, keyOf, OWNER, oneJsonLine, requestsTo } from '../helpers/e2e.js';
import { TEST_KEY, useHarness } from '../helpers/harness.js';
import type { CliResult } from '../helpers/process.js';

const h = useHarness();

// Keys for the emulators that accept any key: letters mixed in, so that no 5-character piece
// of them can turn up in a port number or a timestamp by chance.
const KEY_FLAG = 'flag_Kx7mQ2pL9vR4sT';
const KEY_ENV = 'envk_Wd3nB8tY6cH1gJ';
const KEY_PROFILE = 'prof_Gs5jU0aE2zM7xN';
const KEY_EU = 'euky_Hq4rV1oF8yP3dK';

interface AuthStatus {
  profile: string;
  default_profile: string | null;
  base_url: string;
  base_url_source: string;
  key: string | null;
  key_source: string | null;
  verified: boolean | null;
  config_file: string;
}

/** The whole key never shows: no piece of it longer than 4 characters (that is not all digits). */
function expectKeyHidden(result: CliResult, key: string) {
  const text = result.stdout + result.stderr;
  for (let i = 0; i + 5 <= key.length; i++) {
    const piece = key.slice(i, i + 5);
    if (/^\d+$/.test(piece)) continue;
    expect(text, `"${piece}" of the key is shown`).not.toContain(piece);
  }
}

/** Three emulators that take any key: they stand for the profile's, the env's and the flag's base URL. */
let byProfile: Emulator;
let byEnv: Emulator;
let byFlag: Emulator;
beforeAll(async () => {
  [byProfile, byEnv, byFlag] = await Promise.all([
    startEmulator({ now: h.clock.now }),
    startEmulator({ now: h.clock.now }),
    startEmulator({ now: h.clock.now }),
  ]);
});
afterEach(() => {
  for (const e of [byProfile, byEnv, byFlag]) e.clearRequests();
});
afterAll(async () => {
  await Promise.all([byProfile, byEnv, byFlag].map((e) => e.close()));
});

/** Runs the CLI with no key in the environment unless one is given. */
function run(args: string[], env: Record<string, string | undefined> = {}, input?: string) {
  return h.cli(args, { env: { STACKONE_API_KEY: undefined, ...env }, ...(input === undefined ? {} : { input }) });
}

/** Stores a key without checking it (what `auth login --no-verify` does). */
async function store(key: string, extra: string[] = []) {
  const result = await run(['auth', 'login', '--api-key-stdin', '--no-verify', ...extra], {}, `${key}\n`);
  expect(result.code, result.stderr).toBe(0);
}

describe('auth login', () => {
  test('--api-key-stdin checks the key with one GET /accounts?page_size=1, then stores it in the default profile', async () => {
    const result = await run(['auth', 'login', '--api-key-stdin'], {}, `${TEST_KEY}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(h.emulator.requests).toHaveLength(1);
    const [check] = h.emulator.requests;
    expect(check).toMatchObject({ method: 'GET', path: '/accounts', query: { page_size: '1' }, status: 200 });
    expect(keyOf(check!)).toBe(TEST_KEY);
    expect(configOf(h.configDir)).toEqual({ default_profile: 'default', profiles: { default: { api_key: TEST_KEY } } });
    expect(result.stdout).toContain('v1.e…cdef');
    expectKeyHidden(result, TEST_KEY);
  });

  test('the stored files are private: config dir 0700, config file 0600', async () => {
    await store(KEY_PROFILE);
    expect(statSync(h.configDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(h.configDir, 'config.json')).mode & 0o777).toBe(0o600);
  });

  test('a key the API rejects (401) exits 4 and stores nothing', async () => {
    const result = await run(['auth', 'login', '--api-key-stdin'], {}, 'v1.eu1.badkey_Zk3pW9qL2mX8\n');
    expect(result.code, result.stderr).toBe(4);
    expect(h.emulator.requests.map((r) => r.status)).toEqual([401]);
    expect(result.stderr).toMatch(/rejected/);
    const file = join(h.configDir, 'config.json');
    if (existsSync(file)) expect(configOf(h.configDir).profiles?.default?.api_key).toBeUndefined();
  });

  test('--no-verify stores the key and sends nothing', async () => {
    const result = await run(['auth', 'login', '--api-key-stdin', '--no-verify'], {}, `${KEY_PROFILE}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(h.emulator.requests).toHaveLength(0);
    expect(configOf(h.configDir).profiles?.default?.api_key).toBe(KEY_PROFILE);
  });

  test('an empty stdin exits 2 and stores nothing', async () => {
    const result = await run(['auth', 'login', '--api-key-stdin'], {}, '\n');
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/--api-key-stdin/);
    expect(h.emulator.requests).toHaveLength(0);
    expect(existsSync(join(h.configDir, 'config.json'))).toBe(false);
  });

  test('without --api-key-stdin and without a terminal to ask, it exits 2 and says how to pipe the key', async () => {
    const result = await run(['auth', 'login']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/--api-key-stdin/);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('--profile stores the key under that name; the first profile stored becomes the default, later ones do not', async () => {
    await store(KEY_PROFILE);
    await store(KEY_EU, ['--profile', 'eu']);
    expect(configOf(h.configDir)).toEqual({
      default_profile: 'default',
      profiles: { default: { api_key: KEY_PROFILE }, eu: { api_key: KEY_EU } },
    });
  });

  test('--base-url given at login is stored with the profile and used by later commands', async () => {
    await store(KEY_PROFILE, ['--base-url', byProfile.url]);
    expect(configOf(h.configDir).profiles?.default).toEqual({ api_key: KEY_PROFILE, base_url: byProfile.url });
    const result = await run(['session', 'create', ...OWNER, '--quiet'], { STACKONE_BASE_URL: undefined });
    expect(result.code, result.stderr).toBe(0);
    expect(requestsTo(byProfile.requests, 'POST', '/connect_sessions')).toHaveLength(1);
    expect(keyOf(byProfile.requests[0]!)).toBe(KEY_PROFILE);
  });
});

describe('auth status', () => {
  test('shows the profile, the base URL, where the key comes from (the profile) and the key redacted; verifies it', async () => {
    await store(TEST_KEY);
    const result = await run(['auth', 'status']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Profile\s+default · the default profile/);
    expect(result.stdout).toContain(`Base URL  ${h.emulator.url} (STACKONE_BASE_URL)`);
    expect(result.stdout).toMatch(/API key\s+v1\.e…cdef \(from the profile\)/);
    expect(result.stdout).toMatch(/Verified\s+✓ the API accepted the key/);
    expect(h.emulator.requests.map((r) => `${r.method} ${r.path} ${keyOf(r)}`)).toEqual([`GET /accounts ${TEST_KEY}`]);
    expectKeyHidden(result, TEST_KEY);
  });

  test('the key from STACKONE_API_KEY is reported as coming from the environment', async () => {
    const result = await run(['auth', 'status', '--json'], { STACKONE_API_KEY: TEST_KEY });
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<AuthStatus>(result.stdout)).toMatchObject({
      key_source: 'env',
      key: 'v1.e…cdef',
      verified: true,
      profile: 'default',
    });
    expectKeyHidden(result, TEST_KEY);
    const human = await run(['auth', 'status'], { STACKONE_API_KEY: TEST_KEY });
    expect(human.stdout).toMatch(/from STACKONE_API_KEY/);
  });

  test('the key from --api-key is reported as coming from the flag, with the process-list warning', async () => {
    const result = await run(['auth', 'status', '--api-key', TEST_KEY, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<AuthStatus>(result.stdout)).toMatchObject({ key_source: 'flag', key: 'v1.e…cdef', verified: true });
    expect(result.stderr).toMatch(/--api-key is visible to other users in the process list/);
    expectKeyHidden(result, TEST_KEY);
    const human = await run(['auth', 'status', '--api-key', TEST_KEY]);
    expect(human.stdout).toMatch(/from --api-key/);
    expectKeyHidden(human, TEST_KEY);
  });

  test('--json has the profile, the base URL and their sources, the redacted key and the verification', async () => {
    await store(TEST_KEY);
    const result = await run(['auth', 'status', '--json']);
    expect(oneJsonLine<AuthStatus>(result.stdout)).toEqual({
      profile: 'default',
      default_profile: 'default',
      base_url: h.emulator.url,
      base_url_source: 'env',
      key: 'v1.e…cdef',
      key_source: 'profile',
      verified: true,
      config_file: join(h.configDir, 'config.json'),
      profiles: [{ name: 'default', default: true, key: 'v1.e…cdef', base_url: null }],
    });
  });

  test('no usable key: exit 4, "none", and nothing sent', async () => {
    const result = await run(['auth', 'status']);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toMatch(/API key\s+none/);
    expect(result.stderr).toMatch(/No API key for profile "default"/);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('a key the API rejects: exit 4, reported as rejected, never shown whole', async () => {
    const bad = 'v1.eu1.badkey_Zk3pW9qL2mX8';
    const result = await run(['auth', 'status'], { STACKONE_API_KEY: bad });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toMatch(/the API rejected the key/);
    expectKeyHidden(result, bad);
  });

  test('a short key is shown with less than 4 + 4 characters', async () => {
    const result = await h.cli(['auth', 'status', '--json', '--no-verify'], { env: { STACKONE_API_KEY: 'shortkey_Q9' } });
    expect(result.code, result.stderr).toBe(0);
    const { key } = oneJsonLine<AuthStatus>(result.stdout);
    expect(key!.replace('…', '').length).toBeLessThanOrEqual(8);
    expect(result.stdout).not.toContain('shortkey_Q9');
  });
});

describe('auth logout', () => {
  test('removes the stored key of the profile; the profile then has no key (auth status exits 4)', async () => {
    await store(KEY_PROFILE, ['--base-url', byProfile.url]);
    const result = await run(['auth', 'logout']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Removed the stored key of profile "default"/);
    expect(configOf(h.configDir).profiles?.default).toEqual({ base_url: byProfile.url });
    expect((await run(['auth', 'status'])).code).toBe(4);
    // Local only: nothing is sent anywhere.
    expect(h.emulator.requests).toHaveLength(0);
    expect(byProfile.requests).toHaveLength(0);
  });

  test('logging out twice says there is nothing to remove, exit 0', async () => {
    await store(KEY_PROFILE);
    await run(['auth', 'logout']);
    const again = await run(['auth', 'logout', '--json']);
    expect(again.code).toBe(0);
    expect(oneJsonLine(again.stdout)).toEqual({ profile: 'default', removed: false });
  });

  test('--profile logs out of that profile only', async () => {
    await store(KEY_PROFILE);
    await store(KEY_EU, ['--profile', 'eu']);
    expect((await run(['auth', 'logout', '--profile', 'eu'])).code).toBe(0);
    const config = configOf(h.configDir);
    expect(config.profiles?.default?.api_key).toBe(KEY_PROFILE);
    expect(config.profiles?.eu?.api_key).toBeUndefined();
  });

  test('warns when STACKONE_API_KEY is still set', async () => {
    await store(KEY_PROFILE);
    const result = await run(['auth', 'logout'], { STACKONE_API_KEY: KEY_ENV });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/STACKONE_API_KEY is still set/);
  });
});

describe('auth switch and profiles', () => {
  test('auth switch makes a stored profile the default: later commands use its key', async () => {
    await store(KEY_PROFILE);
    await store(KEY_EU, ['--profile', 'eu']);
    const result = await run(['auth', 'switch', 'eu']);
    expect(result.code, result.stderr).toBe(0);
    expect(configOf(h.configDir).default_profile).toBe('eu');
    const created = await run(['session', 'create', ...OWNER, '--quiet'], { STACKONE_BASE_URL: byEnv.url });
    expect(created.code, created.stderr).toBe(0);
    expect(keyOf(byEnv.requests[0]!)).toBe(KEY_EU);
    const status = oneJsonLine<AuthStatus>((await run(['auth', 'status', '--json', '--no-verify'])).stdout);
    expect(status).toMatchObject({ profile: 'eu', default_profile: 'eu' });
  });

  test('auth status lists every stored profile, the default marked, keys redacted; the active one is not "default (default)"', async () => {
    await store(KEY_PROFILE);
    await store(KEY_EU, ['--profile', 'eu', '--base-url', byEnv.url]);
    const result = await run(['auth', 'status', '--no-verify']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('  Profile   default · the default profile\n');
    expect(result.stdout).toContain('Stored profiles (* the default):\n');
    expect(result.stdout).toMatch(/^ {2}\* default {2}key prof…M7xN$/m);
    expect(result.stdout).toMatch(new RegExp(`^    eu       key euky…P3dK  ${byEnv.url.replace(/[.]/g, '\\.')}$`, 'm'));
    expect(result.stdout).not.toContain('(default)');
    expectKeyHidden(result, KEY_EU);
    const json = oneJsonLine<AuthStatus & { profiles: unknown[] }>((await run(['auth', 'status', '--json', '--no-verify'])).stdout);
    expect(json.profiles).toEqual([
      { name: 'default', default: true, key: 'prof…M7xN', base_url: null },
      { name: 'eu', default: false, key: 'euky…P3dK', base_url: byEnv.url },
    ]);
    const eu = await run(['auth', 'status', '--no-verify', '--profile', 'eu']);
    expect(eu.stdout).toContain('  Profile   eu · from --profile\n');
    expect(eu.stdout).toMatch(/^ {4}eu {7}.*\(in use here\)$/m);
  });

  test('auth list: the profiles, without checking anything; --json and --quiet for scripts', async () => {
    await store(KEY_PROFILE);
    await store(KEY_EU, ['--profile', 'eu']);
    const human = await run(['auth', 'list']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toBe('  * default  key prof…M7xN\n    eu       key euky…P3dK\n');
    expect((await run(['auth', 'list', '--quiet'])).stdout).toBe('default\neu\n');
    expect(oneJsonLine<{ name: string }[]>((await run(['auth', 'list', '--json'])).stdout).map((p) => p.name)).toEqual(['default', 'eu']);
    expect(h.emulator.requests).toHaveLength(0);
    expect((await h.cli(['auth', 'list'], { env: { STACKONE_CONFIG_DIR: join(h.configDir, 'none') } })).stdout).toMatch(
      /No profiles stored yet\. Store a key: stackone-connect auth login/,
    );
  });

  test('auth switch without a name: a picker in a terminal, the names (exit 2) elsewhere', async () => {
    await store(KEY_PROFILE);
    await store(KEY_EU, ['--profile', 'eu']);
    const piped = await run(['auth', 'switch']);
    expect(piped.code).toBe(2);
    expect(piped.stderr).toBe(
      '✗ Which profile? Give its name.\n  Stored profiles: default (the default), eu. Example: stackone-connect auth switch default\n',
    );
    let offered: unknown;
    const picked = await h.cli(['auth', 'switch'], {
      tty: true,
      env: { STACKONE_API_KEY: undefined },
      answers: [
        [
          'select',
          'Profile to make the default',
          (config: { choices: { name: string }[]; default: string }) => {
            offered = { names: config.choices.map((c) => c.name), default: config.default };
            return 'eu';
          },
        ],
      ],
    });
    expect(picked.code, picked.stderr).toBe(0);
    expect(offered).toEqual({ names: ['default (the default now)', 'eu'], default: 'default' });
    expect(configOf(h.configDir).default_profile).toBe('eu');
  });

  test('auth switch to an unknown profile exits 2, lists the stored ones, and changes nothing', async () => {
    await store(KEY_PROFILE);
    const result = await run(['auth', 'switch', 'nope']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/No profile named "nope"/);
    expect(result.stderr).toMatch(/Stored profiles: default/);
    expect(configOf(h.configDir).default_profile).toBe('default');
  });

  test('--profile selects the stored key of that profile', async () => {
    await store(KEY_PROFILE);
    await store(KEY_EU, ['--profile', 'eu']);
    const env = { STACKONE_BASE_URL: byEnv.url };
    expect((await run(['session', 'create', ...OWNER, '--quiet'], env)).code).toBe(0);
    expect((await run(['session', 'create', ...OWNER, '--quiet', '--profile', 'eu'], env)).code).toBe(0);
    expect(byEnv.requests.map(keyOf)).toEqual([KEY_PROFILE, KEY_EU]);
  });

  test('STACKONE_PROFILE selects the profile, and --profile beats it', async () => {
    await store(KEY_PROFILE);
    await store(KEY_EU, ['--profile', 'eu']);
    expect((await run(['session', 'create', ...OWNER, '--quiet'], { STACKONE_BASE_URL: byEnv.url, STACKONE_PROFILE: 'eu' })).code).toBe(0);
    expect(
      (
        await run(['session', 'create', ...OWNER, '--quiet', '--profile', 'default'], {
          STACKONE_BASE_URL: byEnv.url,
          STACKONE_PROFILE: 'eu',
        })
      ).code,
    ).toBe(0);
    expect(byEnv.requests.map(keyOf)).toEqual([KEY_EU, KEY_PROFILE]);
    const status = oneJsonLine<AuthStatus>((await run(['auth', 'status', '--json', '--no-verify'], { STACKONE_PROFILE: 'eu' })).stdout);
    expect(status.profile).toBe('eu');
  });

  test('sessions are remembered per profile (session list shows the profile)', async () => {
    await store(KEY_EU, ['--profile', 'eu']);
    expect((await run(['session', 'create', ...OWNER, '--quiet', '--profile', 'eu'], { STACKONE_BASE_URL: byEnv.url })).code).toBe(0);
    const list = oneJsonLine<{ profile: string }[]>((await run(['session', 'list', '--json'])).stdout);
    expect(list.map((s) => s.profile)).toEqual(['eu']);
  });
});

describe('precedence: flag > env > profile', () => {
  test('the API key: --api-key beats STACKONE_API_KEY, which beats the profile', async () => {
    await store(KEY_PROFILE);
    const env = { STACKONE_BASE_URL: byEnv.url };
    expect((await run(['session', 'create', ...OWNER, '--quiet', '--api-key', KEY_FLAG], { ...env, STACKONE_API_KEY: KEY_ENV })).code).toBe(
      0,
    );
    expect((await run(['session', 'create', ...OWNER, '--quiet'], { ...env, STACKONE_API_KEY: KEY_ENV })).code).toBe(0);
    expect((await run(['session', 'create', ...OWNER, '--quiet'], env)).code).toBe(0);
    expect(byEnv.requests.map(keyOf)).toEqual([KEY_FLAG, KEY_ENV, KEY_PROFILE]);
  });

  test("the base URL: --base-url beats STACKONE_BASE_URL, which beats the profile's, which beats the default", async () => {
    await store(KEY_PROFILE, ['--base-url', byProfile.url]);
    const check = (args: string[], env: Record<string, string | undefined>) => run(['auth', 'status', '--json', ...args], env);
    const flag = await check(['--base-url', byFlag.url], { STACKONE_BASE_URL: byEnv.url });
    const env = await check([], { STACKONE_BASE_URL: byEnv.url });
    const profile = await check([], { STACKONE_BASE_URL: undefined });
    for (const r of [flag, env, profile]) expect(r.code, r.stderr).toBe(0);
    expect([byFlag, byEnv, byProfile].map((e) => e.requests.length)).toEqual([1, 1, 1]);
    expect(oneJsonLine<AuthStatus>(flag.stdout)).toMatchObject({ base_url: byFlag.url, base_url_source: 'flag' });
    expect(oneJsonLine<AuthStatus>(env.stdout)).toMatchObject({ base_url: byEnv.url, base_url_source: 'env' });
    expect(oneJsonLine<AuthStatus>(profile.stdout)).toMatchObject({ base_url: byProfile.url, base_url_source: 'profile' });

    const none = await h.cli(['auth', 'status', '--json', '--no-verify'], {
      env: { STACKONE_BASE_URL: undefined, STACKONE_CONFIG_DIR: `${h.configDir}-empty` },
    });
    expect(oneJsonLine<AuthStatus>(none.stdout)).toMatchObject({ base_url: 'https://api.stackone.com', base_url_source: 'default' });
  });
});

describe('--api-key without verification', () => {
  test.each([
    ['auth status --no-verify', ['auth', 'status', '--no-verify']],
    ['auth login --no-verify', ['auth', 'login', '--no-verify']],
  ])('%s with --api-key still prints the process-list warning, and sends nothing', async (_name, args) => {
    const result = await run([...args, '--api-key', KEY_FLAG]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/--api-key is visible to other users in the process list/);
    expect(h.emulator.requests).toHaveLength(0);
    expectKeyHidden(result, KEY_FLAG);
  });
});
