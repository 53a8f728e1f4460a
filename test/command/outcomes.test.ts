import { describe, expect, test } from 'vitest';
import { createSession, OWNER, oneJsonLine, requestsTo, type SessionResult } from '../helpers/e2e.js';
import { useHarness } from '../helpers/harness.js';
import { closedPort } from '../helpers/network.js';

// What each kind of user is told: what really happened, and the next step as they would type it.
const h = useHarness();

describe('nothing sent is said to be nothing sent (10.1)', () => {
  test('a TLS handshake that fails (an http server behind an https URL): no session, safe to run again', async () => {
    const https = h.emulator.url.replace('http://', 'https://');
    const result = await h.cli(['session', 'create', ...OWNER], { env: { STACKONE_BASE_URL: https } });
    expect(result.code).toBe(1);
    // Tried again a few times (nothing can have been created), then said plainly.
    expect(
      result.stderr.match(
        /^! Create request not sent \(Could not reach 127\.0\.0\.1:\d+: the TLS handshake failed.*\); sending it again in/gm,
      ),
    ).toHaveLength(3);
    expect(result.stderr).toMatch(
      /✗ Could not reach 127\.0\.0\.1:\d+: the TLS handshake failed \(is it an https:\/\/ server\?\)\. Nothing was sent: no session was created\.\n {2}Check your network, proxy and --base-url \/ STACKONE_BASE_URL; running the command again is safe\.\n$/,
    );
    expect(result.stderr).not.toMatch(/may or may not exist|dashboard/);
    expect(h.createBodies()).toEqual([]);
  });

  test('a host name that does not resolve', async () => {
    const result = await h.cli(['session', 'create', ...OWNER], { env: { STACKONE_BASE_URL: 'https://stackone-connect-test.invalid' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Could not reach stackone-connect-test\.invalid: the host name could not be resolved.*\. Nothing was sent: no session was created\./,
    );
  });

  test('interactive mode checks the API before the first question: offline, nothing is asked', async () => {
    const https = h.emulator.url.replace('http://', 'https://');
    const result = await h.cli(['session', 'create'], { tty: true, env: { STACKONE_BASE_URL: https }, answers: [] });
    expect(result.code).toBe(1);
    expect(result.ask?.asked).toEqual([]);
    expect(result.stderr).toMatch(/the TLS handshake failed/);
  });
});

describe('--quiet trims stdout only: a non-zero exit always says why on stderr (10.2)', () => {
  test('exit 3: the OAuth error', async () => {
    const { id } = await createSession(h);
    h.emulator.fail(id, { code: 'access_denied', description: 'The user denied access' });
    const result = await h.cli(['session', 'poll', String(id), '--fail-fast', '--quiet']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `✗ The connection attempt failed: access_denied (The user denied access) (--fail-fast). The link still works: resume with stackone-connect session poll ${id}\n`,
    );
  });

  test('exit 3 from session status, which has no --fail-fast to name', async () => {
    const { id } = await createSession(h);
    h.emulator.fail(id, { code: 'access_denied', description: 'The user denied access' });
    const result = await h.cli(['session', 'status', String(id), '--quiet']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `✗ The connection attempt failed: access_denied (The user denied access). The link still works: resume with stackone-connect session poll ${id}\n`,
    );
  });

  test('exit 5: the expiry', async () => {
    const { id } = await createSession(h, ['--expires-in', '60']);
    const result = await h.cli(['session', 'poll', String(id), '--quiet']);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `✗ Session ${id} expired before Acme Ltd connected. Create a new session: stackone-connect session create\n`,
    );
  });

  test('exit 8: the timeout; and session status of a session not connected yet', async () => {
    const { id } = await createSession(h);
    const result = await h.cli(['session', 'poll', String(id), '--timeout', '10s', '--quiet']);
    expect(result.code).toBe(8);
    expect(result.stderr).toBe(
      `✗ Still waiting after --timeout 10s: Acme Ltd has not connected yet. Resume with: stackone-connect session poll ${id}\n`,
    );
    const status = await h.cli(['session', 'status', String(id), '--quiet']);
    expect(status.code).toBe(8);
    expect(status.stderr).toBe(`✗ Session ${id} is not connected yet.\n`);
  });
});

describe('the connected provider is named (10.3)', () => {
  test('picked by the customer in the hub: the linked account names it, in the terminal, the JSON and the history', async () => {
    const { id } = await createSession(h);
    h.emulator.connect(id, { provider: 'hibob' });
    const human = await h.cli(['session', 'poll', String(id)]);
    expect(human.stdout).toMatch(/^✓ Acme Ltd \(cust-42\) connected HiBob\.$/m);
    const json = oneJsonLine<SessionResult>((await h.cli(['session', 'status', String(id), '--json'])).stdout);
    expect(json.provider).toBe('HiBob');
    const listed = oneJsonLine<{ provider: string }[]>((await h.cli(['session', 'list', '--json'])).stdout);
    expect(listed[0]!.provider).toBe('HiBob');
  });
});

describe('a wait that can never succeed ends (10.4)', () => {
  test('an address that never answered: exit 1 after three tries (not a wait for ever)', async () => {
    const port = await closedPort();
    const result = await h.cli(['session', 'poll', '4242'], { env: { STACKONE_BASE_URL: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `✗ Could not reach 127.0.0.1:${port}: connection refused (3 tries, no answer since the wait began).\n  Check --base-url`,
    );
  });

  test('an API that answered once and then fails is an outage: the wait goes on through it', async () => {
    const { id } = await createSession(h);
    const reads = () => requestsTo(h.emulator.requests, 'GET', `/connect_sessions/${id}`);
    const result = await h.drive(
      (o) => h.cli(['session', 'poll', String(id), '--json'], o),
      [
        {
          when: () => reads().length === 1,
          then: () => h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'reset', times: 5 }]),
        },
        { when: (err) => /Reading the session again after 5 failed tries/.test(err), then: () => void h.emulator.connect(id) },
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(reads().map((r) => r.status)).toEqual([200, 0, 0, 0, 0, 0, 200, 200]); // pending, five resets, pending, connected
  });

  test('interrupted before the API ever answered: the note does not claim the link was not used', async () => {
    const result = await h.drive(
      (o) => h.cli(['session', 'poll', '4242'], o),
      [{ when: (err) => /Retrying in/.test(err), then: (run) => run.kill('SIGINT') }],
      { env: { STACKONE_BASE_URL: `http://127.0.0.1:${await closedPort()}` } },
    );
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('✗ Stopped waiting. Session 4242 stays open (the API did not answer during this wait).');
    expect(result.stderr).not.toMatch(/has not been used/);
    expect(result.stderr.match(/Resume with/g)).toHaveLength(1);
  });
});

describe('interactive mode with a rejected key (10.5)', () => {
  test('ends at once, before any question, with exit 4 and the usual hint', async () => {
    h.emulator.injectFaults([{ path: '/connectors/meta', kind: 'status', status: 401 }]);
    const result = await h.cli(['session', 'create'], { tty: true, answers: [] });
    expect(result.code).toBe(4);
    expect(result.ask?.asked).toEqual([]);
    expect(result.stderr).toMatch(/The API key was rejected \(401 Unauthorized\)[\s\S]*auth login/);
    expect(h.createBodies()).toEqual([]);
  });
});

describe('hints as the user runs the CLI (10.6)', () => {
  test('under npx, the resume hint is an npx command', async () => {
    const result = await h.cli(['session', 'create', ...OWNER], { env: { npm_command: 'exec' } });
    expect(result.stdout).toMatch(/Wait\s+npx stackone-connect session poll \d+/);
  });

  test.each([
    ['session poll with nothing to poll', ['session', 'poll']],
    ['session create without its owner', ['session', 'create', '--no-input']],
    ['an id that is not one', ['session', 'status', 'abc']],
    ['a bad emulator flag', ['emulator', '--port', 'x']],
    ['no key at all', ['session', 'create', ...OWNER, '--profile', 'nobody']],
    ['the key as a flag', ['session', 'create', ...OWNER, '--api-key', 'v1.eu1.bad-key-0000000000000000']],
  ])('under npx, %s names npx commands only', async (_case, args) => {
    const result = await h.cli(args, { env: { npm_command: 'exec', STACKONE_API_KEY: undefined } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/npx stackone-connect (session|auth|emulator)/);
    expect(result.stderr).not.toMatch(/(?<!npx )stackone-connect (session|auth|emulator|demo|completion)/);
  });

  test('the demo suggests no resuming against an emulator that is gone when it exits', async () => {
    const result = await h.cli(['demo', '--after', '1s']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/session poll|Resume|Wait\s/);
  });
});

describe('durations and provider keys as people write them (10.10)', () => {
  test('1h30m, a bare 30 that warns it means seconds, and --provider BambooHR sent as bamboohr', async () => {
    expect((await h.cli(['session', 'create', ...OWNER, '--expires-in', '1h30m', '--quiet'])).code).toBe(0);
    const short = await h.cli(['session', 'create', ...OWNER, '--expires-in', '30', '--quiet']);
    expect(short.stderr).toBe('! --expires-in 30 means 30 seconds: the link expires almost at once. Write 30m for minutes.\n');
    expect((await h.cli(['session', 'create', ...OWNER, '--provider', 'BambooHR', '--quiet'])).code).toBe(0);
    expect(h.createBodies()).toEqual([
      { ...OWNER_BODY_OF(), expires_in: 5400 },
      { ...OWNER_BODY_OF(), expires_in: 30 },
      { ...OWNER_BODY_OF(), provider: 'bamboohr' },
    ]);
  });
});

describe('wording (10.12)', () => {
  test('Ctrl-C while waiting: no "Waiting for..." block on stdout, the resume command once', async () => {
    const { id } = await createSession(h);
    const result = await h.drive(
      (o) => h.cli(['session', 'poll', String(id)], o),
      [{ when: () => requestsTo(h.emulator.requests, 'GET', `/connect_sessions/${id}`).length > 0, then: (run) => run.kill('SIGINT') }],
    );
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr.match(/session poll/g)).toHaveLength(1);
  });

  test('session status (one look) does not say it is waiting', async () => {
    const { id } = await createSession(h);
    const result = await h.cli(['session', 'status', String(id)]);
    expect(result.stdout).toMatch(/^› Acme Ltd \(cust-42\) has not connected yet: the link has not been used yet\.$/m);
    expect(result.stdout).not.toContain('Waiting');
  });

  test('a retry says what failed once, without a stutter', async () => {
    const { id } = await createSession(h);
    h.emulator.connect(id);
    h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'status', status: 503 }]);
    const result = await h.cli(['session', 'poll', String(id), '--quiet']);
    expect(result.stderr).toMatch(/^! Reading the session failed: 503 Service Unavailable\. Retrying in \d+(ms|\.\ds|s) \(failure 1\)\.$/m);
    expect(result.stderr).not.toMatch(/Could not read the session/);
  });
});

function OWNER_BODY_OF() {
  return { origin_owner_id: 'cust-42', origin_owner_name: 'Acme Ltd' };
}
