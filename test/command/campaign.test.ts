import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fingerprint } from '../../src/core/campaign/rows.js';
import {
  campaign,
  creates,
  customersCsv,
  exists,
  journalLines,
  resultsJsonl,
  screenOf,
  sessionsPerOwner,
  workDir,
  writeInput,
} from '../helpers/campaign.js';
import { historyOf, linesMatching, oneJsonLine } from '../helpers/e2e.js';
import { useHarness } from '../helpers/harness.js';
import { closedPort } from '../helpers/network.js';

/** Each API request waits here (the emulator's latency): a test can hold requests in flight. */
let hold: ((release: () => void) => void) | undefined;
const h = useHarness({ latencyMs: 1, sleep: () => new Promise<void>((resolve) => (hold ? hold(resolve) : resolve())) });
afterEach(() => {
  hold = undefined;
});

const OUT = ['--output', 'results.jsonl'];

describe('campaign input: a CSV or JSON Lines file, the flags as defaults', () => {
  test('a spreadsheet CSV (BOM, quoted commas, quotes and line breaks, ";" categories, JSON metadata, durations) sends one body per row', async () => {
    writeInput(
      h,
      'customers.csv',
      [
        '\uFEFFkey,Origin Owner ID,origin_owner_name,provider,categories,metadata,expires_in,label,multiple',
        'acme-hr,acme,"Acme, Inc.",BambooHR,hris;ats,"{""crm_id"":""42""}",7d,"Main ""HR""",yes',
        'globex,glob,"Globex',
        'Corporation",,crm,,,,',
        ',,,,,,,,',
        '',
      ].join('\r\n'),
    );
    const result = await campaign(h, [
      'customers.csv',
      ...OUT,
      '--type',
      'test',
      '--metadata',
      '{"campaign":"launch","crm_id":"0"}',
      '--categories',
      'iam',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(creates(h).map((r) => r.body)).toStrictEqual([
      {
        origin_owner_id: 'acme',
        origin_owner_name: 'Acme, Inc.',
        provider: 'bamboohr',
        categories: ['hris', 'ats'],
        label: 'Main "HR"',
        expires_in: 604_800,
        metadata: { campaign: 'launch', crm_id: '42' },
        multiple: true,
        type: 'test',
      },
      {
        origin_owner_id: 'glob',
        origin_owner_name: 'Globex\r\nCorporation',
        categories: ['crm'],
        metadata: { campaign: 'launch', crm_id: '0' },
        type: 'test',
      },
    ]);
    expect(resultsJsonl(h).map((r) => [r.line, r.key, r.status])).toEqual([
      [2, 'acme-hr', 'created'],
      [3, 'globex', 'created'],
    ]);
  });

  test('JSON Lines on stdin (--from-file -): typed values, and keys derived from owner and provider', async () => {
    const input = [
      JSON.stringify({
        origin_owner_id: 'acme',
        origin_owner_name: 'Acme',
        provider: 'hibob',
        categories: ['hris'],
        expires_in: 3600,
        multiple: false,
      }),
      '',
      JSON.stringify({ origin_owner_id: 'acme', origin_owner_name: 'Acme', provider: 'bamboohr', metadata: { tier: 'gold' } }),
    ].join('\n');
    const result = await campaign(h, ['-', ...OUT], { input });
    expect(result.code, result.stderr).toBe(0);
    expect(creates(h).map((r) => r.body)).toStrictEqual([
      { origin_owner_id: 'acme', origin_owner_name: 'Acme', provider: 'hibob', categories: ['hris'], expires_in: 3600, multiple: false },
      { origin_owner_id: 'acme', origin_owner_name: 'Acme', provider: 'bamboohr', metadata: { tier: 'gold' } },
    ]);
    expect(resultsJsonl(h).map((r) => [r.line, r.key])).toEqual([
      [1, 'acme/hibob'],
      [3, 'acme/bamboohr'],
    ]);
  });
});

describe('campaign validation: the whole file before anything is sent', () => {
  test('every bad row is listed with its line and problem; exit 2; nothing sent, nothing written', async () => {
    writeInput(
      h,
      'bad.csv',
      [
        'origin_owner_id,origin_owner_name,categories,expires_in,metadata,type,multiple',
        'ok-1,Fine,hris,,,,',
        ',No Id,,,,,',
        'cust-3,Three,hrs;ats,soon,,,',
        'cust-4,Four,,,[1],staging,maybe',
        'ok-1,Fine Again,,,,,',
        '',
      ].join('\n'),
    );
    const result = await campaign(h, ['bad.csv', ...OUT]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/bad\.csv: 4 lines have problems; nothing was sent\./);
    expect(linesMatching(result.stderr, /^ {2}line \d+:/)).toEqual([
      '  line 3: origin_owner_id is missing',
      '  line 4: Unknown category "hrs" for categories (Use one or more of: ats, hris, hris-legacy, crm, iam, marketing, lms, stackone, documents, ticketing, screening, messaging, accounting, scheduling)',
      '  line 4: Invalid value "soon" for expires_in: it must be a positive whole number of seconds (Use seconds (3600) or a duration: 90s, 30m, 12h, 7d, 1h30m)',
      '  line 5: metadata must be a JSON object',
      '  line 5: multiple must be true or false, not "maybe"',
      '  line 5: Invalid value "staging" for type (Use one of: production, test)',
      '  line 6: the same key as line 2 (ok-1): one row is one session; give each row its own value in a key column',
    ]);
    expect(h.emulator.requests).toHaveLength(0);
    expect(exists(h, 'results.jsonl') || exists(h, 'results.jsonl.journal')).toBe(false);
  });

  test('a problem of the whole file (an empty file) is said as such, not as a line with problems: exit 2', async () => {
    writeInput(h, 'empty.csv', '\n\n');
    const empty = await campaign(h, ['empty.csv', ...OUT]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^✗ empty\.csv is empty: it needs a header line naming the columns; nothing was sent\.$/m);
    expect(empty.stderr).not.toMatch(/line has problems/);
    const stdin = await campaign(h, ['-', ...OUT], { input: '' });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toMatch(/^✗ stdin is empty: it needs a header line naming the columns; nothing was sent\.$/m);
    const board = await h.cli(['session', 'poll', '--from-file', 'empty.csv'], { cwd: workDir(h) });
    expect(board.code).toBe(2);
    expect(board.stderr).toMatch(/^✗ empty\.csv is empty: it needs a header line naming the columns\.$/m);
    expect(h.emulator.requests).toHaveLength(0);
    expect(exists(h, 'results.jsonl.journal')).toBe(false);
  });

  test('a column with no name is no column while it is empty (a trailing comma of a spreadsheet export); with a value it is refused', async () => {
    writeInput(h, 'trailing.csv', 'key,origin_owner_id,origin_owner_name,\r\nrow-1,a,A,\r\nrow-2,b,B,\r\n');
    const trailing = await campaign(h, ['trailing.csv', ...OUT]);
    expect(trailing.code, trailing.stderr).toBe(0);
    expect(creates(h).map((r) => r.body)).toStrictEqual([
      { origin_owner_id: 'a', origin_owner_name: 'A' },
      { origin_owner_id: 'b', origin_owner_name: 'B' },
    ]);
    h.emulator.clearRequests();
    writeInput(h, 'unnamed.csv', 'origin_owner_id,,origin_owner_name\na,,A\nb,oops,B\n');
    const unnamed = await campaign(h, ['unnamed.csv', '--output', 'other.jsonl']);
    expect(unnamed.code).toBe(2);
    expect(linesMatching(unnamed.stderr, /^ {2}line/)).toEqual(['  line 1: column 2 has no name, but has values']);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('a warning is printed once, with the lines it applies to, in one sentence', async () => {
    writeInput(h, 'w.csv', 'origin_owner_id,origin_owner_name,expires_in,provider_version\na,A,20,\nb,B,20,\nc,C,,1\n');
    const result = await campaign(h, ['w.csv', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(linesMatching(result.stderr, /^!/)).toEqual([
      '! expires_in 20 means 20 seconds: the link expires almost at once. Write 20m for minutes (lines 2 and 3).',
      '! provider_version is deprecated by StackOne and can make session creation fail; it is sent as given (line 4).',
    ]);
  });

  test('an unknown column, a broken quote and a bad JSON line are problems of their lines', async () => {
    writeInput(h, 'typo.csv', 'origin_owner_id,origin_owner_name,provder\na,A,bamboohr\n');
    const typo = await campaign(h, ['typo.csv', ...OUT]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/line 1: unknown column "provder"/);
    writeInput(h, 'quote.csv', 'origin_owner_id,origin_owner_name\na,"A\nb,B\n');
    const quote = await campaign(h, ['quote.csv', ...OUT]);
    expect(quote.code).toBe(2);
    expect(quote.stderr).toMatch(/line \d+: not readable as CSV: Quote Not Closed/);
    const jsonl = await campaign(h, ['-', ...OUT], {
      input: '{"origin_owner_id":"a","origin_owner_name":"A"}\n{"origin_owner_id":\n[1]\n',
    });
    expect(jsonl.code).toBe(2);
    expect(linesMatching(jsonl.stderr, /^ {2}line/)).toEqual([
      '  line 2: not valid JSON',
      '  line 3: a row must be a JSON object, not an array',
    ]);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test.each([
    [['--wait'], /--from-file cannot be used with --wait/],
    [['--open', '--qr'], /--from-file cannot be used with --open, --qr/],
    [['--origin-owner-id', 'x'], /--from-file cannot be used with --origin-owner-id/],
    [['--interval', '5s'], /--from-file cannot be used with --interval/],
    [['--concurrency', '0'], /Invalid value "0" for --concurrency/],
    [['--rate', 'fast'], /Invalid value "fast" for --rate/],
    [['--output', 'results.txt'], /--output: the name must end in \.csv, \.jsonl or \.ndjson\./],
    [['--output', 'nodir/r.csv'], /^✗ Invalid value "nodir\/r\.csv" for --output: the directory nodir does not exist\.$/m],
    [['--output', 'c.csv/r.csv'], /^✗ Invalid value "c\.csv\/r\.csv" for --output: the directory c\.csv is not a directory\.$/m],
    [['--output', 'nodir/r.csv', '--dry-run'], /--output: the directory nodir does not exist/],
  ])('%j with --from-file exits 2 and sends nothing', async (args, message) => {
    writeInput(h, 'c.csv', customersCsv(2));
    const result = await campaign(h, ['c.csv', ...(args.includes('--output') ? [] : OUT), ...args]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(h.emulator.requests).toHaveLength(0);
    expect(exists(h, 'nodir')).toBe(false);
  });

  test('under npx, the hints of a refused campaign name the CLI as npx runs it; --help names every results format', async () => {
    writeInput(h, 'c.csv', customersCsv(1));
    const npx = { env: { npm_command: 'exec' } };
    const wait = await campaign(h, ['c.csv', ...OUT, '--wait'], npx);
    expect(wait.code).toBe(2);
    expect(wait.stderr).toContain('run `npx stackone-connect session poll --all --from-file <results>` afterwards.');
    const noOutput = await campaign(h, ['c.csv'], npx);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain('the results file (.csv, .jsonl or .ndjson)');
    expect(noOutput.stderr).toContain('Example: npx stackone-connect session create --from-file customers.csv --output results.csv');
    const help = await h.cli(['session', 'create', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--output <path> with --from-file: the results file, .csv, .jsonl or .ndjson');
  });

  test('--from-file needs --output (except --dry-run); campaign flags need --from-file', async () => {
    writeInput(h, 'c.csv', customersCsv(1));
    const noOutput = await campaign(h, ['c.csv']);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toMatch(/--from-file needs --output/);
    const single = await h.cli([
      'session',
      'create',
      '--origin-owner-id',
      'a',
      '--origin-owner-name',
      'A',
      '--concurrency',
      '2',
      '--dry-run',
    ]);
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/--concurrency, --dry-run apply only with --from-file/);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test("--dry-run shows each row's body, sends nothing and needs no key; with a journal it shows what a re-run skips", async () => {
    writeInput(h, 'c.csv', customersCsv(3));
    const dry = await campaign(h, ['c.csv', '--dry-run', '--provider', 'hibob'], { env: { STACKONE_API_KEY: undefined } });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /^Would send 3 of 3 rows to http:\/\/127\.0\.0\.1:\d+ \(profile default\), 4 at once, at most 1,000 requests a minute\. Nothing was sent\.$/m,
    );
    expect(dry.stdout).toContain(
      '  line 2  row-1  create  {"origin_owner_id":"cust-1","origin_owner_name":"Customer 1","provider":"hibob"}\n',
    );
    expect(h.emulator.requests).toHaveLength(0);
    expect(exists(h, 'results.jsonl.journal')).toBe(false);

    expect((await campaign(h, ['c.csv', ...OUT])).code).toBe(0);
    h.emulator.clearRequests();
    const again = await campaign(h, ['c.csv', ...OUT, '--dry-run', '--json']);
    const planned = again.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; action: string; note: string });
    expect(planned.map((p) => [p.key, p.action])).toEqual([
      ['row-1', 'skip'],
      ['row-2', 'skip'],
      ['row-3', 'skip'],
    ]);
    expect(planned[0]!.note).toMatch(/^created before: session \d+$/);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('--dry-run refuses where the run would, with its words: another profile or base URL, a changed or re-keyed row (exit 2), a journal another run holds (exit 1)', async () => {
    writeInput(h, 'c.csv', customersCsv(2));
    expect((await campaign(h, ['c.csv', ...OUT])).code).toBe(0);
    const journal = join(workDir(h), 'results.jsonl.journal');
    const written = readFileSync(journal, 'utf8');
    h.emulator.clearRequests();
    const refusal = (run: { stderr: string }) => linesMatching(run.stderr, /^( {2})?(✗|line \d+:)|^ {4}line/);
    /** The dry run and the run itself, with the same arguments: the same refusal, the same exit code. */
    const both = async (args: string[], env?: Record<string, string>) => {
      const dry = await campaign(h, ['c.csv', ...OUT, ...args, '--dry-run'], { env });
      const real = await campaign(h, ['c.csv', ...OUT, ...args], { env });
      expect(dry.stdout).toBe('');
      expect([dry.code, refusal(dry)]).toEqual([real.code, refusal(real)]);
      return dry;
    };

    const profile = await both(['--profile', 'eu']);
    expect(profile.code).toBe(2);
    expect(profile.stderr).toMatch(
      /results\.jsonl belongs to a campaign run with profile "default" at http:\/\/127\.0\.0\.1:\d+, not "eu"/,
    );
    const baseUrl = await both([], { STACKONE_BASE_URL: 'http://127.0.0.1:9' });
    expect(baseUrl.code).toBe(2);
    expect(baseUrl.stderr).toMatch(/not "default" at http:\/\/127\.0\.0\.1:9: its rows would be sent again/);

    writeInput(h, 'c.csv', 'key,origin_owner_id,origin_owner_name\nrow-1,cust-1,Customer One\nrow-2,cust-2,Customer 2\n');
    const changed = await both([]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/line 2: changed since key row-1 created session \d+; restore it, or give it a new key/);
    writeInput(h, 'c.csv', 'key,origin_owner_id,origin_owner_name\nA,cust-1,Customer 1\nB,cust-2,Customer 2\n');
    const rekeyed = await both([]);
    expect(rekeyed.code).toBe(2);
    expect(rekeyed.stderr).toMatch(/line 2: the same request as key row-1, which created session \d+: did its key change\?/);

    // Another run holds the journal (a live process: this one).
    writeInput(h, 'c.csv', customersCsv(2));
    const lock = `${journal}.lock`;
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), JSON.stringify({ pid: process.pid, host: hostname() }));
    const held = await campaign(h, ['c.csv', ...OUT, '--dry-run']);
    expect(held.code).toBe(1);
    expect(held.stdout).toBe('');
    expect(held.stderr).toMatch(
      new RegExp(
        `Another run of this campaign \\(process ${process.pid}\\) holds its journal .*results\\.jsonl\\.journal: two at once would send the same rows\\.`,
      ),
    );
    expect(existsSync(join(lock, 'owner'))).toBe(true);
    rmSync(lock, { recursive: true });

    expect(h.emulator.requests).toHaveLength(0);
    expect(readFileSync(journal, 'utf8')).toBe(written);
  });
});

describe('campaign pacing: concurrency and the rate limit, on the runtime clock', () => {
  test('--rate 60 sends one create a second, exactly', async () => {
    writeInput(h, 'c.csv', customersCsv(5));
    const t0 = h.clock.now();
    const result = await campaign(h, ['c.csv', ...OUT, '--rate', '60', '--concurrency', '8']);
    expect(result.code, result.stderr).toBe(0);
    expect(creates(h).map((r) => r.at - t0)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  test('never more than --concurrency creates in flight (as the journal sees them when each arrives)', async () => {
    writeInput(h, 'c.csv', customersCsv(12));
    let most = 0;
    hold = (release) => {
      const lines = journalLines(h);
      const inFlight = lines.filter((l) => l.kind === 'sending').length - lines.filter((l) => l.kind === 'created').length;
      most = Math.max(most, inFlight);
      release();
    };
    const result = await campaign(h, ['c.csv', ...OUT, '--concurrency', '3', '--rate', '1000000']);
    expect(result.code, result.stderr).toBe(0);
    expect(most).toBe(3);
    expect(creates(h)).toHaveLength(12);
  });

  test('a 429 pauses every worker for its Retry-After, then the row is sent again: each row once', async () => {
    writeInput(h, 'c.csv', customersCsv(8));
    const before = h.emulator.sessions().length;
    h.emulator.injectFaults([{ kind: 'status', status: 429, retryAfter: 7, path: '/connect_sessions' }]);
    const t0 = h.clock.now();
    const result = await campaign(h, ['c.csv', ...OUT, '--concurrency', '4', '--rate', '1000000']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Rate limited \(429\): every request waits 7s/);
    const [first, ...rest] = creates(h);
    expect(first!.status).toBe(429);
    // Those already in flight when the 429 came back finished; nothing new went before 7 s.
    const late = rest.filter((r) => r.at - t0 >= 7000);
    expect(rest.filter((r) => r.at - t0 < 7000).length).toBeLessThanOrEqual(3);
    expect(late.length).toBeGreaterThanOrEqual(5);
    expect(late.map((r) => r.body)).toContainEqual(first!.body);
    expect([...sessionsPerOwner(h, before).values()]).toEqual(Array(8).fill(1));
  });
});

describe('campaign results, outcomes and exit codes', () => {
  test('results.csv: one line per row with key, session id, auth link and expiry; the history has every session', async () => {
    writeInput(h, 'c.csv', customersCsv(3));
    const before = h.emulator.sessions().length;
    const result = await campaign(h, ['c.csv', '--output', 'results.csv', '--expires-in', '2h']);
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(join(workDir(h), 'results.csv'), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('line,key,status,session_id,auth_link_url,expires_at,origin_owner_id,origin_owner_name,provider,error');
    const sessions = h.emulator.sessions().slice(before);
    lines.slice(1).forEach((line, i) => {
      const s = sessions[i]!;
      expect(line).toBe(
        `${i + 2},row-${i + 1},created,${s.id},${s.auth_link_url},${new Date(Date.parse(line.split(',')[5]!)).toISOString()},cust-${i + 1},Customer ${i + 1},,`,
      );
      expect(Date.parse(line.split(',')[5]!) - Date.parse(s.created_at)).toBe(7_200_000);
    });
    const history = historyOf(h.configDir);
    expect(history.map((r) => [r.session_id, r.profile, r.base_url])).toEqual(sessions.map((s) => [s.id, 'default', h.emulator.url]));
    // In one batch: the journal says all three were written to the history at once.
    expect(
      journalLines(h, 'results.csv')
        .filter((l) => l.kind === 'recorded')
        .map((l) => (l.keys as string[]).length),
    ).toEqual([3]);
    expect(result.stdout).toMatch(/✓ 3 of 3 rows have a session\./);
    expect(result.stdout).toMatch(/Watch {5}stackone-connect session poll --all --from-file results\.csv/);
  });

  test('a 4xx row fails (sent again by a re-run), a 5xx row is uncertain (never sent again); exit 1 until every row has a session', async () => {
    writeInput(h, 'c.csv', customersCsv(3));
    h.emulator.injectFaults([
      { kind: 'status', status: 400 },
      { kind: 'status', status: 503 },
    ]);
    const first = await campaign(h, ['c.csv', ...OUT]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/✗ line 2 \(row-1\): Creating the connect session failed: 400 Bad Request/);
    expect(first.stderr).toMatch(/! line 3 \(row-2\) may or may not have a session: Creating the connect session failed: 503/);
    expect(first.stderr).toMatch(/Not every row has a session: 1 failed, 1 uncertain/);
    expect(resultsJsonl(h).map((r) => [r.key, r.status])).toEqual([
      ['row-1', 'failed'],
      ['row-2', 'uncertain'],
      ['row-3', 'created'],
    ]);
    expect(first.stdout).toMatch(/Uncertain may or may not have a session: check the StackOne dashboard/);

    h.emulator.clearRequests();
    const second = await campaign(h, ['c.csv', ...OUT]);
    expect(second.code).toBe(1);
    expect(creates(h).map((r) => (r.body as { origin_owner_id: string }).origin_owner_id)).toEqual(['cust-1']);
    expect(resultsJsonl(h).map((r) => [r.key, r.status])).toEqual([
      ['row-1', 'created'],
      ['row-2', 'uncertain'],
      ['row-3', 'created'],
    ]);
    expect(resultsJsonl(h)[1]!.error).toMatch(/503.*\(an earlier run\)$/);

    h.emulator.clearRequests();
    const third = await campaign(h, ['c.csv', ...OUT, '--resend-uncertain']);
    expect(third.code, third.stderr).toBe(0);
    expect(creates(h).map((r) => (r.body as { origin_owner_id: string }).origin_owner_id)).toEqual(['cust-2']);
    expect(resultsJsonl(h).every((r) => r.status === 'created')).toBe(true);
  });

  test('a reset after sending is uncertain; a refused connection is retried, then not sent: the address never answered', async () => {
    writeInput(h, 'c.csv', customersCsv(1));
    h.emulator.injectFaults([{ kind: 'reset' }]);
    const reset = await campaign(h, ['c.csv', ...OUT]);
    expect(reset.code).toBe(1);
    expect(resultsJsonl(h)[0]).toMatchObject({ status: 'uncertain', error: expect.stringMatching(/reset|closed/) });

    writeInput(h, 'd.csv', customersCsv(1, 5));
    const refused = await campaign(h, ['d.csv', '--output', 'd.jsonl'], {
      env: { STACKONE_BASE_URL: `http://127.0.0.1:${await closedPort()}` },
    });
    expect(refused.code).toBe(1);
    expect(linesMatching(refused.stderr, /nothing was sent; sending it again in/)).toHaveLength(2);
    expect(resultsJsonl(h, 'd.jsonl')[0]).toMatchObject({ status: 'not_sent', error: null });
  });

  test('an address that never answers stops the campaign after three tries in all, not three a row: every row not sent (exit 1)', async () => {
    writeInput(h, 'c.csv', customersCsv(50));
    const port = await closedPort();
    const result = await campaign(h, ['c.csv', ...OUT], { env: { STACKONE_BASE_URL: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(1);
    expect(journalLines(h).filter((l) => l.kind === 'sending')).toHaveLength(3);
    expect(resultsJsonl(h).every((r) => r.status === 'not_sent')).toBe(true);
    expect(result.stdout).toMatch(/✗ 0 of 50 rows have a session; 50 not sent\./);
    expect(result.stderr).toContain(
      `✗ Could not reach 127.0.0.1:${port}: connection refused. The address never answered: 3 tries since the campaign began, not one answer; it stopped.\n  Check --base-url / STACKONE_BASE_URL (and HTTPS_PROXY, NO_PROXY), then run the same command again: the rows not sent are sent then.`,
    );
  });

  test('a port fetch refuses to use (bad port) is a failure before anything was sent, not an uncertain row', async () => {
    writeInput(h, 'c.csv', customersCsv(1));
    const result = await campaign(h, ['c.csv', ...OUT], { env: { STACKONE_BASE_URL: 'http://127.0.0.1:1' } });
    expect(result.code).toBe(1);
    expect(resultsJsonl(h)[0]).toMatchObject({ status: 'not_sent' });
    expect(journalLines(h).map((l) => [l.kind, l.error])).toEqual([
      ['campaign', undefined],
      ...Array(3)
        .fill(['sending', undefined])
        .flatMap((s) => [s, ['not_created', expect.stringMatching(/bad port .*; nothing was sent/)]]),
    ]);
  });

  test('a re-run says which rows it does not send: created before, or uncertain (not sent again)', async () => {
    writeInput(h, 'c.csv', customersCsv(5));
    h.emulator.injectFaults([
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 400 },
    ]);
    expect((await campaign(h, ['c.csv', ...OUT, '--concurrency', '1'])).code).toBe(1);
    expect(resultsJsonl(h).map((r) => r.status)).toEqual(['uncertain', 'uncertain', 'failed', 'created', 'created']);
    const again = await campaign(h, ['c.csv', ...OUT]);
    expect(again.stderr).toMatch(
      /^Creating 1 session \(2 created before; 2 uncertain, not sent again without --resend-uncertain\), 4 at once, at most 1,000 requests a minute\./m,
    );
  });

  test('a refused key stops the campaign at once (exit 4): the rest are not sent', async () => {
    writeInput(h, 'c.csv', customersCsv(5));
    const result = await campaign(h, ['c.csv', ...OUT], { env: { STACKONE_API_KEY: 'v1.eu1.wrong_key_0000000000' } });
    expect(result.code).toBe(4);
    expect(creates(h)).toHaveLength(1);
    expect(resultsJsonl(h).map((r) => r.status)).toEqual(['failed', 'not_sent', 'not_sent', 'not_sent', 'not_sent']);
  });

  test('--json prints one summary object; --quiet the results file', async () => {
    writeInput(h, 'c.csv', customersCsv(2));
    const json = await campaign(h, ['c.csv', ...OUT, '--json']);
    expect(oneJsonLine(json.stdout)).toStrictEqual({
      rows: 2,
      created: 2,
      created_before: 0,
      failed: 0,
      uncertain: 0,
      not_sent: 0,
      output: 'results.jsonl',
      journal: 'results.jsonl.journal',
    });
    const quiet = await campaign(h, ['c.csv', ...OUT, '--quiet']);
    expect(quiet.stdout).toBe('results.jsonl\n');
    expect(quiet.stderr).toBe('');
  });
});

describe('campaign resume: exactly once across runs', () => {
  test('Ctrl-C stops sending, lets the create in flight finish, writes the results and exits 130; the same command resumes', async () => {
    writeInput(h, 'c.csv', customersCsv(6));
    const before = h.emulator.sessions().length;
    let held: (() => void) | undefined;
    const result = await campaign(h, ['c.csv', ...OUT, '--rate', '60'], {
      onStart: (run) => {
        hold = (release) => {
          if (creates(h).length < 3) return release();
          // The third create is on its way: Ctrl-C now, then let StackOne answer.
          held = release;
          run.kill('SIGINT');
          setImmediate(() => held?.());
        };
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Stopped: 3 rows were not sent; results so far are in results\.jsonl\./);
    expect(result.stderr).toMatch(/Run the same command again to resume: rows already created are skipped\./);
    expect(resultsJsonl(h).map((r) => r.status)).toEqual(['created', 'created', 'created', 'not_sent', 'not_sent', 'not_sent']);

    hold = undefined;
    const resumed = await campaign(h, ['c.csv', ...OUT]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/6 of 6 rows have a session \(3 from before\)/);
    expect([...sessionsPerOwner(h, before).values()]).toEqual(Array(6).fill(1));
  });

  test('kill -9 mid-create (a "sending" line last, a torn line after it): the row is uncertain, never sent again; the rest are sent', async () => {
    expect((await campaign(h, ['-', ...OUT], { input: customersCsv(1) })).code).toBe(0);
    // What a run killed between writing row-2's "sending" and hearing back leaves behind.
    const sending = {
      kind: 'sending',
      key: 'row-2',
      fingerprint: fingerprint({ origin_owner_id: 'cust-2', origin_owner_name: 'Customer 2' }),
      at: new Date(h.clock.now()).toISOString(),
    };
    appendFileSync(join(workDir(h), 'results.jsonl.journal'), `${JSON.stringify(sending)}\n{"kind":"creat`);
    writeInput(h, 'c.csv', customersCsv(3));
    h.emulator.clearRequests();
    const result = await campaign(h, ['c.csv', ...OUT]);
    expect(result.code).toBe(1);
    expect(creates(h).map((r) => (r.body as { origin_owner_id: string }).origin_owner_id)).toEqual(['cust-3']);
    expect(resultsJsonl(h).map((r) => [r.key, r.status])).toEqual([
      ['row-1', 'created'],
      ['row-2', 'uncertain'],
      ['row-3', 'created'],
    ]);
    expect(resultsJsonl(h)[1]!.error).toMatch(/the run stopped while its create was on its way to StackOne/);
  });

  test('a row changed after it was created, or re-keyed, is refused (exit 2): no second session for a customer', async () => {
    writeInput(h, 'c.csv', customersCsv(2));
    expect((await campaign(h, ['c.csv', ...OUT])).code).toBe(0);
    h.emulator.clearRequests();
    writeInput(h, 'c.csv', 'key,origin_owner_id,origin_owner_name\nrow-1,cust-1,Customer One\nrow-2,cust-2,Customer 2\n');
    const changed = await campaign(h, ['c.csv', ...OUT]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/line 2: changed since key row-1 created session \d+; restore it, or give it a new key/);
    writeInput(h, 'c.csv', 'key,origin_owner_id,origin_owner_name\nA,cust-1,Customer 1\nB,cust-2,Customer 2\n');
    const rekeyed = await campaign(h, ['c.csv', ...OUT]);
    expect(rekeyed.code).toBe(2);
    expect(rekeyed.stderr).toMatch(/line 2: the same request as key row-1, which created session \d+: did its key change\?/);
    expect(creates(h)).toHaveLength(0);
  });

  test('a second run of the same campaign while the first runs is refused, before it sends anything', async () => {
    writeInput(h, 'c.csv', customersCsv(2));
    let second: Awaited<ReturnType<typeof campaign>> | undefined;
    hold = (release) => {
      hold = undefined;
      // The first run has a create in flight: start the same command again.
      void campaign(h, ['c.csv', ...OUT]).then((result) => {
        second = result;
        release();
      });
    };
    const first = await campaign(h, ['c.csv', ...OUT]);
    expect(first.code, first.stderr).toBe(0);
    expect(second!.code).toBe(1);
    expect(second!.stderr).toMatch(
      new RegExp(
        `Another run of this campaign \\(process ${process.pid}\\) holds its journal .*results\\.jsonl\\.journal: two at once would send the same rows\\.`,
      ),
    );
    expect(creates(h)).toHaveLength(2);
  });

  test('a journal of another API or profile is refused: its rows would be sent again', async () => {
    writeInput(h, 'c.csv', customersCsv(1));
    expect((await campaign(h, ['c.csv', ...OUT])).code).toBe(0);
    const other = await campaign(h, ['c.csv', ...OUT, '--profile', 'eu']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/results\.jsonl belongs to a campaign run with profile "default" at http:\/\/127\.0\.0\.1:\d+, not "eu"/);
  });

  test('sessions a killed run created but did not write to the history are added by the next run, without a request', async () => {
    writeInput(h, 'c.csv', customersCsv(2));
    expect((await campaign(h, ['c.csv', ...OUT])).code).toBe(0);
    const journal = join(workDir(h), 'results.jsonl.journal');
    const kept = readFileSync(journal, 'utf8')
      .split('\n')
      .filter((l) => !l.includes('"recorded"'))
      .join('\n');
    writeFileSync(journal, kept);
    rmSync(join(h.configDir, 'sessions.jsonl'));
    h.emulator.clearRequests();
    const again = await campaign(h, ['c.csv', ...OUT]);
    expect(again.code, again.stderr).toBe(0);
    expect(h.emulator.requests).toHaveLength(0);
    expect(historyOf(h.configDir).map((r) => r.origin_owner_id)).toEqual(['cust-1', 'cust-2']);
  });
});

describe('campaign progress on stderr', () => {
  test('on a terminal: a bar redrawn in place with done/total, rate and failures; failures stay above it', async () => {
    writeInput(h, 'c.csv', customersCsv(4));
    h.emulator.injectFaults([{ kind: 'status', status: 400 }]);
    const result = await campaign(h, ['c.csv', ...OUT, '--rate', '60'], { tty: { stderr: true, columns: 80 } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\u001b\[1F\u001b\[J/); // back to the bar's line, erased, drawn again
    const screen = (await screenOf(result.stderr, 80)).split('\n');
    expect(screen.at(-3)).toMatch(/^✗ line 2 \(row-1\): Creating the connect session failed: 400 Bad Request/);
    expect(screen.at(-2)).toMatch(/^█{24} {2}4\/4 · \d+\.\d\/s · 1 failed$/);
    expect(screen.at(-1)).toMatch(/^✗ Not every row has a session: 1 failed/);
  });

  test('elsewhere: one line per failure, no bar', async () => {
    writeInput(h, 'c.csv', customersCsv(3));
    h.emulator.injectFaults([{ kind: 'status', status: 422 }]);
    const result = await campaign(h, ['c.csv', ...OUT]);
    expect(result.stderr).not.toContain('\u001b');
    expect(linesMatching(result.stderr, /^✗ line/)).toHaveLength(1);
  });
});
