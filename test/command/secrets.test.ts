import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { campaign, customersCsv, resultsJsonl, writeInput } from '../helpers/campaign.js';
import { TEST_KEY, useHarness } from '../helpers/harness.js';
import { runInProcess } from '../helpers/in-process.js';
import { startFakeApi } from '../helpers/network.js';
import { cleanEnv, tempConfigDir } from '../helpers/process.js';

const h = useHarness();
let legacy: Emulator;
/**
 * An API that quotes the latest session token back in its errors: GET /connect_sessions/{id} is
 * 404 (so sessions are read with their tokens), `authenticate` answers `authStatus`, and once
 * `refuseCreates` is set a create after the first is refused (403).
 */
let leaky: Awaited<ReturnType<typeof startFakeApi>>;
const tokens: string[] = [];
let authStatus = 400;
let refuseCreates = false;
beforeAll(async () => {
  legacy = await startEmulator({ apiKey: TEST_KEY, legacy: true, now: h.clock.now });
  leaky = await startFakeApi((method, path) => {
    const quoted = (status: number) => ({ status, body: { statusCode: status, message: `not for session token ${tokens.at(-1)}` } });
    if (method === 'POST' && path === '/connect_sessions') {
      if (refuseCreates && tokens.length > 0) return quoted(403);
      const id = 900 + tokens.length;
      const token = `tok_leaky_${id}_0123456789abcdef`;
      tokens.push(token);
      return { status: 201, body: { id, token, auth_link_url: `https://hub.example/connect?token=${token}` } };
    }
    if (method === 'POST' && path === '/connect_sessions/authenticate') return quoted(authStatus);
    return { status: 404, body: { statusCode: 404, message: 'Not Found' } };
  });
});
afterAll(async () => {
  await legacy?.close();
  await leaky?.close();
});

interface Created {
  id: number;
  token: string;
  auth_link_url: string;
}

/** Neither the key, nor (on stderr) the session's token or link, whole or in part that matters. */
function expectNoSecrets(run: { stdout: string; stderr: string }, created?: Created) {
  for (const stream of [run.stdout, run.stderr]) {
    expect(stream).not.toContain(TEST_KEY);
    expect(stream).not.toContain(TEST_KEY.slice(4, -4)); // the middle: more than first 4 + last 4
    expect(stream).not.toContain(Buffer.from(`${TEST_KEY}:`).toString('base64'));
  }
  if (created) {
    expect(run.stderr).not.toContain(created.token);
    expect(run.stderr).not.toContain(created.auth_link_url);
  }
}

describe('secrets stay out of traces, errors and output', () => {
  test('--verbose traces every request (method, URL, status, time) but never the key, token or link', async () => {
    const create = await h.cli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json', '--verbose']);
    expect(create.code).toBe(0);
    const created = JSON.parse(create.stdout) as Created;
    expect(create.stderr).toMatch(/→ POST http:\/\/127\.0\.0\.1:\d+\/connect_sessions/);
    expect(create.stderr).toMatch(/← 201 POST \/connect_sessions \(\d+ ms\)/);
    expect(create.stderr).toMatch(/key v1\.e…cdef/);
    expectNoSecrets(create, created);

    h.emulator.connect(created.id);
    const poll = await h.cli(['session', 'poll', '--verbose', '--interval', '100ms']);
    expect(poll.code).toBe(0);
    expect(poll.stderr).toMatch(/← 200 GET \/connect_sessions\/\d+/);
    expectNoSecrets(poll, created);
  });

  test('STACKONE_DEBUG=1 traces like --verbose', async () => {
    const run = await h.cli(['session', 'status', '1'], { env: { STACKONE_DEBUG: '1' } });
    expect(run.stderr).toMatch(/→ GET http:\/\/127\.0\.0\.1:\d+\/connect_sessions\/1/);
    expectNoSecrets(run);
  });

  test('the token sent by the authenticate fallback stays out of the trace', async () => {
    const config = tempConfigDir();
    try {
      const env = { STACKONE_BASE_URL: legacy.url, STACKONE_API_KEY: TEST_KEY, STACKONE_CONFIG_DIR: config.dir };
      const create = await runInProcess(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json'], {
        env: cleanEnv(env),
      });
      const created = JSON.parse(create.stdout) as Created;
      legacy.connect(created.id);
      const poll = await runInProcess(['session', 'poll', '--verbose', '--interval', '100ms'], { env: cleanEnv(env) });
      expect(poll.code).toBe(0);
      expect(poll.stderr).toMatch(/→ POST http:\/\/127\.0\.0\.1:\d+\/connect_sessions\/authenticate/);
      expect(
        legacy.requests.some((r) => r.path === '/connect_sessions/authenticate' && (r.body as { token?: string }).token === created.token),
      ).toBe(true);
      expectNoSecrets(poll, created);
    } finally {
      config.cleanup();
    }
  });

  test('a rejected key is not repeated in the error, even with --verbose', async () => {
    const wrong = 'v1.eu1.wrong-key-abcdefghijklmnop';
    const run = await h.cli(['session', 'status', '1', '--verbose'], { env: { STACKONE_API_KEY: wrong } });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/The API key was rejected/);
    expect(run.stderr + run.stdout).not.toContain(wrong);
  });

  test('--api-key on the command line warns that process lists show it, and is never echoed', async () => {
    const run = await h.cli(['auth', 'status', '--api-key', TEST_KEY], { env: { STACKONE_API_KEY: '' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/--api-key is visible to other users in the process list/);
    expect(run.stdout).toMatch(/v1\.e…cdef \(from --api-key\)/);
    expectNoSecrets(run);
  });

  test('auth login prints the stored key redacted, and the config file holds it for the profile only', async () => {
    const run = await h.cli(['auth', 'login', '--api-key-stdin', '--verbose'], { input: `${TEST_KEY}\n`, env: { STACKONE_API_KEY: '' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('v1.e…cdef');
    expectNoSecrets(run);
  });
});

describe('session tokens stay out of the errors of campaigns and the board', () => {
  const atLeaky = { env: { STACKONE_BASE_URL: '' } };
  beforeAll(() => {
    atLeaky.env.STACKONE_BASE_URL = leaky.url;
  });

  test('the board: an error that quotes a session token prints it redacted, with --verbose too', async () => {
    tokens.length = 0;
    const create = await h.cli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json'], atLeaky);
    expect(create.code, create.stderr).toBe(0);
    const token = tokens.at(-1)!;

    authStatus = 400; // the session cannot be read: its change line quotes the API
    const unreadable = await h.cli(['session', 'poll', '--all', '--verbose'], atLeaky);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/cannot be read: .*not for session token \[redacted\]/);
    expect(unreadable.stderr + unreadable.stdout).not.toContain(token);

    authStatus = 403; // the board stops: the error report quotes the API
    const refused = await h.cli(['session', 'poll', '--all', '--verbose'], atLeaky);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/not for session token \[redacted\]/);
    expect(refused.stderr + refused.stdout).not.toContain(token);
  });

  test('a campaign: an error that quotes the token of a session it created prints it redacted, with --verbose too', async () => {
    tokens.length = 0;
    refuseCreates = true;
    try {
      writeInput(h, 'c.csv', customersCsv(2));
      const run = await campaign(h, ['c.csv', '--output', 'results.jsonl', '--concurrency', '1', '--verbose'], atLeaky);
      expect(run.code).toBe(4);
      expect(resultsJsonl(h).map((r) => r.status)).toEqual(['created', 'failed']);
      const token = tokens[0]!;
      expect(run.stderr).toMatch(/✗ line 3 \(row-2\): .*not for session token \[redacted\]/);
      expect(run.stderr).toMatch(/^✗ The API key is not allowed to do this \(403 Forbidden: not for session token \[redacted\]\)/m);
      expect(run.stderr + run.stdout).not.toContain(token);
    } finally {
      refuseCreates = false;
    }
  });
});
