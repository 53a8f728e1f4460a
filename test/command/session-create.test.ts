import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import {
  type Created,
  historyOf,
  linesMatching,
  OWNER,
  OWNER_BODY,
  oneJsonLine,
  RESULT_KEYS,
  requestsTo,
  type SessionResult,
  waitingSessionId,
} from '../helpers/e2e.js';
import { TEST_KEY, useHarness } from '../helpers/harness.js';
import { closedPort } from '../helpers/network.js';

const h = useHarness();

const create = (args: string[], options?: Parameters<typeof h.cli>[1]) => h.cli(['session', 'create', ...args], options);

/** GET /connect_sessions/{id} straight from the emulator, as the API serves it. */
async function apiSession(id: number): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.emulator.url}/connect_sessions/${id}`, {
    headers: { authorization: `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`, 'user-agent': 'e2e-test' },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('session create: flags become body fields', () => {
  test('every flag of the contract is sent as its body field, and nothing else', async () => {
    const result = await create([
      ...OWNER,
      '--categories',
      'hris,ats',
      '--provider',
      'bamboohr',
      '--provider-version',
      '1.2',
      '--origin-username',
      'jane@acme.test',
      '--account-id',
      'acc_123',
      '--expires-in',
      '3600',
      '--metadata',
      '{"crm_id":"42","plan":{"tier":"gold","seats":[1,2]}}',
      '--multiple',
      '--label',
      'Main HR',
      '--type',
      'test',
      '--integration-id',
      'int_9',
      '--connector-profile-id',
      'cp_7',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([
      {
        ...OWNER_BODY,
        categories: ['hris', 'ats'],
        provider: 'bamboohr',
        provider_version: '1.2',
        origin_username: 'jane@acme.test',
        account_id: 'acc_123',
        expires_in: 3600,
        metadata: { crm_id: '42', plan: { tier: 'gold', seats: [1, 2] } },
        multiple: true,
        label: 'Main HR',
        type: 'test',
        integration_id: 'int_9',
        connector_profile_id: 'cp_7',
      },
    ]);
  });

  test('with only the required flags the body has only the two owner fields: no nulls, no defaults', async () => {
    const result = await create(OWNER);
    expect(result.code, result.stderr).toBe(0);
    const [request] = requestsTo(h.emulator.requests, 'POST', '/connect_sessions');
    expect(request!.body).toStrictEqual(OWNER_BODY);
    expect(request!.rawBody).not.toContain('null');
    expect(request!.headers['content-type']).toMatch(/^application\/json/);
  });

  test.each([
    ['--provider', 'bamboohr', 'provider', 'bamboohr'],
    ['--provider-version', '2', 'provider_version', '2'],
    ['--origin-username', 'jane', 'origin_username', 'jane'],
    ['--account-id', 'acc_1', 'account_id', 'acc_1'],
    ['--label', 'HR', 'label', 'HR'],
    ['--integration-id', 'int_1', 'integration_id', 'int_1'],
    ['--connector-profile-id', 'cp_1', 'connector_profile_id', 'cp_1'],
    ['--type', 'production', 'type', 'production'],
    ['--expires-in', '600', 'expires_in', 600],
    ['--categories', 'crm', 'categories', ['crm']],
    ['--metadata', '{"k":"v"}', 'metadata', { k: 'v' }],
  ])('%s alone adds exactly its own field (%s)', async (flag, value, field, expected) => {
    const result = await create([...OWNER, flag, value]);
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, [field]: expected }]);
  });

  test('--multiple sends multiple: true, and its absence sends no multiple field', async () => {
    expect((await create([...OWNER, '--multiple'])).code).toBe(0);
    expect((await create(OWNER)).code).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, multiple: true }, OWNER_BODY]);
  });

  test('owner values are sent trimmed', async () => {
    expect((await create(['--origin-owner-id', '  cust-42 ', '--origin-owner-name', ' Acme Ltd  '])).code).toBe(0);
    expect(h.createBodies()).toStrictEqual([OWNER_BODY]);
  });
});

describe('session create: categories', () => {
  test('categories may be comma-separated and repeated, in any case; camel-case aliases are sent in API spelling', async () => {
    const result = await create([...OWNER, '--categories', 'HRIS, Ats', '--categories', 'hrisLegacy', '--categories', 'stackOne,CRM']);
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, categories: ['hris', 'ats', 'hris-legacy', 'stackone', 'crm'] }]);
  });

  test('every category of the API enum is accepted and sent as given', async () => {
    const all = [
      'ats',
      'hris',
      'hris-legacy',
      'crm',
      'iam',
      'marketing',
      'lms',
      'stackone',
      'documents',
      'ticketing',
      'screening',
      'messaging',
      'accounting',
      'scheduling',
    ];
    const result = await create([...OWNER, '--categories', all.join(',')]);
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, categories: all }]);
  });
});

describe('session create: --expires-in', () => {
  test.each([
    ['3600', 3600],
    ['90s', 90],
    ['30m', 1800],
    ['12h', 43_200],
    ['7d', 604_800],
  ])('--expires-in %s is sent as expires_in %d (a number of seconds)', async (value, seconds) => {
    const result = await create([...OWNER, '--expires-in', value]);
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, expires_in: seconds }]);
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')[0]!.rawBody).toContain(`"expires_in":${seconds}`);
  });

  test('the history file is private (0600) in a private directory (0700)', async () => {
    expect((await create([...OWNER, '--quiet'])).code).toBe(0);
    expect(statSync(h.configDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(h.configDir, 'sessions.jsonl')).mode & 0o777).toBe(0o600);
  });

  test('the expiry shown and remembered is created + expires_in (12h), or 1800 s when none was sent', async () => {
    const before = h.clock.now();
    const long = await create([...OWNER, '--expires-in', '12h']);
    const short = await create(OWNER);
    expect(long.code).toBe(0);
    expect(long.stdout).toMatch(/Expires\s+in 12h 00m/);
    expect(short.stdout).toMatch(/Expires\s+in 30m 00s/);
    const [first, second] = historyOf(h.configDir);
    expect(Date.parse(first!.expires_at as string) - before).toBe(43_200_000);
    expect(Date.parse(second!.expires_at as string) - Date.parse(second!.created_at as string)).toBe(1_800_000);
  });
});

describe('session create: --metadata', () => {
  test('--metadata takes a JSON object inline', async () => {
    expect((await create([...OWNER, '--metadata', '{"crm_id":"42","n":1,"ok":true}'])).code).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, metadata: { crm_id: '42', n: 1, ok: true } }]);
  });

  test('--metadata @file.json reads the object from a file', async () => {
    const file = join(dirname(h.configDir), 'meta.json');
    writeFileSync(file, '{\n  "crm_id": "from-file",\n  "tags": ["a", "b"]\n}\n');
    const result = await create([...OWNER, '--metadata', `@${file}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, metadata: { crm_id: 'from-file', tags: ['a', 'b'] } }]);
  });

  test('--metadata @- reads the object from stdin', async () => {
    const result = await create([...OWNER, '--metadata', '@-'], { input: '{"crm_id":"from-stdin"}\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, metadata: { crm_id: 'from-stdin' } }]);
  });

  test.each([
    ['invalid JSON', ['--metadata', '{crm_id: 42}'], undefined],
    ['a JSON array', ['--metadata', '[1,2]'], undefined],
    ['a JSON string', ['--metadata', '"text"'], undefined],
    ['a JSON number', ['--metadata', '42'], undefined],
    ['JSON null', ['--metadata', 'null'], undefined],
    ['an empty value', ['--metadata', ''], undefined],
    ['a missing file', ['--metadata', '@/nonexistent/dir/meta.json'], undefined],
    ['"@" without a file name', ['--metadata', '@'], undefined],
    ['stdin that is not JSON', ['--metadata', '@-'], 'not json'],
    ['stdin holding an array', ['--metadata', '@-'], '["a"]'],
    ['empty stdin', ['--metadata', '@-'], ''],
  ])('--metadata given %s exits 2 naming --metadata and sends nothing', async (_what, args, input) => {
    const result = await create([...OWNER, ...args], input === undefined ? {} : { input });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--metadata');
    expect(result.stdout).toBe('');
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')).toHaveLength(0);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('a --metadata file holding an array exits 2 and sends nothing', async () => {
    const file = join(dirname(h.configDir), 'array.json');
    writeFileSync(file, '[{"a":1}]');
    const result = await create([...OWNER, '--metadata', `@${file}`]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/--metadata.*must be a JSON object/);
    expect(h.emulator.requests).toHaveLength(0);
  });
});

describe('session create: --type and --provider-version', () => {
  test.each([
    ['TEST', 'test'],
    ['Production', 'production'],
  ])('--type %s is sent lower-case as %s', async (value, sent) => {
    expect((await create([...OWNER, '--type', value])).code).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, type: sent }]);
  });

  test('--provider-version is sent, with a deprecation warning on stderr (not stdout)', async () => {
    const result = await create([...OWNER, '--provider-version', '3', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(h.createBodies()).toStrictEqual([{ ...OWNER_BODY, provider_version: '3' }]);
    expect(result.stderr).toMatch(/--provider-version.*deprecated/);
    expect(result.stdout).not.toMatch(/deprecated/);
  });

  test('no deprecation warning without --provider-version', async () => {
    const result = await create(OWNER);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/deprecated/);
  });
});

describe('session create: bad input exits 2, names the flag and the accepted values, and sends nothing', () => {
  test.each([
    [
      'an unknown category',
      ['--categories', 'hris,payroll'],
      '--categories',
      /ats, hris, hris-legacy, crm, iam, marketing, lms, stackone, documents, ticketing, screening, messaging, accounting, scheduling/,
    ],
    ['an empty category list', ['--categories', ','], '--categories', /ats, hris/],
    ['a type that is not production or test', ['--type', 'staging'], '--type', /production, test/],
    ['expires-in of zero', ['--expires-in', '0'], '--expires-in', /90s, 30m, 12h, 7d/],
    ['a negative expires-in', ['--expires-in=-5'], '--expires-in', /90s, 30m, 12h, 7d/],
    ['a fractional expires-in', ['--expires-in', '1.5s'], '--expires-in', /90s, 30m, 12h, 7d/],
    ['an expires-in under a second', ['--expires-in', '500ms'], '--expires-in', /90s, 30m, 12h, 7d/],
    ['an expires-in that is not a duration', ['--expires-in', 'tomorrow'], '--expires-in', /90s, 30m, 12h, 7d/],
    ['an unknown duration unit', ['--expires-in', '2w'], '--expires-in', /90s, 30m, 12h, 7d/],
    ['an empty provider', ['--provider', ''], '--provider', /must not be empty/],
    ['an empty label', ['--label', '  '], '--label', /must not be empty/],
    ['an --interval that is not a duration', ['--wait', '--interval', 'often'], '--interval', /2s|500ms/],
    ['an --interval below 100ms', ['--wait', '--interval', '10ms'], '--interval', /100ms/],
    ['a --timeout that is not a duration', ['--wait', '--timeout', 'soon'], '--timeout', /90s|10m/],
    ['a zero --timeout', ['--wait', '--timeout', '0'], '--timeout', /90s|10m/],
  ])('%s', async (_what, args, flag, accepted) => {
    const result = await create([...OWNER, ...args]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(flag);
    expect(result.stderr).toMatch(accepted);
    expect(result.stdout).toBe('');
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('both missing required flags are listed in one error, and nothing is sent', async () => {
    const result = await create(['--provider', 'bamboohr']);
    expect(result.code, result.stderr).toBe(2);
    const errors = linesMatching(result.stderr, /Missing required/);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('--origin-owner-id');
    expect(errors[0]).toContain('--origin-owner-name');
    expect(h.emulator.requests).toHaveLength(0);
  });

  test.each([
    [['--origin-owner-id', 'cust-42'], '--origin-owner-name', '--origin-owner-id'],
    [['--origin-owner-name', 'Acme'], '--origin-owner-id', '--origin-owner-name'],
    [['--origin-owner-id', '  ', '--origin-owner-name', 'Acme'], '--origin-owner-id', '--origin-owner-name'],
  ])('a missing or blank required value (%j) is named alone, and nothing is sent', async (args, named, notNamed) => {
    const result = await create(args);
    expect(result.code, result.stderr).toBe(2);
    const [error] = linesMatching(result.stderr, /Missing required/);
    expect(error).toContain(named);
    expect(error).not.toContain(notNamed);
    expect(h.emulator.requests).toHaveLength(0);
  });
});

describe('session create: output', () => {
  test('human output shows the auth link, the session id, the expiry and the command to poll it', async () => {
    const before = h.clock.now();
    const result = await create([...OWNER, '--expires-in', '1h']);
    expect(result.code, result.stderr).toBe(0);
    const [record] = historyOf(h.configDir);
    const id = record!.session_id as number;
    const link = record!.auth_link_url as string;
    expect(link.startsWith(`${h.emulator.url}/hub?token=`)).toBe(true);
    expect(result.stdout).toContain(link);
    expect(result.stdout).toMatch(new RegExp(`Session\\s+${id}\\b`));
    expect(result.stdout).toContain(`stackone-connect session poll ${id}`);
    const expiry = /Expires\s+in 1h 00m \((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\)/.exec(result.stdout);
    expect(expiry, result.stdout).not.toBeNull();
    expect(Date.parse(expiry![1]!)).toBe(before + 3_600_000);
    expect(result.stdout).toContain('Acme Ltd');
  });

  test("--json prints the API's 201 body unchanged on one line, and nothing else on stdout", async () => {
    const result = await create([...OWNER, '--provider', 'bamboohr', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const created = oneJsonLine<Created>(result.stdout);
    expect(result.stdout).toBe(`${JSON.stringify(created)}\n`);
    const { token, auth_link_url: link, ...rest } = created;
    // Everything the API serves about the session, unknown fields (external_trigger_token) included.
    expect(rest).toStrictEqual(await apiSession(created.id));
    expect(rest).toHaveProperty('external_trigger_token');
    expect(typeof created.id).toBe('number');
    const [record] = historyOf(h.configDir);
    expect(record).toMatchObject({ session_id: created.id, token, auth_link_url: link });
  });

  test('--quiet prints the auth link alone', async () => {
    const result = await create([...OWNER, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const [record] = historyOf(h.configDir);
    expect(result.stdout).toBe(`${record!.auth_link_url as string}\n`);
    expect(result.stderr).toBe('');
  });

  test('-q is --quiet', async () => {
    const result = await create([...OWNER, '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hub\?token=\S+\n$/);
  });

  test('--open, --copy and --qr without a terminal still print the link, warn, and exit 0', async () => {
    const result = await create([...OWNER, '--open', '--copy', '--qr']);
    expect(result.code, result.stderr).toBe(0);
    const [record] = historyOf(h.configDir);
    expect(result.stdout).toContain(record!.auth_link_url as string);
    expect(result.stderr).toMatch(/--open, --copy and --qr work only in a terminal/);
    expect(h.createBodies()).toStrictEqual([OWNER_BODY]);
  });

  test.each([['--open'], ['--copy'], ['--qr']])('%s alone without a terminal: link printed, a warning, exit 0', async (flag) => {
    const result = await create([...OWNER, flag, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\/hub\?token=/);
    expect(result.stderr).toMatch(/work only in a terminal/);
  });
});

describe('session create --wait', () => {
  test('--wait polls the new session until the customer connects, then prints the poll result (--json: only that)', async () => {
    let id: number | undefined;
    const result = await h.drive(
      (o) => create([...OWNER, '--wait', '--interval', '100ms', '--json'], o),
      [
        {
          when: (err) =>
            (id = waitingSessionId(err)) !== undefined && requestsTo(h.emulator.requests, 'GET', `/connect_sessions/${id}`).length > 0,
          then: () => h.emulator.connect(id!, { provider: 'bamboohr' }),
        },
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.fired).toBe(1);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(Object.keys(json)).toEqual(RESULT_KEYS);
    expect(json).toMatchObject({ session_id: id, status: 'authenticated', origin_owner_id: 'cust-42', origin_owner_name: 'Acme Ltd' });
    expect(json.account_secure_id).toEqual(expect.any(String));
    expect(json.auth_link_url).toContain('/hub?token=');
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')).toHaveLength(1);
  });

  test('--wait in human mode prints the link first, then the account id once connected', async () => {
    let id: number | undefined;
    const result = await h.drive(
      (o) => create([...OWNER, '--wait', '--interval', '100ms'], o),
      [{ when: (err) => (id = waitingSessionId(err)) !== undefined, then: () => h.emulator.connect(id!) }],
    );
    expect(result.code, result.stderr).toBe(0);
    const [record] = historyOf(h.configDir);
    const linkAt = result.stdout.indexOf(record!.auth_link_url as string);
    const accountAt = result.stdout.indexOf(record!.account_secure_id as string);
    expect(linkAt).toBeGreaterThanOrEqual(0);
    expect(accountAt).toBeGreaterThan(linkAt);
    expect(result.stdout).toMatch(/connected/);
    expect(record!.status).toBe('authenticated');
  });

  test('--wait --timeout ends with exit 8 and status pending while the customer has not connected', async () => {
    const result = await create([...OWNER, '--wait', '--interval', '100ms', '--timeout', '600ms', '--json']);
    expect(result.code, result.stderr).toBe(8);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(json.status).toBe('pending');
    expect(json.account_secure_id).toBeNull();
    expect(requestsTo(h.emulator.requests, 'GET', /^\/connect_sessions\/\d+$/).length).toBeGreaterThanOrEqual(2);
  });

  test('--wait --interval sets the time between two checks', async () => {
    const result = await create([...OWNER, '--wait', '--interval', '300ms', '--timeout', '1500ms', '--quiet']);
    expect(result.code, result.stderr).toBe(8);
    const gets = requestsTo(h.emulator.requests, 'GET', /^\/connect_sessions\/\d+$/);
    // About 1.5 s / 300 ms = 5 intervals: far fewer than a 100 ms interval would make, more than one.
    expect(gets.length).toBeGreaterThanOrEqual(3);
    expect(gets.length).toBeLessThanOrEqual(8);
    const gaps = gets.slice(1).map((g, i) => g.at - gets[i]!.at);
    expect(Math.min(...gaps.slice(0, -1))).toBeGreaterThanOrEqual(250);
  });

  test('--wait --fail-fast exits 3 at the first failed attempt, with the attempt in the JSON', async () => {
    let id: number | undefined;
    const result = await h.drive(
      (o) => create([...OWNER, '--wait', '--fail-fast', '--interval', '100ms', '--timeout', '10s', '--json'], o),
      [
        {
          when: (err) => (id = waitingSessionId(err)) !== undefined,
          then: () => h.emulator.fail(id!, { code: 'access_denied', description: 'The user denied access' }),
        },
      ],
    );
    expect(result.code, result.stderr).toBe(3);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(json.status).toBe('error');
    expect(json.attempt).toMatchObject({
      status: 'error',
      oauth_error_code: 'access_denied',
      oauth_error_description: 'The user denied access',
    });
    expect(result.stderr).toMatch(/access_denied/);
  });

  test('Ctrl-C during --wait exits 130: the session stays open and the resume command is shown', async () => {
    let id: number | undefined;
    const result = await h.drive(
      (o) => create([...OWNER, '--wait', '--interval', '100ms'], o),
      [
        {
          when: (err) =>
            (id = waitingSessionId(err)) !== undefined && requestsTo(h.emulator.requests, 'GET', `/connect_sessions/${id}`).length > 0,
          then: (child) => child.kill('SIGINT'),
        },
      ],
    );
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain(`Resume with: stackone-connect session poll ${id}`);
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')).toHaveLength(1);
    expect(historyOf(h.configDir)[0]).toMatchObject({ session_id: id, status: 'pending' });
  });

  test('--wait with --expires-in ends with exit 5 when the session expires first', async () => {
    const result = await create([...OWNER, '--expires-in', '1', '--wait', '--interval', '200ms', '--json']);
    expect(result.code, result.stderr).toBe(5);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('expired');
  });
});

describe('session create: retries never create two sessions', () => {
  test('a 5xx answer is not retried: one POST, exit 1, and a warning that a session may exist', async () => {
    h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 503 }]);
    const result = await create([...OWNER, '--json']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/may or may not exist/);
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')).toHaveLength(1);
  });

  test.each([['reset'], ['truncate'], ['non-json'], ['html']] as const)(
    'a %s answer to the create is not retried: one POST, exit 1',
    async (kind) => {
      h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind }]);
      const result = await create(OWNER);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/may or may not exist/);
      expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')).toHaveLength(1);
    },
  );

  test('a 429 is retried after Retry-After, and the second answer is used', async () => {
    h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 429, retryAfter: 1 }]);
    const result = await create([...OWNER, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const posts = requestsTo(h.emulator.requests, 'POST', '/connect_sessions');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(linesMatching(result.stderr, /rate limited \(429\)/)).toHaveLength(1);
    expect(oneJsonLine<Created>(result.stdout).id).toEqual(expect.any(Number));
  });

  test('a 429 is retried at most 5 times: then exit 1', async () => {
    h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 429, retryAfter: 0, times: 10 }]);
    const result = await create(OWNER);
    expect(result.code, result.stderr).toBe(1);
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')).toHaveLength(6);
    expect(linesMatching(result.stderr, /rate limited \(429\)/)).toHaveLength(5);
    expect(result.stderr).toMatch(/429/);
  });

  test('a 401 on create exits 4 and is not retried', async () => {
    h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 401 }]);
    const result = await create(OWNER);
    expect(result.code, result.stderr).toBe(4);
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')).toHaveLength(1);
  });

  describe('a refused connection', () => {
    let late: Emulator | undefined;
    afterEach(async () => {
      await late?.close();
      late = undefined;
    });

    test('a refused connection is retried (nothing can have been created), then the session is created once', async () => {
      const port = await closedPort();
      let starting: Promise<Emulator> | undefined;
      // The API comes up only once the first attempt has been refused, before the retry.
      const result = await h.drive(
        (o) => h.cli(['session', 'create', ...OWNER, '--json'], { ...o, env: { STACKONE_BASE_URL: `http://127.0.0.1:${port}` } }),
        [
          {
            when: (err) => /connection refused/.test(err),
            then: () => void (starting = startEmulator({ port, apiKey: TEST_KEY, now: h.clock.now })),
          },
        ],
      );
      late = await starting;
      expect(result.code, result.stderr).toBe(0);
      expect(
        linesMatching(result.stderr, /Create request not sent \(Could not reach 127\.0\.0\.1:\d+: connection refused\); sending it again/),
      ).toHaveLength(1);
      expect(requestsTo(late!.requests, 'POST', '/connect_sessions')).toHaveLength(1);
    });
  });
});
