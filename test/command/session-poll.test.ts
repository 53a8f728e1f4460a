import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Emulator, type Fault, startEmulator } from '../../src/emulator/index.js';
import { createSession, historyOf, linesMatching, oneJsonLine, RESULT_KEYS, requestsTo, type SessionResult } from '../helpers/e2e.js';
import { TEST_KEY, useHarness } from '../helpers/harness.js';

const h = useHarness();

const poll = (args: string[], options?: Parameters<typeof h.cli>[1]) => h.cli(['session', 'poll', ...args], options);
const gets = (id: number, requests = h.emulator.requests) => requestsTo(requests, 'GET', `/connect_sessions/${id}`);

describe('session poll: which session', () => {
  test('without an id it polls the latest session created with the active profile', async () => {
    const first = await createSession(h);
    const latest = await createSession(h);
    // Created later, but with another profile: not the active one's.
    await createSession(h, ['--profile', 'other']);
    h.emulator.connect(latest.id);
    h.emulator.clearRequests();
    const result = await poll(['--interval', '100ms', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<SessionResult>(result.stdout).session_id).toBe(latest.id);
    expect(requestsTo(h.emulator.requests, 'GET', /^\/connect_sessions\//).map((r) => r.path)).toEqual([`/connect_sessions/${latest.id}`]);
    expect(first.id).not.toBe(latest.id);
  });

  test('without an id, --profile picks the latest session of that profile', async () => {
    const other = await createSession(h, ['--profile', 'other']);
    await createSession(h);
    h.emulator.connect(other.id);
    h.emulator.clearRequests();
    const result = await poll(['--profile', 'other', '--interval', '100ms', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<SessionResult>(result.stdout).session_id).toBe(other.id);
  });

  test('without an id and no session in the history it exits 2 and sends nothing', async () => {
    const result = await poll(['--interval', '100ms']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/No session to poll/);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('an unknown id exits 1 with "session not found"', async () => {
    const result = await poll(['99999999', '--interval', '100ms']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/Session 99999999 not found/);
    expect(gets(99999999)).toHaveLength(1);
  });

  test('a session created elsewhere (not in the history) is polled by id', async () => {
    const created = await createSession(h);
    h.emulator.connect(created.id);
    const result = await poll([String(created.id), '--interval', '100ms', '--json'], {
      env: { STACKONE_CONFIG_DIR: `${h.configDir}-elsewhere` },
    });
    expect(result.code, result.stderr).toBe(0);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(json.status).toBe('authenticated');
    expect(json.origin_owner_id).toBe('cust-42');
  });

  test('a non-numeric id exits 2 and sends nothing', async () => {
    const result = await poll(['abc']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/Invalid session id "abc"/);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test.each([
    [['--interval', 'fast'], '--interval'],
    [['--interval', '50ms'], '--interval'],
    [['--timeout', 'never'], '--timeout'],
    [['--timeout', '0s'], '--timeout'],
    [['--token', ''], '--token'],
  ])('bad poll flags (%j) exit 2, name the flag, and send nothing', async (args, flag) => {
    const result = await poll(['58210', ...args]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(flag);
    expect(h.emulator.requests).toHaveLength(0);
  });
});

describe('session poll: attempt states', () => {
  test('no attempt, then pending, error and cancelled attempts are reported on stderr while the wait goes on, until authenticated (exit 0)', async () => {
    const { id } = await createSession(h);
    const readings = () => gets(id).filter((r) => r.status === 200).length;
    let seen = 0;
    const result = await h.drive(
      (o) => poll([String(id), '--interval', '100ms', '--json'], o),
      [
        // The first reading sees no attempt: the customer has not opened the link.
        { when: () => (seen = readings()) >= 1, then: () => h.emulator.startAttempt(id, { provider: 'bamboohr' }) },
        {
          when: (err) => /The customer is connecting/.test(err),
          then: () => h.emulator.fail(id, { code: 'invalid_grant', description: 'Bad credentials' }),
        },
        { when: (err) => /The connection attempt failed: invalid_grant \(Bad credentials\)/.test(err), then: () => h.emulator.cancel(id) },
        { when: (err) => /The customer cancelled the connection attempt/.test(err), then: () => h.emulator.connect(id) },
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.fired).toBe(4);
    expect(seen).toBeGreaterThanOrEqual(1);
    const order = [
      'The customer is connecting',
      'The connection attempt failed: invalid_grant (Bad credentials)',
      'The customer cancelled the connection attempt',
    ].map((text) => result.stderr.indexOf(text));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(linesMatching(result.stderr, /still waiting/)).toHaveLength(2);
    // Not a terminal: one line per state change, not one per read.
    expect(linesMatching(result.stderr, /The customer is connecting/)).toHaveLength(1);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(json.status).toBe('authenticated');
    expect(json.attempt).toMatchObject({ status: 'authenticated', account_secure_id: json.account_secure_id });
  });

  test('--fail-fast exits 3 when the attempt ends in error, with the attempt in the JSON', async () => {
    const { id } = await createSession(h);
    h.emulator.fail(id, { code: 'access_denied', description: 'The user denied access' });
    const result = await poll([String(id), '--fail-fast', '--interval', '100ms', '--json']);
    expect(result.code, result.stderr).toBe(3);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(json.status).toBe('error');
    expect(json.account_secure_id).toBeNull();
    expect(json.attempt).toMatchObject({
      status: 'error',
      oauth_error_code: 'access_denied',
      oauth_error_description: 'The user denied access',
    });
    expect(gets(id)).toHaveLength(1);
  });

  test('--fail-fast exits 3 when the customer cancels', async () => {
    const { id } = await createSession(h);
    h.emulator.cancel(id);
    const result = await poll([String(id), '--fail-fast', '--interval', '100ms', '--json']);
    expect(result.code, result.stderr).toBe(3);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('cancelled');
  });

  test('without --fail-fast a failed attempt does not end the wait: --timeout does (exit 8, status error)', async () => {
    const { id } = await createSession(h);
    h.emulator.fail(id);
    const result = await poll([String(id), '--interval', '100ms', '--timeout', '500ms', '--json']);
    expect(result.code, result.stderr).toBe(8);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('error');
    expect(gets(id).length).toBeGreaterThan(1);
    expect(linesMatching(result.stderr, /The connection attempt failed: access_denied/)).toHaveLength(1);
  });

  test('--timeout while pending exits 8, with status pending in the JSON', async () => {
    const { id } = await createSession(h);
    h.emulator.startAttempt(id);
    const result = await poll([String(id), '--interval', '100ms', '--timeout', '500ms', '--json']);
    expect(result.code, result.stderr).toBe(8);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(json.status).toBe('pending');
    expect(json.attempt).toMatchObject({ status: 'pending' });
    expect(result.stderr).toMatch(/Still waiting after --timeout/);
  });

  test('a session from the history ends with exit 5 (status expired) when its --expires-in has passed', async () => {
    const { id } = await createSession(h, ['--expires-in', '2s']);
    const started = h.clock.now();
    const result = await poll([String(id), '--interval', '200ms', '--json']);
    expect(result.code, result.stderr).toBe(5);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('expired');
    expect(h.clock.now() - started).toBe(2000); // the last reading is taken at the expiry itself
    expect(result.stderr).toMatch(/session create/);
  });

  test('a session not in the history has no known expiry: only --timeout ends the wait', async () => {
    const { id } = await createSession(h, ['--expires-in', '1s']);
    const result = await poll([String(id), '--interval', '200ms', '--timeout', '1500ms', '--json'], {
      env: { STACKONE_CONFIG_DIR: `${h.configDir}-elsewhere` },
    });
    expect(result.code, result.stderr).toBe(8);
    expect(result.stderr).toMatch(/expiry unknown/);
  });
});

describe('session poll: output', () => {
  test("--json has exactly the contract's keys, with session_id a number", async () => {
    const created = await createSession(h, ['--provider', 'bamboohr']);
    h.emulator.connect(created.id);
    const result = await poll([String(created.id), '--interval', '100ms', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(Object.keys(json)).toEqual(RESULT_KEYS);
    expect(json).toMatchObject({
      session_id: created.id,
      status: 'authenticated',
      auth_link_url: created.auth_link_url,
      origin_owner_id: 'cust-42',
      origin_owner_name: 'Acme Ltd',
      provider: 'bamboohr',
    });
    expect(typeof json.session_id).toBe('number');
    expect(json.account_secure_id).toMatch(/\S/);
    expect(json.attempt).toMatchObject({ status: 'authenticated', account_secure_id: json.account_secure_id });
  });

  test('--json keeps every key, null when unknown, when the customer has not started', async () => {
    const { id } = await createSession(h);
    const result = await poll([String(id), '--interval', '100ms', '--timeout', '300ms', '--json']);
    expect(result.code, result.stderr).toBe(8);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(Object.keys(json)).toEqual(RESULT_KEYS);
    expect(json).toMatchObject({ session_id: id, status: 'pending', account_secure_id: null, provider: null, attempt: null });
  });

  test('--quiet prints the account id alone once authenticated', async () => {
    const { id } = await createSession(h);
    h.emulator.connect(id);
    const result = await poll([String(id), '--interval', '100ms', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const json = oneJsonLine<SessionResult>((await h.cli(['session', 'status', String(id), '--json'])).stdout);
    expect(result.stdout).toBe(`${json.account_secure_id}\n`);
    expect(result.stderr).toBe('');
  });

  test('--quiet prints nothing when not authenticated', async () => {
    const { id } = await createSession(h);
    const result = await poll([String(id), '--interval', '100ms', '--timeout', '300ms', '--quiet']);
    expect(result.code, result.stderr).toBe(8);
    expect(result.stdout).toBe('');
  });

  test('human output shows the account id and the auth link', async () => {
    const created = await createSession(h);
    h.emulator.connect(created.id);
    const result = await poll([String(created.id), '--interval', '100ms']);
    expect(result.code, result.stderr).toBe(0);
    const [record] = historyOf(h.configDir);
    expect(result.stdout).toContain(record!.account_secure_id as string);
    expect(result.stdout).toContain(created.auth_link_url);
    expect(result.stdout).toMatch(/Acme Ltd \(cust-42\) connected/);
  });

  test('Ctrl-C while waiting exits 130 and says how to resume', async () => {
    const { id } = await createSession(h);
    const result = await h.drive(
      (o) => poll([String(id), '--interval', '100ms', '--json'], o),
      [{ when: (err) => /Waiting for the customer/.test(err) && gets(id).length > 0, then: (child) => child.kill('SIGINT') }],
    );
    expect(result.code, result.stderr).toBe(130);
    expect(result.signal).toBeNull();
    expect(result.stderr).toContain(`Resume with: stackone-connect session poll ${id}`);
    expect(result.stderr).toMatch(/stays open/);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('pending');
  });
});

describe('session poll: failures on the way', () => {
  test('a 429 waits for Retry-After before the next read', async () => {
    const { id } = await createSession(h);
    h.emulator.connect(id);
    h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'status', status: 429, retryAfter: 1 }]);
    const result = await poll([String(id), '--interval', '100ms', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const reads = gets(id);
    expect(reads.map((r) => r.status)).toEqual([429, 200]);
    // Retry-After: 1 s, not the 100 ms interval.
    expect(reads[1]!.at - reads[0]!.at).toBe(1000);
    expect(
      linesMatching(result.stderr, /^! Reading the session failed: 429 Too Many Requests.*\. Retrying in 1s \(failure 1\)\.$/),
    ).toHaveLength(1);
  });

  test.each<[string, Fault]>([
    ['a 500', { kind: 'status', status: 500 }],
    ['a 502 proxy page (HTML)', { kind: 'html', status: 502 }],
    ['a 503', { kind: 'status', status: 503 }],
    ['a 408', { kind: 'status', status: 408 }],
    ['a connection reset', { kind: 'reset' }],
    ['a body that is not JSON', { kind: 'non-json' }],
    ['a truncated answer', { kind: 'truncate' }],
  ])('%s is survived: one stderr line per retry, then the result', async (_what, fault) => {
    const { id } = await createSession(h);
    h.emulator.connect(id);
    h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', times: 2, ...fault }]);
    const result = await poll([String(id), '--interval', '100ms', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(gets(id)).toHaveLength(3);
    expect(linesMatching(result.stderr, /^! .*\. Retrying in .* \(failure \d\)\.$/)).toHaveLength(2);
    expect(linesMatching(result.stderr, /Reading the session again after 2 failed tries/)).toHaveLength(1);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('authenticated');
  });

  test('retries back off, and go back to the interval after a success', async () => {
    const { id } = await createSession(h);
    h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'status', status: 500, times: 3 }]);
    const result = await h.drive(
      (o) => poll([String(id), '--interval', '200ms', '--json'], o),
      [{ when: () => gets(id).length >= 5, then: () => h.emulator.connect(id) }],
    );
    expect(result.code, result.stderr).toBe(0);
    const reads = gets(id);
    expect(reads.slice(0, 4).map((r) => r.status)).toEqual([500, 500, 500, 200]);
    const gaps = reads.slice(1).map((r, i) => r.at - reads[i]!.at);
    // 200 ms, 400 ms, 800 ms (each 75-100 %: 87.5 % with the runs' random() of 0.5), then the interval again.
    expect(gaps.slice(0, 4)).toEqual([175, 350, 700, 200]);
  });

  test('the default interval is 2 s', async () => {
    const { id } = await createSession(h);
    const result = await poll([String(id), '--timeout', '2500ms', '--quiet']);
    expect(result.code, result.stderr).toBe(8);
    // Reads at 0 s, 2 s and the deadline (2.5 s): nowhere near what 100 ms would make.
    const reads = gets(id);
    expect(reads.map((r) => r.at - reads[0]!.at)).toEqual([0, 2000, 2500]);
  });

  test.each([[401], [403]])('a %d while polling exits 4', async (status) => {
    const { id } = await createSession(h);
    h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'status', status }]);
    const result = await poll([String(id), '--interval', '100ms']);
    expect(result.code, result.stderr).toBe(4);
    expect(gets(id)).toHaveLength(1);
  });

  test('a rejected API key exits 4 at the first read', async () => {
    const { id } = await createSession(h);
    const result = await poll([String(id), '--interval', '100ms'], { env: { STACKONE_API_KEY: 'v1.eu1.wrong_key_000000000000' } });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/API key was rejected/);
    expect(result.stderr).not.toContain('v1.eu1.wrong_key_000000000000');
  });
});

describe('session poll: deployments without GET /connect_sessions/{id}', () => {
  let legacy: Emulator;
  beforeAll(async () => {
    legacy = await startEmulator({ apiKey: TEST_KEY, legacy: true, now: h.clock.now });
  });
  afterEach(() => {
    legacy.clearRequests();
    legacy.clearFaults();
  });
  afterAll(async () => {
    await legacy.close();
  });
  const env = () => ({ STACKONE_BASE_URL: legacy.url });
  const authenticates = () => requestsTo(legacy.requests, 'POST', '/connect_sessions/authenticate');

  test('falls back to POST /connect_sessions/authenticate with the token from the history', async () => {
    const created = await createSession(h, [], { env: env() });
    legacy.connect(created.id);
    legacy.clearRequests();
    const result = await poll([String(created.id), '--interval', '100ms', '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(legacy.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /connect_sessions/${created.id}`,
      'POST /connect_sessions/authenticate',
      // The customer picked the provider in the hub: the linked account says which.
      `GET /accounts/${json.account_secure_id}`,
    ]);
    expect(json.provider).toBe('BambooHR');
    expect(legacy.requests[0]!.status).toBe(404);
    expect(authenticates()[0]!.body).toStrictEqual({ token: created.token });
    expect(result.stderr).toMatch(/polling with the session token instead/);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('authenticated');
  });

  test('after the fallback every read uses the token: GET is tried once per run', async () => {
    const created = await createSession(h, [], { env: env() });
    legacy.clearRequests();
    const result = await h.drive(
      (o) => poll([String(created.id), '--interval', '100ms', '--json'], { ...o, env: env() }),
      [{ when: () => authenticates().length >= 3, then: () => legacy.connect(created.id) }],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(gets(created.id, legacy.requests)).toHaveLength(1);
    expect(authenticates().length).toBeGreaterThanOrEqual(4);
    expect(authenticates().every((r) => (r.body as { token: string }).token === created.token)).toBe(true);
  });

  test('--token polls a session that is not in the history', async () => {
    const created = await createSession(h, [], { env: env() });
    legacy.connect(created.id);
    legacy.clearRequests();
    const result = await poll([String(created.id), '--token', created.token, '--interval', '100ms', '--json'], {
      env: { ...env(), STACKONE_CONFIG_DIR: `${h.configDir}-elsewhere` },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(authenticates()[0]!.body).toStrictEqual({ token: created.token });
    expect(result.stderr).toMatch(/--token is visible/);
    expect(oneJsonLine<SessionResult>(result.stdout).session_id).toBe(created.id);
  });

  test('without a token (not in the history, no --token) it exits 1 and does not try the fallback', async () => {
    const created = await createSession(h, [], { env: env() });
    legacy.clearRequests();
    const result = await poll([String(created.id), '--interval', '100ms'], {
      env: { ...env(), STACKONE_CONFIG_DIR: `${h.configDir}-elsewhere` },
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/not found/);
    expect(authenticates()).toHaveLength(0);
  });

  test('the session expiring while polling by token ends with exit 5, not an authentication error', async () => {
    const created = await createSession(h, ['--expires-in', '1s'], { env: env() });
    const result = await poll([String(created.id), '--interval', '100ms', '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(5);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('expired');
  });

  test('a wrong --token is an error (exit 1) that says the token was refused, not an expiry', async () => {
    const created = await createSession(h, [], { env: env() });
    const result = await poll([String(created.id), '--token', 'not-the-token', '--interval', '100ms', '--json'], {
      env: { ...env(), STACKONE_CONFIG_DIR: `${h.configDir}-elsewhere` },
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/refused the token of session \d+ \(401\)/);
    expect(result.stdout).toBe('');
  });

  test('session status of an expired session whose token is refused exits 5', async () => {
    const created = await createSession(h, ['--expires-in', '1s'], { env: env() });
    h.clock.advance(1000);
    const result = await h.cli(['session', 'status', String(created.id), '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(5);
    expect(oneJsonLine<SessionResult>(result.stdout)).toMatchObject({ session_id: created.id, status: 'expired' });
  });

  test('session status falls back to the token too', async () => {
    const created = await createSession(h, [], { env: env() });
    legacy.connect(created.id);
    legacy.clearRequests();
    const result = await h.cli(['session', 'status', String(created.id), '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(authenticates()).toHaveLength(1);
  });
});
