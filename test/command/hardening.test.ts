import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { createSession, historyOf, linesMatching, OWNER, oneJsonLine, requestsTo, type SessionResult } from '../helpers/e2e.js';
import { TEST_KEY, useHarness } from '../helpers/harness.js';
import { type FakeReply, startFakeApi } from '../helpers/network.js';

// What an attacker, a hostile server or a very unlucky user could do, and what the CLI does instead.
const h = useHarness();

/** A stub API on loopback whose answers a test sets; it records what it was sent. */
let reply: (method: string, path: string, headers: Record<string, string | string[] | undefined>) => FakeReply = () => ({
  status: 500,
  body: {},
});
let api: Awaited<ReturnType<typeof startFakeApi>>;
/** Another origin: it must never be sent anything the stub redirects to it. */
let elsewhere: Awaited<ReturnType<typeof startFakeApi>>;
beforeAll(async () => {
  api = await startFakeApi((m, p, hd) => reply(m, p, hd));
  elsewhere = await startFakeApi(() => ({
    status: 201,
    body: { id: 1, latest_connection_attempt: { status: 'authenticated', account_secure_id: 'stolen' } },
  }));
});
afterEach(() => {
  api.seen.length = 0;
  elsewhere.seen.length = 0;
});
afterAll(async () => {
  await api.close();
  await elsewhere.close();
});

const created = (id = 11) => ({
  id,
  token: `tok-${id}`,
  auth_link_url: `https://app.stackone.com/embedded/integrations?token=tok-${id}`,
  origin_owner_id: 'cust-42',
  origin_owner_name: 'Acme Ltd',
});

describe('redirects are never followed (9.4)', () => {
  test.each([307, 308, 302])(
    'a create answered %i: not followed, not sent again, a session may exist; --verbose shows it',
    async (status) => {
      reply = () => ({ status, body: '', headers: { location: `${elsewhere.url}/connect_sessions` } });
      const result = await h.cli(['session', 'create', ...OWNER, '--verbose'], { env: { STACKONE_BASE_URL: api.url } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`The API answered ${status} `);
      expect(result.stderr).toMatch(/StackOne does not redirect, so it was not followed\./);
      expect(result.stderr).toMatch(/a session may or may not exist for cust-42; it was not sent again/);
      expect(result.stderr).toMatch(
        new RegExp(`← ${status} POST /connect_sessions to http://127\\.0\\.0\\.1:\\d+/connect_sessions .*not followed`),
      );
      expect(api.seen).toEqual(['POST /connect_sessions']);
      expect(elsewhere.seen).toEqual([]);
    },
  );

  test('the authenticate fallback redirected to another origin: the token is not sent there, and its "authenticated" is not believed', async () => {
    reply = (method, path) => {
      if (method === 'POST' && path === '/connect_sessions') return { status: 201, body: created(12) };
      if (path === '/connect_sessions/12') return { status: 404, body: { statusCode: 404, message: 'Not Found' } };
      return { status: 307, body: '', headers: { location: `${elsewhere.url}/connect_sessions/authenticate` } };
    };
    const env = { STACKONE_BASE_URL: api.url };
    expect((await h.cli(['session', 'create', ...OWNER], { env })).code).toBe(0);
    const result = await h.cli(['session', 'poll', '12', '--interval', '100ms', '--timeout', '1s', '--json'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /answered 307 Temporary Redirect to http:\/\/127\.0\.0\.1:\d+\/connect_sessions\/authenticate; StackOne does not redirect/,
    );
    expect(elsewhere.seen).toEqual([]);
    expect(result.stdout).not.toContain('stolen');
  });
});

describe('answers too large or too deep (9.5)', () => {
  test('a 201 nested thousands deep does not crash `create --json`: a bad answer, and a session may exist', async () => {
    reply = () => ({
      status: 201,
      body: `{"id":13,"token":"t","auth_link_url":"https://x/?token=t","deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    });
    const result = await h.cli(['session', 'create', ...OWNER, '--json'], { env: { STACKONE_BASE_URL: api.url } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/JSON nested too deeply to be a StackOne answer/);
    expect(result.stderr).toMatch(/a session may or may not exist/);
    expect(result.stderr).not.toMatch(/Maximum call stack/);
  });
});

describe('long waits (9.6)', () => {
  test('a Retry-After of 30 days waits an hour, not 30 days, and never hammers the API', async () => {
    const { id } = await createSession(h, ['--expires-in', '7d']);
    h.emulator.connect(id);
    h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'status', status: 429, retryAfter: 30 * 86_400 }]);
    const result = await h.cli(['session', 'poll', String(id), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const reads = requestsTo(h.emulator.requests, 'GET', `/connect_sessions/${id}`);
    expect(reads.map((r) => r.status)).toEqual([429, 200]);
    expect(reads[1]!.at - reads[0]!.at).toBe(3_600_000);
    expect(result.stderr).toMatch(/Retrying in 1h 00m \(failure 1\)/);
  });
});

describe("a session's token goes only to the API that issued it (9.7)", () => {
  let other: Emulator;
  beforeAll(async () => {
    other = await startEmulator({ apiKey: TEST_KEY, now: h.clock.now });
  });
  afterAll(async () => {
    await other.close();
  });

  test('a session of the history is read at its own base URL, whatever STACKONE_BASE_URL says now, and the CLI says so', async () => {
    const { id } = await createSession(h);
    h.emulator.connect(id);
    const result = await h.cli(['session', 'poll', String(id), '--json'], { env: { STACKONE_BASE_URL: other.url } });
    expect(result.code, result.stderr).toBe(0);
    expect(other.requests).toEqual([]);
    expect(requestsTo(h.emulator.requests, 'GET', `/connect_sessions/${id}`)).toHaveLength(1);
    expect(result.stderr).toContain(
      `! Session ${id} was created at ${h.emulator.url}: reading it there, not at ${other.url} (STACKONE_BASE_URL).`,
    );
    const status = await h.cli(['session', 'status', String(id), '--quiet'], { env: { STACKONE_BASE_URL: other.url } });
    expect(status.code).toBe(0);
    expect(other.requests).toEqual([]);
  });

  test('an answer about another session is not taken for the one asked for', async () => {
    reply = () => ({
      status: 200,
      body: { id: 99, latest_connection_attempt: { status: 'authenticated', account_secure_id: 'someone-else' } },
    });
    const result = await h.cli(['session', 'status', '14', '--json'], { env: { STACKONE_BASE_URL: api.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The API answered about session 99 when asked for session 14.');
    expect(result.stdout).not.toContain('someone-else');
  });
});

describe('what reaches the terminal (9.8)', () => {
  test('session ids are numbers a JavaScript number holds exactly: 9007199254740993 is refused, not read as ...992', async () => {
    const result = await h.cli(['session', 'poll', '9007199254740993']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid session id "9007199254740993"');
    expect(h.emulator.requests).toEqual([]);
  });

  test('invisible format characters from the server are removed (word joiner, soft hyphen, tag characters, Hangul filler)', async () => {
    const sneaky = 'Ac\u2060me\u00AD Ltd\u{E0041}\u{E0042}\u3164';
    reply = () => ({ status: 201, body: { ...created(15), origin_owner_name: sneaky } });
    const result = await h.cli(['session', 'create', ...OWNER], { env: { STACKONE_BASE_URL: api.url } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Connect session created for Acme Ltd (cust-42).');
    const json = await h.cli(['session', 'create', ...OWNER, '--json'], { env: { STACKONE_BASE_URL: api.url } });
    expect(json.stdout).not.toMatch(/[\u2060\u00AD\u3164]|\u{E0041}/u);
    expect(JSON.parse(json.stdout).origin_owner_name).toBe(sneaky); // escaped in the raw line, unchanged once parsed
  });

  test('the resume hint quotes what a shell would misread', async () => {
    mkdirSync(h.configDir, { recursive: true, mode: 0o700 });
    const result = await h.cli(['session', 'create', ...OWNER, '--profile', 'eu; rm -rf ~']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Wait\s+stackone-connect session poll \d+ --profile 'eu; rm -rf ~'/);
  });
});

describe('--open opens only web links (9.9)', () => {
  test.each(['file:///etc/passwd', '/usr/bin/id', 'smb://host/x.exe'])('an auth link %s is never handed to the OS opener', async (link) => {
    reply = () => ({ status: 201, body: { ...created(16), auth_link_url: link } });
    const result = await h.cli(['session', 'create', ...OWNER, '--open'], {
      tty: true,
      env: { STACKONE_BASE_URL: api.url, DISPLAY: ':0' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/! Not opening a browser: it is not (an https:\/\/ link|a URL)/);
    expect(result.stderr).not.toContain('Opened the link');
  });
});

describe('a signal while the create is in flight (9.10)', () => {
  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: exit %i, and a session may exist: say so, and how to check', async (signal, code) => {
    h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'hang' }]);
    const result = await h.drive(
      (o) => h.cli(['session', 'create', ...OWNER], o),
      [{ when: () => requestsTo(h.emulator.requests, 'POST', '/connect_sessions').length === 1, then: (run) => run.kill(signal) }],
    );
    expect(result.code).toBe(code);
    expect(result.stderr).toContain("✗ Interrupted while waiting for StackOne's answer: a session may or may not exist for cust-42.");
    expect(result.stderr).toContain('Check the StackOne dashboard (Connect sessions) before trying again');
  });
});

describe('the key in use is never quoted back, whatever its source (9.11)', () => {
  const KEY = 'v1.eu1.StoredKey_9f8e7d6c5b4a';
  const quoting = (headers: Record<string, string | string[] | undefined>) => {
    const basic = Buffer.from(String(headers.authorization).replace(/^Basic /, ''), 'base64')
      .toString()
      .replace(/:$/, '');
    return { status: 401, body: { statusCode: 401, message: `Invalid API key ${basic}`, timestamp: 't' } };
  };

  test('a key from stdin (auth login) and a key from a profile', async () => {
    reply = (_m, _p, headers) => quoting(headers);
    const env = { STACKONE_BASE_URL: api.url, STACKONE_API_KEY: undefined };
    const login = await h.cli(['auth', 'login', '--api-key-stdin'], { env, input: `${KEY}\n` });
    expect(login.code).toBe(4);
    expect(login.stderr).toContain('Invalid API key [redacted]');
    expect(login.stderr).not.toContain('StoredKey');
    expect((await h.cli(['auth', 'login', '--api-key-stdin', '--no-verify'], { env, input: `${KEY}\n` })).code).toBe(0);
    const status = await h.cli(['session', 'status', '17'], { env });
    expect(status.code).toBe(4);
    expect(status.stderr).toContain('Invalid API key [redacted]');
    expect(status.stderr).not.toContain('StoredKey');
  });
});

describe('local state (9.1, 9.2, 9.12)', () => {
  test('a lock left by a killed writer is taken over at once, in silence', async () => {
    mkdirSync(join(h.configDir, 'sessions.jsonl.lock'), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(h.configDir, 'sessions.jsonl.lock', 'owner'), JSON.stringify({ pid: dead, host: hostname() }));
    const result = await h.cli(['session', 'create', ...OWNER, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(historyOf(h.configDir)).toHaveLength(1);
  });

  test('a config directory others can write: auth login refuses to store the key there (exit 1), naming the path', async () => {
    mkdirSync(h.configDir, { recursive: true, mode: 0o777 });
    const { chmodSync } = await import('node:fs');
    chmodSync(h.configDir, 0o777);
    const result = await h.cli(['auth', 'login', '--api-key-stdin', '--no-verify'], { input: `${TEST_KEY}\n` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `✗ Refusing to keep API keys and session tokens in ${h.configDir}: it is writable by other users (mode 0777).`,
    );
    expect(result.stderr).toContain(`chmod 700 ${h.configDir}`);
  });
});

describe('the wait', () => {
  test('a stored status, once learnt, keeps the provider the customer chose', async () => {
    const { id } = await createSession(h);
    h.emulator.connect(id, { provider: 'hibob' });
    const result = await h.cli(['session', 'poll', String(id), '--json']);
    expect(oneJsonLine<SessionResult>(result.stdout).provider).toBe('HiBob');
    expect(historyOf(h.configDir)[0]).toMatchObject({ status: 'authenticated', provider: 'HiBob' });
    const list = await h.cli(['session', 'list']);
    expect(linesMatching(list.stdout, new RegExp(`^${id}\\s+Acme Ltd\\s+HiBob\\s+authenticated`))).toHaveLength(1);
  });
});
