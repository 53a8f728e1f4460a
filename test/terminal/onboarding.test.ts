import { afterEach, describe, expect, test } from 'vitest';
import { TEST_KEY, useHarness } from '../helpers/harness.js';
import { harnessEnv, keepScreen, killAllPtys, type PtyRun, spawnPty } from '../helpers/pty.js';

const h = useHarness({ process: true });
afterEach(killAllPtys);

/** The session id from the "Session  123" row of the created block. */
async function sessionIdOn(t: PtyRun): Promise<number> {
  const row = await t.waitFor(/Session\s+\d+/);
  return Number(/\d+/.exec(row)![0]);
}

/** The linked accounts the emulator holds (to check the account id shown is the real one). */
async function accountIds(): Promise<string[]> {
  const auth = `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`;
  const response = await fetch(`${h.emulator.url}/accounts`, { headers: { authorization: auth } });
  return ((await response.json()) as { id: string }[]).map((a) => a.id);
}

describe('interactive session create (support staff onboarding a customer)', () => {
  test('a whole onboarding typed in: every question, the summary, the link, a failed and a cancelled attempt, then the account id', async () => {
    const t = spawnPty(['session', 'create', '--interval', '200ms'], { env: harnessEnv(h) });

    await t.answer('? Customer id (origin owner id):', 'acme-42');
    await t.answer('? Customer name (origin owner name):'); // empty: refused as typed, the question stays
    await t.answer('The customer name is required.', 'Acme Ltd');
    await t.waitFor('? Categories the customer may connect');
    t.press('down'); // ats -> hris
    t.press('space');
    t.press('enter');
    await t.waitFor('✔ Categories the customer may connect (none: all): HRIS');
    await t.waitFor('❯ none: let the customer choose');
    t.write('bamb');
    await t.answer('❯ BambooHR (bamboohr) · HRIS');
    await t.waitFor('✔ Provider (type to filter): bamboohr');
    await t.waitFor('? Type:');
    t.press('down');
    t.press('enter');
    await t.waitFor('? The link expires after:');
    t.press('down');
    t.press('enter');
    await t.answer('? Label for the linked account (optional):', 'Payroll');
    await t.waitFor('About to create a connect session:');
    await t.waitFor('? Create this connect session? (Y/n)');
    expect(h.createBodies()).toEqual([]); // nothing is sent before the summary is confirmed
    t.press('enter');

    await t.waitFor('Send this link to the customer:');
    const link = await t.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\S+/);
    const id = await sessionIdOn(t);
    await t.waitFor(`stackone-connect session poll ${id}`);
    await t.waitFor('Waiting for the customer to open the link');
    h.emulator.fail(id, { code: 'access_denied', description: 'The user denied access' });
    await t.waitFor(
      'The connection to bamboohr failed: access_denied (The user denied access). The customer can try again; still waiting.',
    );
    h.emulator.cancel(id);
    await t.waitFor('The customer cancelled the connection to bamboohr. The customer can try again; still waiting.');
    h.emulator.connect(id, { provider: 'bamboohr' });
    const account = (await t.waitFor(/Account\s+\S+/)).split(/\s+/)[1]!;

    expect(await t.exitCode()).toBe(0);
    expect(h.createBodies()).toEqual([
      {
        origin_owner_id: 'acme-42',
        origin_owner_name: 'Acme Ltd',
        categories: ['hris'],
        provider: 'bamboohr',
        type: 'test',
        expires_in: 3600,
        label: 'Payroll',
      },
    ]);
    expect(await accountIds()).toContain(account);
    expect(h.emulator.requests.filter((r) => r.path === '/connectors/meta')).toHaveLength(1);

    const screen = await t.screen();
    keepScreen('onboarding', screen);
    expect(screen).toContain(
      `  Categories    HRIS\n  Provider      bamboohr\n  Type          test\n  Expires       after 1h 00m (3600 s)\n  Label         Payroll`,
    );
    expect(screen).toContain(link);
    // The spinner leaves nothing behind: the screen ends with the outcome block, whole.
    const tail = screen.trimEnd().split('\n').slice(-5);
    expect(tail[0]).toBe('');
    expect(tail[1]).toBe('✓ Acme Ltd (acme-42) connected bamboohr.');
    expect(tail.slice(2)).toEqual([`  Account    ${account}`, `  Session    ${id}`, `  Auth link  ${link}`]);
    expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  });

  test('flags given on the command line are not asked again; the rest is', async () => {
    const t = spawnPty(
      [
        'session',
        'create',
        '--origin-owner-id',
        'acme-7',
        '--categories',
        'ats',
        '--type',
        'PRODUCTION',
        '--expires-in',
        '7d',
        '--label',
        'ATS',
        '--no-wait',
      ],
      { env: harnessEnv(h) },
    );
    await t.answer('? Customer name (origin owner name):', 'Acme Seven');
    // The list is narrowed to the categories given: ATS providers only.
    await t.waitFor('❯ none: let the customer choose');
    const list = await t.waitFor(/Lever \(lever\) · ATS/);
    expect(list).toBeTruthy();
    t.write('green');
    await t.answer('❯ Greenhouse (greenhouse) · ATS');
    await t.answer('? Create this connect session?');
    await t.waitFor('Send this link to the customer:');
    expect(await t.exitCode()).toBe(0);

    const text = t.text();
    for (const asked of ['Customer id', 'Categories the customer', '? Type:', 'expires after', 'Label for the linked']) {
      expect(text).not.toContain(asked);
    }
    expect(text).not.toContain('BambooHR'); // an HRIS provider was never offered for ats
    expect(text).not.toContain('Waiting for the customer'); // --no-wait
    expect(h.createBodies()).toEqual([
      {
        origin_owner_id: 'acme-7',
        origin_owner_name: 'Acme Seven',
        categories: ['ats'],
        provider: 'greenhouse',
        type: 'production',
        expires_in: 604800,
        label: 'ATS',
      },
    ]);
  });

  test('a custom expiry is checked with the --expires-in rules as typed, then sent in seconds', async () => {
    const t = spawnPty(['session', 'create', '--origin-owner-id', 'a', '--origin-owner-name', '', '--provider', 'hibob', '--no-wait'], {
      env: harnessEnv(h),
    });
    await t.answer('? Customer name', 'A');
    await t.answer('? Categories');
    await t.answer('? Type:');
    await t.waitFor('? The link expires after:');
    t.press('up'); // the list loops: up from the first is "custom…"
    t.press('enter');
    await t.answer('? Expires after (seconds, or 90s, 30m, 12h, 7d, 1h30m):', '1.5s');
    await t.waitFor('It must be a positive whole number of seconds.');
    t.press('backspace', 4);
    t.write('2h\r');
    await t.answer('? Label');
    await t.answer('  Expires       after 2h 00m (7200 s)');
    expect(await t.exitCode()).toBe(0);
    expect(h.createBodies()).toEqual([
      { origin_owner_id: 'a', origin_owner_name: 'A', provider: 'hibob', type: 'production', expires_in: 7200 },
    ]);
  });

  test('with --quiet the questions are still asked and the link still shown, then the account id alone', async () => {
    const t = spawnPty(
      [
        'session',
        'create',
        '--quiet',
        '--interval',
        '200ms',
        '--origin-owner-id',
        'q',
        '--provider',
        'hibob',
        '--categories',
        'hris',
        '--type',
        'test',
        '--expires-in',
        '1h',
        '--label',
        'x',
      ],
      { env: harnessEnv(h) },
    );
    await t.answer('? Customer name', 'Q');
    await t.answer('? Create this connect session?');
    await t.waitFor(/Auth link: http:\/\/127\.0\.0\.1:\d+\/\S+/);
    const list = await h.cli(['session', 'list', '--json']); // the history is written before the link is shown
    h.emulator.connect((JSON.parse(list.stdout) as { session_id: number }[])[0]!.session_id, { provider: 'hibob' });
    const account = await t.waitFor(/^\d{6,}$/m);
    expect(await t.exitCode()).toBe(0);
    expect(await accountIds()).toContain(account);
  });

  test('a bad flag given next to the prompts fails before the first question (exit 2)', async () => {
    const t = spawnPty(['session', 'create', '--categories', 'payroll'], { env: harnessEnv(h) });
    await t.waitFor('Unknown category "payroll" for --categories.');
    expect(await t.exitCode()).toBe(2);
    expect(t.text()).not.toContain('? Customer id');
    expect(h.emulator.requests).toEqual([]);
  });

  test('declining the summary creates nothing and is not an interruption (exit 2)', async () => {
    const t = spawnPty(
      [
        'session',
        'create',
        '--origin-owner-id',
        'a',
        '--provider',
        'x',
        '--type',
        'test',
        '--expires-in',
        '1h',
        '--label',
        'l',
        '--categories',
        'crm',
      ],
      { env: harnessEnv(h) },
    );
    await t.answer('? Customer name', 'A');
    await t.answer('? Create this connect session? (Y/n)', 'n');
    await t.waitFor('Not created: the summary was declined. Nothing was sent.');
    expect(await t.exitCode()).toBe(2);
    expect(h.createBodies()).toEqual([]);
  });
});
