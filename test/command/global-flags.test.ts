import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { type AskStep, CTRL_C } from '../helpers/ask.js';
import {
  type Created,
  createSession,
  ESC,
  historyOf,
  keyOf,
  linesMatching,
  OWNER,
  OWNER_BODY,
  oneJsonLine,
  requestsTo,
  waitingSessionId,
} from '../helpers/e2e.js';
import { TEST_KEY, useHarness } from '../helpers/harness.js';

const h = useHarness();

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };

/** The CLI with stdin, stdout and stderr all terminals; what it wrote to both, and its exit code. */
async function inTerminal(
  args: string[],
  env: Record<string, string | undefined>,
  answers: AskStep[] = [],
): Promise<{ code: number; output: string; asked: string[] }> {
  const result = await h.cli(args, { tty: true, env: { TERM: 'xterm-256color', FORCE_COLOR: undefined, ...env }, answers });
  return { code: result.code ?? -1, output: result.stdout + result.stderr, asked: result.ask?.asked ?? [] };
}

const harnessEnv = (extra: Record<string, string | undefined> = {}) => extra;

describe('--json and --quiet', () => {
  test('--json: stdout is one JSON line even when warnings are printed (they go to stderr)', async () => {
    const result = await h.cli(['--api-key', TEST_KEY, 'session', 'create', ...OWNER, '--provider-version', '1', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<Created>(result.stdout).id).toEqual(expect.any(Number));
    expect(linesMatching(result.stderr, /^! /)).toHaveLength(2);
  });

  test('--json may come before the command (a global flag)', async () => {
    const result = await h.cli(['--json', 'session', 'create', ...OWNER]);
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<Created>(result.stdout).token).toEqual(expect.any(String));
  });

  test('-q / --quiet: stdout carries the one essential value, and the progress lines on stderr are silenced', async () => {
    const { id } = await createSession(h);
    h.emulator.connect(id);
    const result = await h.cli(['-q', 'session', 'poll', String(id), '--interval', '100ms']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\S+\n$/);
    expect(result.stderr).toBe('');
  });

  test('--json and --quiet together exit 2 and send nothing', async () => {
    const result = await h.cli(['session', 'create', ...OWNER, '--json', '--quiet']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/--json and --quiet/);
    expect(h.emulator.requests).toHaveLength(0);
  });
});

describe('--no-input', () => {
  // In a terminal the CLI may ask for missing values; these switches forbid it.
  test.each([
    ['--no-input', ['--no-input'], {}],
    ['STACKONE_NO_INPUT=1', [], { STACKONE_NO_INPUT: '1' }],
    ['CI=true', [], { CI: 'true' }],
  ])('%s in a terminal: no question, every missing value in one error, exit 2, nothing sent', async (_what, flags, env) => {
    const result = await inTerminal(['session', 'create', ...flags], harnessEnv(env));
    expect(result.code, result.output).toBe(2);
    expect(result.output).toContain('Missing required flags: --origin-owner-id, --origin-owner-name.');
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('without them, the same command in a terminal asks instead of failing (so the tests above can fail)', async () => {
    const result = await inTerminal(['session', 'create'], harnessEnv(), [['text', 'Customer id', CTRL_C]]);
    expect(result.asked).toEqual(['Customer id (origin owner id):']);
    expect(result.code).toBe(130);
    expect(result.output).not.toContain('Missing required');
    expect(h.createBodies()).toHaveLength(0);
  });

  test('without a terminal --no-input is implied: missing values are one error, exit 2', async () => {
    const result = await h.cli(['session', 'create']);
    expect(result.code, result.stderr).toBe(2);
    expect(linesMatching(result.stderr, /Missing required flags: --origin-owner-id, --origin-owner-name/)).toHaveLength(1);
  });
});

describe('colour', () => {
  const run = (args: string[], env: Record<string, string | undefined>) =>
    h.cli(['session', 'create', ...OWNER, '--provider-version', '1', ...args], { env });

  test('no colour when stdout and stderr are not terminals (the default "auto")', async () => {
    const result = await run([], { FORCE_COLOR: undefined });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  test('FORCE_COLOR=1 turns colour on without a terminal', async () => {
    const result = await run([], { FORCE_COLOR: '1' });
    expect(result.stdout).toContain(`${ESC}[`);
    expect(result.stderr).toContain(`${ESC}[`);
  });

  test('--no-color wins over FORCE_COLOR: no escape codes at all', async () => {
    const result = await run(['--no-color'], { FORCE_COLOR: '1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  test('NO_COLOR wins over FORCE_COLOR: no escape codes at all', async () => {
    const result = await run([], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  test('an empty NO_COLOR counts as unset', async () => {
    const result = await run([], { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(result.stdout).toContain(`${ESC}[`);
  });

  test('FORCE_COLOR=0 turns colour off', async () => {
    const result = await run([], { FORCE_COLOR: '0' });
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  test('in a terminal colour is on by default, and --no-color / NO_COLOR turn it off', async () => {
    const args = ['session', 'create', ...OWNER];
    const on = await inTerminal(args, harnessEnv());
    const flag = await inTerminal([...args, '--no-color'], harnessEnv());
    const env = await inTerminal(args, harnessEnv({ NO_COLOR: '1' }));
    expect([on.code, flag.code, env.code]).toEqual([0, 0, 0]);
    expect(on.output).toMatch(/\u001b\[\d+(;\d+)*m/);
    expect(flag.output).not.toMatch(/\u001b\[\d+(;\d+)*m/);
    expect(env.output).not.toMatch(/\u001b\[\d+(;\d+)*m/);
  });
});

describe('--verbose and STACKONE_DEBUG', () => {
  /** No key, token or link on stderr, in whole or in a telling part. */
  function expectNoSecretsOnStderr(stderr: string, created?: Created) {
    expect(stderr).not.toContain(TEST_KEY);
    expect(stderr).not.toContain(TEST_KEY.slice(4, -4));
    expect(stderr).not.toContain(Buffer.from(`${TEST_KEY}:`).toString('base64'));
    if (created) {
      expect(stderr).not.toContain(created.token);
      expect(stderr).not.toContain(created.auth_link_url);
      expect(stderr).not.toContain(created.token.slice(0, 12));
    }
  }

  test('--verbose traces method, URL, status and timing on stderr; never the key, the token or the link', async () => {
    const result = await h.cli(['session', 'create', ...OWNER, '--json', '--verbose']);
    expect(result.code, result.stderr).toBe(0);
    const created = oneJsonLine<Created>(result.stdout);
    expect(result.stderr).toContain(`→ POST ${h.emulator.url}/connect_sessions`);
    expect(result.stderr).toMatch(/← 201 POST \/connect_sessions \(\d+ ms\)/);
    expectNoSecretsOnStderr(result.stderr, created);
  });

  test('STACKONE_DEBUG=1 traces a whole wait the same way (create, each GET) without secrets', async () => {
    let id: number | undefined;
    const result = await h.drive(
      (o) => h.cli(['session', 'create', ...OWNER, '--wait', '--interval', '100ms', '--json'], { ...o, env: { STACKONE_DEBUG: '1' } }),
      [{ when: (err) => (id = waitingSessionId(err)) !== undefined && /← 200 GET/.test(err), then: () => h.emulator.connect(id!) }],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`→ GET ${h.emulator.url}/connect_sessions/${id}`);
    expect(result.stderr).toMatch(new RegExp(`← 200 GET /connect_sessions/${id} \\(\\d+ ms\\)`));
    const [record] = historyOf(h.configDir) as unknown as (Created & { token: string })[];
    expectNoSecretsOnStderr(result.stderr, { ...record!, id: id! } as unknown as Created);
  });

  test('a trace of a failed request shows the status, and an --api-key given as a flag is still never printed', async () => {
    h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 500 }]);
    const result = await h.cli(['session', 'create', ...OWNER, '--verbose', '--api-key', TEST_KEY]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/← 500 POST \/connect_sessions \(\d+ ms\)/);
    expectNoSecretsOnStderr(result.stderr);
    expect(result.stdout).not.toContain(TEST_KEY);
  });

  test('without --verbose, and with STACKONE_DEBUG empty or 0, there is no trace', async () => {
    for (const env of [{}, { STACKONE_DEBUG: '' }, { STACKONE_DEBUG: '0' }]) {
      const result = await h.cli(['session', 'create', ...OWNER, '--quiet'], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/→|←/);
    }
  });
});

describe('--base-url and STACKONE_BASE_URL', () => {
  // An emulator on every interface, reached through an address that is not loopback: if the CLI
  // sent anything over plain http to it, the emulator would record it.
  let lan: Emulator;
  let lanUrl: string;
  beforeAll(async () => {
    lan = await startEmulator({ host: '0.0.0.0', apiKey: TEST_KEY, now: h.clock.now });
    const address =
      Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '0.0.0.0';
    lanUrl = `http://${address}:${lan.port}`;
  });
  afterAll(async () => {
    await lan.close();
  });

  test('the non-loopback address does reach the emulator (so "nothing sent" below means something)', async () => {
    const res = await fetch(`${lanUrl}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`, 'user-agent': 't' },
    });
    expect(res.status).toBe(200);
    lan.clearRequests();
  });

  test.each([
    ['--base-url', (url: string) => ({ args: ['--base-url', url], env: {} })],
    ['STACKONE_BASE_URL', (url: string) => ({ args: [], env: { STACKONE_BASE_URL: url } })],
  ])('plain http:// to a host that is not loopback is refused (%s): exit 2, nothing sent', async (name, given) => {
    const { args, env } = given(lanUrl);
    const result = await h.cli(['session', 'create', ...OWNER, ...args], { env });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${name} uses plain http://`);
    expect(lan.requests).toHaveLength(0);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('--base-url beats STACKONE_BASE_URL, and a loopback name (localhost) is fine over http', async () => {
    const result = await h.cli(['session', 'create', ...OWNER, '--quiet', '--base-url', `http://localhost:${h.emulator.port}`], {
      env: { STACKONE_BASE_URL: lanUrl },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([OWNER_BODY]);
    expect(lan.requests).toHaveLength(0);
  });

  test.each([['ftp://127.0.0.1/'], ['not a url'], [`http://user:pw@127.0.0.1:1`]])('--base-url %s is refused with exit 2', async (url) => {
    const result = await h.cli(['session', 'create', ...OWNER, '--base-url', url]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--base-url');
    expect(h.emulator.requests).toHaveLength(0);
  });
});

describe('empty environment variables count as unset', () => {
  /** Stores a key and base URL in the default profile, without checking it. */
  async function storeProfile(key: string, baseUrl: string) {
    const result = await h.cli(['auth', 'login', '--api-key-stdin', '--no-verify', '--base-url', baseUrl], {
      input: key,
      env: { STACKONE_API_KEY: undefined },
    });
    expect(result.code, result.stderr).toBe(0);
  }

  test('STACKONE_API_KEY="" falls back to the profile\'s key', async () => {
    await storeProfile(TEST_KEY, h.emulator.url);
    const result = await h.cli(['session', 'create', ...OWNER, '--quiet'], { env: { STACKONE_API_KEY: '' } });
    expect(result.code, result.stderr).toBe(0);
    expect(keyOf(h.emulator.requests[0]!)).toBe(TEST_KEY);
  });

  test('STACKONE_API_KEY="" and no stored key: exit 4, nothing sent', async () => {
    const result = await h.cli(['session', 'create', ...OWNER], { env: { STACKONE_API_KEY: '' } });
    expect(result.code, result.stderr).toBe(4);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('STACKONE_BASE_URL="" falls back to the profile\'s base URL', async () => {
    await storeProfile(TEST_KEY, h.emulator.url);
    const result = await h.cli(['session', 'create', ...OWNER, '--quiet'], { env: { STACKONE_BASE_URL: '', STACKONE_API_KEY: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toHaveLength(1);
  });

  test('STACKONE_PROFILE="" means the default profile', async () => {
    const result = await h.cli(['auth', 'status', '--json', '--no-verify'], { env: { STACKONE_PROFILE: '' } });
    expect(oneJsonLine<{ profile: string }>(result.stdout).profile).toBe('default');
  });

  test('STACKONE_CONFIG_DIR="" means the OS config dir (~/.config/stackone-connect on Linux)', async () => {
    const home = join(dirname(h.configDir), 'home');
    mkdirSync(home, { recursive: true });
    const result = await h.cli(['session', 'create', ...OWNER, '--quiet'], {
      env: { STACKONE_CONFIG_DIR: '', HOME: home, XDG_CONFIG_HOME: undefined },
    });
    expect(result.code, result.stderr).toBe(0);
    const expected =
      process.platform === 'darwin' ? join(home, 'Library', 'Preferences', 'stackone-connect') : join(home, '.config', 'stackone-connect');
    expect(existsSync(join(expected, 'sessions.jsonl'))).toBe(true);
  });
});

describe('API key handling', () => {
  test('--api-key works and prints the process-list warning on stderr', async () => {
    const result = await h.cli(['session', 'create', ...OWNER, '--quiet', '--api-key', TEST_KEY], { env: { STACKONE_API_KEY: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/--api-key is visible to other users in the process list/);
    expect(keyOf(h.emulator.requests[0]!)).toBe(TEST_KEY);
  });

  test('no --api-key flag, no warning', async () => {
    const result = await h.cli(['session', 'create', ...OWNER, '--quiet']);
    expect(result.stderr).not.toMatch(/process list/);
  });

  test.each([
    ['session create', ['session', 'create', ...OWNER]],
    ['session poll', ['session', 'poll', '58210']],
    ['session status', ['session', 'status', '58210']],
    ['auth status', ['auth', 'status']],
  ])('no API key anywhere: %s exits 4, says how to log in, and sends nothing', async (_name, args) => {
    const result = await h.cli(args, { env: { STACKONE_API_KEY: undefined } });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/No API key for profile "default"/);
    expect(result.stderr).toMatch(/auth login/);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('every request carries Basic auth with the key and an empty password, and a User-Agent', async () => {
    await h.cli(['session', 'create', ...OWNER, '--quiet']);
    const [request] = h.emulator.requests;
    expect(request!.headers.authorization).toBe(`Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`);
    expect(request!.headers['user-agent']).toMatch(new RegExp(`^stackone-connect/${version.replace(/\./g, '\\.')} `));
  });
});

describe('version, help and unknown input', () => {
  test.each([['--version'], ['-v']])('%s prints the package version and exits 0', async (flag) => {
    const result = await h.cli([flag]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  test('--help lists the commands and the exit codes, exit 0', async () => {
    const result = await h.cli(['--help']);
    expect(result.code, result.stderr).toBe(0);
    for (const word of [
      'session',
      'auth',
      'emulator',
      'demo',
      '--profile',
      '--api-key',
      '--base-url',
      '--json',
      '--quiet',
      '--no-input',
      '--no-color',
      '--verbose',
    ]) {
      expect(result.stdout).toContain(word);
    }
    expect(result.stdout).toMatch(
      /Exit codes: 0 ok, 1 error, 2 usage \(nothing sent\), 3 attempt failed, 4 auth, 5 expired, 8 still pending,\n130 \/ 143 \/ 129 interrupted/,
    );
  });

  test.each([[['help']], [['help', 'session', 'create']], [['session', 'help', 'poll']], [['help', 'auth']]])(
    '`%j` shows help on stdout and exits 0',
    async (args) => {
      const result = await h.cli(args);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Usage: stackone-connect /);
      expect(result.stderr).toBe('');
    },
  );

  test('each command\'s help lists the global flags it accepts, as gh\'s "inherited flags"', async () => {
    for (const args of [
      ['session', 'poll', '--help'],
      ['auth', 'status', '--help'],
      ['demo', '--help'],
    ]) {
      const result = await h.cli(args);
      const globals = result.stdout.slice(result.stdout.indexOf('Global Options:'));
      expect(globals.length, args.join(' ')).toBeGreaterThan(20);
      for (const flag of [
        '--profile',
        '--api-key',
        '--base-url',
        '--json',
        '--quiet',
        '--no-input',
        '--no-color',
        '--verbose',
        '--request-timeout',
      ]) {
        expect(globals, `${args.join(' ')}: ${flag}`).toContain(flag);
      }
    }
  });

  test("commander's own errors have the style of every other error: ✗, a sentence, the hint indented", async () => {
    const result = await h.cli(['session', 'create', '--colour']);
    expect(result.stderr).toBe("✗ Unknown option '--colour'.\n  Add --help for usage.\n");
    const suggestion = await h.cli(['session', 'craete']);
    expect(suggestion.stderr).toBe("✗ Unknown command 'craete'.\n  (Did you mean create?)\n  Add --help for usage.\n");
  });

  test('session create --help lists every flag of the contract', async () => {
    const result = await h.cli(['session', 'create', '--help']);
    expect(result.code, result.stderr).toBe(0);
    for (const flag of [
      '--origin-owner-id',
      '--origin-owner-name',
      '--categories',
      '--provider',
      '--provider-version',
      '--origin-username',
      '--account-id',
      '--expires-in',
      '--metadata',
      '--multiple',
      '--label',
      '--type',
      '--integration-id',
      '--connector-profile-id',
      '--wait',
      '--interval',
      '--timeout',
      '--fail-fast',
      '--open',
      '--copy',
      '--qr',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  test.each([
    ['an unknown command', ['sessions'], /Unknown command 'sessions'\./],
    ['an unknown subcommand', ['session', 'delete'], /Unknown command 'delete'\./],
    ['an unknown flag', ['session', 'create', ...OWNER, '--owner', 'x'], /Unknown option '--owner'\./],
    ['an unknown global flag', ['--colour', 'session', 'list'], /Unknown option '--colour'\./],
    ['a flag without its value', ['session', 'create', '--origin-owner-id'], /argument missing/],
    ['a surplus argument', ['session', 'status', '1', '2'], /Too many arguments/],
  ])('%s exits 2 and sends nothing', async (_what, args, message) => {
    const result = await h.cli(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(h.emulator.requests).toHaveLength(0);
  });
});

describe('text from the server', () => {
  test('control characters in values the server returns are removed from the human output', async () => {
    const hostile = 'Acme\u001b[2J\u001b]0;pwned\u0007 Ltd\r';
    const result = await h.cli(['session', 'create', '--origin-owner-id', 'cust-42', '--origin-owner-name', hostile]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).not.toContain('\u0007');
    expect(result.stdout).not.toContain('\r');
    expect(result.stdout).toMatch(/created for Acme.*Ltd/);
  });

  test('--json keeps such values exactly (escaped in the JSON text, so the raw line is inert)', async () => {
    const hostile = 'Acme\u001b[31m Ltd';
    const result = await h.cli(['session', 'create', '--origin-owner-id', 'cust-42', '--origin-owner-name', hostile, '--json']);
    expect(result.stdout).not.toContain(ESC);
    expect(oneJsonLine<Created>(result.stdout).origin_owner_name).toBe(hostile);
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')[0]!.body).toMatchObject({ origin_owner_name: hostile });
  });
});
