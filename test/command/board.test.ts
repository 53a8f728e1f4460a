import { writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { campaign, customersCsv, screenOf, workDir, writeInput } from '../helpers/campaign.js';
import { type Created, createSession, linesMatching, oneJsonLine, RESULT_KEYS, requestsTo, type SessionResult } from '../helpers/e2e.js';
import { useHarness } from '../helpers/harness.js';

// A `delay` fault makes a read take that long on the fake clock.
const h = useHarness({ sleep: (ms: number): Promise<void> => h.clock.sleep(ms) });

const board = (args: string[], options?: Parameters<typeof h.cli>[1]) =>
  h.cli(['session', 'poll', '--all', ...args], { cwd: workDir(h), ...options });
const reads = () => requestsTo(h.emulator.requests, 'GET', /^\/connect_sessions\/\d+$/);

async function customers(...names: [id: string, name: string, extra?: string[]][]): Promise<Created[]> {
  const created: Created[] = [];
  for (const [id, name, extra = []] of names)
    created.push(await createSession(h, ['--origin-owner-id', id, '--origin-owner-name', name, ...extra]));
  h.emulator.clearRequests();
  return created;
}

describe('the board: many sessions within the rate budget', () => {
  test('reads pending sessions round-robin, one per rate slot, never more than the budget (--rate 60: one a second)', async () => {
    const [a, b, c] = await customers(['a', 'A'], ['b', 'B'], ['c', 'C']);
    const t0 = h.clock.now();
    const result = await board(['--rate', '60', '--interval', '1s', '--timeout', '10s']);
    expect(result.code, result.stderr).toBe(8);
    const order = [a!.id, b!.id, c!.id];
    expect(reads().map((r) => [r.path, r.at - t0])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`/connect_sessions/${order[i % 3]}`, i * 1000]),
    );
    expect(result.stderr).toMatch(
      /0 of 3 sessions connected \(3 waiting\); still pending after --timeout 10s\. Resume with: stackone-connect session poll --all/,
    );
  });

  test('each session is read at most every --interval, however much budget is left', async () => {
    await customers(['a', 'A'], ['b', 'B']);
    const t0 = h.clock.now();
    const result = await board(['--interval', '5s', '--timeout', '12s']);
    expect(result.code).toBe(8);
    // Default budget: 1,000 a minute (60 ms apart); each of the two every 5 s.
    expect(reads().map((r) => r.at - t0)).toEqual([0, 60, 5000, 5060, 10000, 10060]);
  });

  test('--interval counts from the start of a read, as a wait does: a slow read does not push the next one back', async () => {
    await customers(['a', 'A']);
    h.emulator.injectFaults([{ kind: 'delay', delayMs: 1000, method: 'GET', times: 3 }]);
    const t0 = h.clock.now();
    const result = await board(['--interval', '5s', '--timeout', '12s']);
    expect(result.code).toBe(8);
    // Each read takes 1 s; each starts 5 s after the previous one started.
    expect(reads().map((r) => r.at - t0)).toEqual([0, 5000, 10000]);
  });

  test('a 429 pauses every read for its Retry-After', async () => {
    await customers(['a', 'A'], ['b', 'B']);
    h.emulator.injectFaults([{ kind: 'status', status: 429, retryAfter: 5, method: 'GET' }]);
    const t0 = h.clock.now();
    const result = await board(['--timeout', '5100ms']);
    expect(result.code).toBe(8);
    expect(reads().map((r) => [r.status, r.at - t0])).toEqual([
      [429, 0],
      [200, 5000],
      [200, 5060],
    ]);
    expect(result.stderr).toMatch(/Too Many Requests.*Reading it again in 5s/);
  });
});

describe('the board: what it shows and when it ends', () => {
  test('not on a terminal: one line per change; it ends when every session has connected or expired (exit 5 for an expired one)', async () => {
    const [a, b, c] = await customers(['a', 'Acme'], ['b', 'Bolt'], ['c', 'Cargo', ['--expires-in', '90s']]);
    const result = await h.drive(
      (options) => board([], options),
      [
        { when: (err) => err.includes('Watching 3 sessions'), then: () => void h.emulator.startAttempt(a!.id, { provider: 'hibob' }) },
        {
          when: (err) => err.includes('is connecting'),
          then: () => {
            h.emulator.connect(a!.id);
            h.emulator.fail(b!.id);
          },
        },
        { when: (err) => err.includes('The customer can try again'), then: () => void h.emulator.connect(b!.id) },
      ],
    );
    expect(result.code, result.stderr).toBe(5);
    expect(linesMatching(result.stderr, /^[✓✗›]/)).toEqual([
      `› Acme (a) is connecting (session ${a!.id}).`,
      // Round-robin: Bolt's turn comes before Acme's next one.
      '✗ Bolt (b): The connection attempt failed: access_denied (The user denied access). The customer can try again.',
      // The provider picked in the hub, from the linked account.
      expect.stringMatching(new RegExp(`^✓ Acme \\(a\\) connected HiBob \\(account \\d+, session ${a!.id}\\)\\.$`)),
      expect.stringMatching(/^✓ Bolt \(b\) connected/),
      `✗ Cargo (c): session ${c!.id} expired before the customer connected.`,
      expect.stringMatching(/^✗ 2 of 3 sessions connected \(2 connected · 1 expired\)\.$/),
    ]);
    expect(result.stderr).not.toContain('\u001b');
    const table = result.stdout.split('\n');
    expect(table[0]).toBe('› 2 of 3 customers connected: 2 connected · 1 expired.');
    expect(table[1]).toMatch(/^OWNER\s+PROVIDER\s+STATE\s+ACCOUNT\s+SESSION$/);
    expect(table.slice(2, 5).map((l) => l.split(/\s{2,}/)[2])).toEqual(['connected', 'connected', 'expired']);
    // What the board learnt is in the history.
    const listed = await h.cli(['session', 'list', '--status', 'authenticated', '--json']);
    expect(oneJsonLine<{ session_id: number }[]>(listed.stdout).map((s) => s.session_id)).toEqual([b!.id, a!.id]);
  });

  test('--json: one line per session with the keys of `session poll --json`; --quiet: the account ids', async () => {
    const [a, b] = await customers(['a', 'A'], ['b', 'B']);
    h.emulator.connect(a!.id);
    h.emulator.connect(b!.id);
    const json = await board(['--json']);
    expect(json.code, json.stderr).toBe(0);
    const lines = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as SessionResult);
    expect(lines.map((l) => Object.keys(l))).toEqual([RESULT_KEYS, RESULT_KEYS]);
    expect(lines.map((l) => [l.session_id, l.status, l.auth_link_url])).toEqual([
      [a!.id, 'authenticated', a!.auth_link_url],
      [b!.id, 'authenticated', b!.auth_link_url],
    ]);
    await customers(['c', 'C']);
    const c = h.emulator.sessions().at(-1)!;
    h.emulator.connect(c.id);
    const quiet = await board(['--quiet']);
    expect(quiet.stdout).toBe(`${h.emulator.session(c.id)!.latest_connection_attempt!.account_secure_id}\n`);
  });

  test('a provider the customer picked in the hub is named from the linked account, in the same rate budget', async () => {
    const [a, b] = await customers(['a', 'A'], ['b', 'B', ['--provider', 'personio']]);
    h.emulator.connect(a!.id, { provider: 'hibob' });
    h.emulator.connect(b!.id);
    const t0 = h.clock.now();
    const result = await board(['--json', '--rate', '60']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as SessionResult);
    expect(lines.map((l) => [l.session_id, l.provider])).toEqual([
      [a!.id, 'HiBob'],
      [b!.id, 'personio'],
    ]);
    // One account read, for the session that named no provider, in its turn; one request a second in all.
    expect(h.emulator.requests.map((r) => [r.method, r.path, r.at - t0])).toEqual([
      ['GET', `/connect_sessions/${a!.id}`, 0],
      ['GET', `/connect_sessions/${b!.id}`, 1000],
      ['GET', expect.stringMatching(/^\/accounts\/\d+$/), 2000],
    ]);
  });

  test('--fail-fast ends a session at its first failed attempt (exit 3)', async () => {
    const [a] = await customers(['a', 'A']);
    h.emulator.fail(a!.id, { code: 'invalid_grant' });
    const result = await board(['--fail-fast', '--json']);
    expect(result.code).toBe(3);
    expect(oneJsonLine<SessionResult>(result.stdout)).toMatchObject({ status: 'error', attempt: { oauth_error_code: 'invalid_grant' } });
  });

  test('a cancelled attempt: the final table says so, as its change line does', async () => {
    const [a, b] = await customers(['a', 'Acme'], ['b', 'Bolt']);
    h.emulator.cancel(a!.id);
    h.emulator.fail(b!.id, { code: 'access_denied', description: 'The user denied access' });
    const result = await board(['--fail-fast']);
    expect(result.code).toBe(3);
    expect(linesMatching(result.stderr, /^✗ (Acme|Bolt)/)).toEqual([
      '✗ Acme (a): The customer cancelled the connection attempt.',
      '✗ Bolt (b): The connection attempt failed: access_denied (The user denied access).',
    ]);
    const rows = result.stdout
      .split('\n')
      .slice(2, 4)
      .map((l) => l.split(/\s{2,}/).slice(0, 4));
    expect(rows).toEqual([
      ['Acme (a)', '-', 'failed', 'cancelled by the customer'],
      ['Bolt (b)', '-', 'failed', 'access_denied (The user denied access)'],
    ]);
  });

  test('on a terminal: a live table (owner, provider, state, time left, account) redrawn in place', async () => {
    const [a, , c] = await customers(
      ['acme', 'Acme Ltd', ['--provider', 'bamboohr', '--expires-in', '1h']],
      ['glob', 'Globex', ['--expires-in', '1h']],
      ['init', 'Initech', ['--expires-in', '1h']],
    );
    h.emulator.connect(a!.id);
    const result = await h.drive(
      (options) => board(['--timeout', '5s'], { ...options, tty: { stderr: true, columns: 100 } }),
      [{ when: () => reads().length >= 3, then: () => void h.emulator.startAttempt(c!.id, { provider: 'hibob' }) }],
    );
    expect(result.code).toBe(8);
    expect(result.stderr).toMatch(/\u001b\[\d+F\u001b\[J/);
    const screen = await screenOf(result.stderr, 100, 30);
    if (process.env.BOARD_SCREEN) writeFileSync(process.env.BOARD_SCREEN, `${screen}\n`);
    const lines = screen.split('\n');
    const head = lines.findIndex((l) => l.startsWith('Connect sessions:'));
    expect(lines[head]).toMatch(/^Connect sessions: 1 connected · 1 connecting · 1 waiting · 3 in all · \d+\.\d reads\/s · 5s$/);
    expect(lines[head + 1]).toMatch(/^OWNER\s+PROVIDER\s+STATE\s+TIME LEFT\s+ACCOUNT$/);
    const rows = lines.slice(head + 2, head + 5).map((l) => l.split(/\s{2,}/));
    expect(rows).toEqual([
      ['Initech (init)', '-', 'connecting', '59m 55s'],
      [expect.stringMatching(/^Acme Ltd \(acme\)$/), 'bamboohr', 'connected', '-', expect.stringMatching(/^\d{20}$/)],
      ['Globex (glob)', '-', 'waiting', '59m 55s'],
    ]);
  });
});

describe('the board of a campaign: --from-file results', () => {
  test('watches the sessions of a results file; rows without a session are left out', async () => {
    writeInput(h, 'c.csv', customersCsv(3));
    h.emulator.injectFaults([{ kind: 'status', status: 400 }]);
    expect((await campaign(h, ['c.csv', '--output', 'results.jsonl'])).code).toBe(1);
    const sessions = h.emulator.sessions().slice(-2);
    for (const s of sessions) h.emulator.connect(s.id);
    h.emulator.clearRequests();
    const result = await h.cli(['session', 'poll', '--from-file', 'results.jsonl', '--json'], { cwd: workDir(h) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/1 row of results\.jsonl without a session \(failed, uncertain, not sent or repeated\): not watched\./);
    expect(reads().map((r) => r.path)).toEqual(sessions.map((s) => `/connect_sessions/${s.id}`));
    // From another machine (no history): the file says who they are and their links.
    const elsewhere = await h.cli(['session', 'poll', '--all', '--from-file', 'results.jsonl', '--json'], {
      cwd: workDir(h),
      env: { STACKONE_CONFIG_DIR: `${h.configDir}-other` },
    });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    const lines = elsewhere.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as SessionResult);
    expect(lines.map((l) => [l.session_id, l.origin_owner_id, l.auth_link_url])).toEqual(
      sessions.map((s) => [s.id, s.origin_owner_id, s.auth_link_url]),
    );
  });

  test('from stdin (--from-file -): messages say stdin, and the resume hint asks for the results file again', async () => {
    const none = await h.cli(['session', 'poll', '--from-file', '-'], {
      cwd: workDir(h),
      input: `${JSON.stringify({ key: 'row-1', status: 'failed', session_id: null })}\n`,
    });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toMatch(/^Nothing to watch: stdin lists no session\.$/m);

    const [a] = await customers(['a', 'A']);
    const pending = await h.cli(['session', 'poll', '--from-file', '-', '--timeout', '1s'], {
      cwd: workDir(h),
      input: `${JSON.stringify({ key: 'row-1', status: 'created', session_id: a!.id })}\n`,
    });
    expect(pending.code).toBe(8);
    expect(pending.stderr).toContain(
      'Resume with: stackone-connect session poll --all --from-file <results file> (the results file that was on stdin)',
    );
    expect(pending.stderr).not.toMatch(/--from-file -/);
  });

  test('a CSV results file whose every row failed has nothing to watch, not a missing column', async () => {
    writeInput(
      h,
      'failed.csv',
      'line,key,status,session_id,auth_link_url,expires_at,owner,provider,error\n2,a,failed,,,,A,,400 Bad Request\n',
    );
    const result = await h.cli(['session', 'poll', '--from-file', 'failed.csv'], { cwd: workDir(h) });
    expect(result.stderr).not.toMatch(/no session_id column/);
    expect(result.stderr).toMatch(/1 row of failed\.csv without a session/);
    expect(result.stdout + result.stderr).toMatch(/Nothing to watch: failed\.csv lists no session/);
    expect(reads()).toEqual([]);
  });

  test('a file without a session_id column is refused (exit 2)', async () => {
    writeInput(h, 'c.csv', customersCsv(2));
    const result = await h.cli(['session', 'poll', '--from-file', 'c.csv'], { cwd: workDir(h) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/c\.csv has no session_id column/);
  });
});

describe('the board: flags and edges', () => {
  test.each([
    [['--all', '123'], /A session id and --all cannot be used together/],
    [['--all', '--token', 'x'], /--token applies to one session, not to --all/],
    [['123', '--rate', '10'], /--rate applies only with --all or --from-file\./],
    [['--all', '--concurrency', '1000'], /Invalid value "1000" for --concurrency/],
  ])('%j exits 2 and sends nothing', async (args, message) => {
    const result = await h.cli(['session', 'poll', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('--help: --from-file alone makes the board too, its formats, and every way the board ends', async () => {
    const help = await h.cli(['session', 'poll', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('--from-file <path> the board of a campaign: the sessions of its results file (CSV or JSON Lines; - for stdin)');
    expect(text).toContain('--concurrency <n> with --all or --from-file: reads at once (default 4)');
    expect(text).toContain("--rate <n> with --all or --from-file: at most n reads a minute (default 1000, StackOne's limit per key)");
    expect(text).toContain(
      'It ends when every session has connected, expired, cannot be read (exit 1) or (with --fail-fast) failed, or at --timeout.',
    );
    expect(text).not.toMatch(/\.csv or \.jsonl/);
  });

  test('nothing pending: says so, exit 0, no request', async () => {
    const [a] = await customers(['a', 'A']);
    h.emulator.connect(a!.id);
    expect((await h.cli(['session', 'status', String(a!.id)])).code).toBe(0);
    h.emulator.clearRequests();
    const result = await board([]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Nothing to watch: no session of profile "default" is waiting for its customer\./);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('Ctrl-C stops watching (exit 130) and says how to resume; the sessions stay open', async () => {
    await customers(['a', 'A']);
    const result = await h.drive((options) => board([], options), [{ when: () => reads().length >= 2, then: (run) => run.kill('SIGINT') }]);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Stopped watching: 1 of 1 sessions not connected yet; they stay open\./);
    expect(result.stderr).toMatch(/Resume with: stackone-connect session poll --all/);
  });

  test('a read in flight at Ctrl-C leaves its session as it was: not one that cannot be read', async () => {
    const [a, b] = await customers(['a', 'A'], ['b', 'B']);
    h.emulator.connect(a!.id);
    // B's read never gets an answer: it is in flight when Ctrl-C comes.
    h.emulator.injectFaults([{ kind: 'hang', method: 'GET', path: `/connect_sessions/${b!.id}` }]);
    const inFlight = () => reads().some((r) => r.path === `/connect_sessions/${b!.id}` && r.status === 0);
    const result = await h.drive((options) => board(['--json'], options), [{ when: inFlight, then: (run) => run.kill('SIGINT') }]);
    expect(result.code).toBe(130);
    expect(result.stderr).not.toMatch(/cannot be read/);
    expect(result.stderr).toMatch(/Stopped watching: 1 of 2 sessions not connected yet; they stay open\./);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as SessionResult);
    expect(lines.map((l) => [l.session_id, l.status])).toEqual([
      [a!.id, 'authenticated'],
      [b!.id, 'pending'],
    ]);
  });

  test('a refused key ends the board at once (exit 4)', async () => {
    await customers(['a', 'A'], ['b', 'B']);
    const result = await board([], { env: { STACKONE_API_KEY: 'v1.eu1.wrong_key_0000000000' } });
    expect(result.code).toBe(4);
    expect(reads().length).toBeLessThanOrEqual(2);
  });
});
