import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type Created, createSession, linesMatching, oneJsonLine } from '../helpers/e2e.js';
import { useHarness } from '../helpers/harness.js';

const h = useHarness();

const LIST_KEYS = [
  'session_id',
  'origin_owner_id',
  'origin_owner_name',
  'provider',
  'profile',
  'created_at',
  'expires_at',
  'status',
  'auth_link_url',
];

interface Listed {
  session_id: number;
  origin_owner_id: string | null;
  origin_owner_name: string | null;
  provider: string | null;
  profile: string;
  created_at: string;
  expires_at: string;
  status: string;
  auth_link_url: string;
}

const list = (args: string[] = []) => h.cli(['session', 'list', ...args]);

async function threeSessions(): Promise<Created[]> {
  return [
    await createSession(h, ['--provider', 'bamboohr']),
    await createSession(h, ['--origin-owner-name', 'Globex', '--origin-owner-id', 'cust-7', '--expires-in', '2h']),
    await createSession(h, ['--profile', 'eu']),
  ];
}

describe('session list', () => {
  test("--json is an array of the sessions this machine created, newest first, with exactly the contract's keys", async () => {
    const [a, b, c] = await threeSessions();
    h.emulator.clearRequests();
    const result = await list(['--json']);
    expect(result.code, result.stderr).toBe(0);
    const sessions = oneJsonLine<Listed[]>(result.stdout);
    expect(sessions.map((s) => s.session_id)).toEqual([c!.id, b!.id, a!.id]);
    for (const s of sessions) expect(Object.keys(s)).toEqual(LIST_KEYS);
    expect(sessions[0]).toMatchObject({ profile: 'eu', status: 'pending', auth_link_url: c!.auth_link_url, origin_owner_id: 'cust-42' });
    expect(sessions[1]).toMatchObject({ origin_owner_id: 'cust-7', origin_owner_name: 'Globex', profile: 'default', provider: null });
    expect(sessions[2]).toMatchObject({ provider: 'bamboohr' });
    expect(typeof sessions[0]!.session_id).toBe('number');
    const b1 = sessions[1]!;
    expect(Date.parse(b1.expires_at) - Date.parse(b1.created_at)).toBe(7_200_000);
    // Local history only: nothing is sent.
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('never prints the session token (no token field; it appears only inside the auth link it belongs to)', async () => {
    const created = await threeSessions();
    const json = await list(['--json']);
    const human = await list();
    expect(json.stdout).not.toMatch(/"token"/);
    const withoutLinks = (text: string) => created.reduce((t, c) => t.split(c.auth_link_url).join('<link>'), text);
    for (const { token } of created) {
      expect(withoutLinks(json.stdout + json.stderr)).not.toContain(token);
      expect(withoutLinks(human.stdout + human.stderr)).not.toContain(token);
    }
  });

  test('the human table has a header and one row per session, newest first', async () => {
    const [a, b, c] = await threeSessions();
    const result = await list();
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+CUSTOMER\s+PROVIDER\s+STATUS\s+CREATED\s+EXPIRES\s+PROFILE$/);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => Number(l.split(/\s+/)[0]))).toEqual([c!.id, b!.id, a!.id]);
    expect(lines[2]).toMatch(/Globex/);
    expect(lines[2]).toMatch(/in (2h 00m|1h 59m)/);
    expect(lines[3]).toMatch(/bamboohr\s+pending/);
    expect(lines[1]).toMatch(/\beu$/);
  });

  test('on a terminal 60 columns wide no line wraps: long names are cut with …, then the profile and creation left out', async () => {
    await createSession(h, [
      '--origin-owner-name',
      'Wolfeschlegelsteinhausenbergerdorff Holdings International',
      '--provider',
      'successfactors',
      '--profile',
      'production-eu-west',
    ]);
    const narrow = await h.cli(['session', 'list', '--no-color'], { tty: { stdout: true, columns: 60 } });
    const lines = narrow.stdout.trimEnd().split('\n');
    expect(
      lines.every((l) => l.length <= 60),
      lines.join('\n'),
    ).toBe(true);
    expect(lines[0]).toMatch(/^ID\s+CUSTOMER\s+PROVIDER\s+STATUS\s+EXPIRES$/);
    expect(lines[1]).toMatch(/Wolfe\S*…\s+successfactors\s+pending\s+in 30m 00s$/);
    expect(lines[1]).toHaveLength(60);
    const wide = await h.cli(['session', 'list', '--no-color'], { tty: { stdout: true, columns: 200 } });
    expect(wide.stdout).toMatch(
      /Wolfeschlegelsteinhausenbergerdorff Holdings International\s+successfactors\s+pending\s+\S+ ago\s+in 30m 00s\s+production-eu-west/,
    );
    // Not a terminal: every cell whole, whatever the width.
    expect((await h.cli(['session', 'list'])).stdout).toMatch(/Holdings International\s+successfactors/);
  });

  test('--limit shows at most that many, the newest', async () => {
    const [, b, c] = await threeSessions();
    const result = await list(['--limit', '2', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<Listed[]>(result.stdout).map((s) => s.session_id)).toEqual([c!.id, b!.id]);
    const human = await list(['--limit', '1']);
    expect(human.stdout.trimEnd().split('\n')).toHaveLength(2);
  });

  test.each([['0'], ['-1'], ['two'], ['1.5']])('--limit %s exits 2', async (value) => {
    const result = await list([`--limit=${value}`]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--limit');
  });

  test('the status column shows the last known status, and expired once the expiry has passed', async () => {
    const connected = await createSession(h);
    const expiring = await createSession(h, ['--expires-in', '1']);
    h.emulator.connect(connected.id);
    expect((await h.cli(['session', 'status', String(connected.id)])).code).toBe(0);
    h.clock.advance(1000);
    const sessions = oneJsonLine<Listed[]>((await list(['--json'])).stdout);
    expect(sessions.find((s) => s.session_id === connected.id)?.status).toBe('authenticated');
    expect(sessions.find((s) => s.session_id === expiring.id)?.status).toBe('expired');
  });

  test('an empty history: --json prints [], the table says there is nothing yet; exit 0', async () => {
    const json = await list(['--json']);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe('[]\n');
    const human = await list();
    expect(human.code).toBe(0);
    expect(linesMatching(human.stdout, /No sessions/)).toHaveLength(1);
  });

  test('--quiet prints the session ids alone, newest first', async () => {
    const [a, b, c] = await threeSessions();
    const result = await list(['--quiet']);
    expect(result.stdout).toBe(`${c!.id}\n${b!.id}\n${a!.id}\n`);
  });

  test('--status keeps the sessions in those states, before --limit', async () => {
    const connected = await createSession(h);
    const [pending1, pending2] = [await createSession(h), await createSession(h)];
    h.emulator.connect(connected.id);
    expect((await h.cli(['session', 'status', String(connected.id)])).code).toBe(0);
    const ids = async (args: string[]) => oneJsonLine<Listed[]>((await list([...args, '--json'])).stdout).map((s) => s.session_id);
    expect(await ids(['--status', 'pending'])).toEqual([pending2!.id, pending1!.id]);
    expect(await ids(['--status', 'authenticated'])).toEqual([connected.id]);
    expect(await ids(['--status', 'Pending,authenticated', '--limit', '2'])).toEqual([pending2!.id, pending1!.id]);
    expect(await ids(['--status', 'authenticated', '--limit', '1'])).toEqual([connected.id]);
    expect(await ids(['--status', 'expired'])).toEqual([]);
    const none = await list(['--status', 'cancelled']);
    expect(none.stdout).toMatch(/No cancelled sessions on this machine\./);
  });

  test.each([['connected'], [''], ['pending,,nope']])('--status %j exits 2 and names the states', async (value) => {
    const result = await list([`--status=${value}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Use one or more of: pending, authenticated, error, cancelled, expired/);
  });

  test('works without any API key: the history is local', async () => {
    await createSession(h);
    const result = await h.cli(['session', 'list', '--json'], { env: { STACKONE_API_KEY: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<Listed[]>(result.stdout)).toHaveLength(1);
  });
});

describe('session list with a long history', () => {
  test('130,000 sessions: listed in full (human and --json), newest first, and --limit reads only the newest', async () => {
    mkdirSync(h.configDir, { recursive: true, mode: 0o700 });
    const at = new Date(h.clock.now()).toISOString();
    const line = (i: number) =>
      JSON.stringify({
        kind: 'session',
        session_id: i,
        token: `t${i}`,
        auth_link_url: `https://x/?token=t${i}`,
        origin_owner_id: `o${i}`,
        origin_owner_name: null,
        provider: null,
        created_at: at,
        expires_in: 1800,
        expires_at: at,
        profile: 'default',
        base_url: h.emulator.url,
        status: 'pending',
        account_secure_id: null,
        updated_at: at,
      });
    writeFileSync(join(h.configDir, 'sessions.jsonl'), `${Array.from({ length: 130_000 }, (_, i) => line(i + 1)).join('\n')}\n`, {
      mode: 0o600,
    });
    const human = await list();
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout.split('\n')[1]).toMatch(/^130000\s+o130000\s+-\s+expired/);
    const json = await list(['--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(oneJsonLine<Listed[]>(json.stdout)).toHaveLength(130_000);
    expect(oneJsonLine<Listed[]>((await list(['--json', '--limit', '2'])).stdout).map((s) => s.session_id)).toEqual([130_000, 129_999]);
  });
});
