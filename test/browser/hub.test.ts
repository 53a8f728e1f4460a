import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessionIdFrom, TEST_KEY, useHarness } from '../helpers/harness.js';
import { killRunningClis, type RunningCli, startCli } from '../helpers/process.js';
import { saveScreenshot, useChromium } from './chromium.js';

// A real Chromium plays the customer on the emulator's hub page while the built CLI waits.
const h = useHarness({ process: true });
const chromium = useChromium();
let page: Page | undefined;

afterEach(async () => {
  killRunningClis();
  await page?.close();
  page = undefined;
});

const env = (): Record<string, string> => ({
  STACKONE_BASE_URL: h.emulator.url,
  STACKONE_API_KEY: TEST_KEY,
  STACKONE_CONFIG_DIR: h.configDir,
});

const LINK = /(http:\/\/\S+\/hub\?token=\S+)\n/; // up to the newline: output arrives in chunks

function linkFrom(output: string): string {
  const match = LINK.exec(output);
  if (!match?.[1]) throw new Error(`no auth link in: ${output}`);
  return match[1];
}

/** GET /accounts as a client of the API would call it. */
async function accountsOf(owner: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${h.emulator.url}/accounts?origin_owner_id=${encodeURIComponent(owner)}`, {
    headers: { authorization: `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`, 'user-agent': 'browser-test/1.0' },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>[];
}

/** Returns once the CLI has read the session at least once, so the click happens while it waits. */
async function pollerHasRead(id: number, poller: RunningCli): Promise<void> {
  let ended = false;
  void poller.exited.then(() => (ended = true));
  await vi.waitFor(
    () => {
      if (ended) throw new Error(`the poll ended early:\n${poller.stdout}\n${poller.stderr}`);
      expect(h.emulator.requests.some((r) => r.method === 'GET' && r.path === `/connect_sessions/${id}`)).toBe(true);
    },
    { timeout: 10_000, interval: 50 },
  );
  expect(ended).toBe(false);
}

async function openHub(link: string): Promise<Page> {
  page = await (await chromium()).newPage();
  const response = await page.goto(link);
  expect(response?.status()).toBe(200);
  return page;
}

async function resultOf(hub: Page, status: string): Promise<void> {
  await hub.locator(`[data-testid="result"][data-status="${status}"]`).waitFor({ timeout: 10_000 });
}

describe('the hub page in Chromium', () => {
  it('a customer picks a provider and connects while `session poll` waits: exit 0 with the account, listed by GET /accounts', async () => {
    const created = await h.cli([
      'session',
      'create',
      '--origin-owner-id',
      'acme-42',
      '--origin-owner-name',
      'Acme Ltd',
      '--origin-username',
      'jane@acme.test',
      '--categories',
      'hris,ats',
    ]);
    expect(created.code).toBe(0);
    const id = sessionIdFrom(created.stdout);
    const poll = startCli(['session', 'poll', String(id), '--interval', '200ms', '--json'], { env: env() });
    await pollerHasRead(id, poll);

    const hub = await openHub(linkFrom(created.stdout));
    expect(await hub.getByTestId('owner').textContent()).toBe('Acme Ltd');
    expect(await hub.getByTestId('owner-id').textContent()).toBe('acme-42 · jane@acme.test');
    expect(await hub.getByTestId('categories').innerText()).toMatch(/HRIS\s*ATS/);
    const offered = await hub.locator('input[name="provider"]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value')));
    expect(offered).toEqual(['bamboohr', 'hibob', 'workday', 'personio', 'greenhouse', 'lever']);
    await hub.getByTestId('provider-hibob').click();
    expect(await hub.locator('input[value="hibob"]').isChecked()).toBe(true);
    await saveScreenshot(hub, 'hub.png');

    await hub.getByTestId('connect').click();
    await resultOf(hub, 'authenticated');
    const accountId = (await hub.getByTestId('account-id').textContent()) ?? '';
    expect(accountId).toMatch(/^\d{20}$/);

    const result = await poll.exited;
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ session_id: id, status: 'authenticated', account_secure_id: accountId, origin_owner_id: 'acme-42' });
    expect(await accountsOf('acme-42')).toEqual([
      expect.objectContaining({
        id: accountId,
        provider: 'hibob',
        provider_name: 'HiBob',
        status: 'active',
        origin_owner_id: 'acme-42',
        origin_owner_name: 'Acme Ltd',
        origin_username: 'jane@acme.test',
      }),
    ]);
  });

  it('Fail, then Connect on a second attempt: `create --wait` reports the failure on stderr and still exits 0', async () => {
    const wait = startCli(
      [
        'session',
        'create',
        '--origin-owner-id',
        'globex',
        '--origin-owner-name',
        'Globex',
        '--categories',
        'hris',
        '--wait',
        '--interval',
        '200ms',
      ],
      { env: env() },
    );
    const link = (await wait.waitFor('stdout', LINK))[1]!;
    const hub = await openHub(link);
    await hub.getByTestId('provider-workday').click();
    await hub.getByTestId('fail').click();
    await resultOf(hub, 'error');
    expect(await hub.getByTestId('result').innerText()).toContain('access_denied');
    await wait.waitFor(
      'stderr',
      /The connection attempt failed: access_denied \(The user denied access\)\. The customer can try again; still waiting\./,
    );

    await hub.getByTestId('try-again').click();
    expect(await hub.getByTestId('last-attempt').getAttribute('data-status')).toBe('error');
    await hub.getByTestId('provider-bamboohr').click();
    await hub.getByTestId('connect').click();
    await resultOf(hub, 'authenticated');
    const accountId = await hub.getByTestId('account-id').textContent();

    const result = await wait.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^  Account\\s+${accountId}$`, 'm'));
    // the failed attempt created nothing: one account, of the provider that succeeded
    expect((await accountsOf('globex')).map((a) => [a.id, a.provider])).toEqual([[accountId, 'bamboohr']]);
  });

  it('Cancel with --fail-fast: the poll exits 3 and reports the cancelled attempt', async () => {
    const created = await h.cli([
      'session',
      'create',
      '--origin-owner-id',
      'initech',
      '--origin-owner-name',
      'Initech',
      '--provider',
      'greenhouse',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const { id, auth_link_url: link } = JSON.parse(created.stdout) as { id: number; auth_link_url: string };
    const poll = startCli(['session', 'poll', String(id), '--interval', '200ms', '--fail-fast', '--json'], { env: env() });
    await pollerHasRead(id, poll);

    const hub = await openHub(link);
    // a session created for one provider offers only that one
    expect(await hub.locator('input[name="provider"]').count()).toBe(1);
    await hub.getByTestId('cancel').click();
    await resultOf(hub, 'cancelled');

    const result = await poll.exited;
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ session_id: id, status: 'cancelled', account_secure_id: null });
    expect(result.stderr).toContain('The customer cancelled the connection to greenhouse');
    expect(await accountsOf('initech')).toEqual([]);
  });

  it('an expired link shows the expired page (410) and offers nothing to click; the poll exits 5', async () => {
    const created = await h.cli([
      'session',
      'create',
      '--origin-owner-id',
      'umbrella',
      '--origin-owner-name',
      'Umbrella',
      '--expires-in',
      '2s',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const { id, auth_link_url: link } = JSON.parse(created.stdout) as { id: number; auth_link_url: string };
    const poll = await startCli(['session', 'poll', String(id), '--interval', '200ms', '--json'], { env: env() }).exited;
    expect(poll.code).toBe(5);
    expect(JSON.parse(poll.stdout)).toMatchObject({ session_id: id, status: 'expired' });

    page = await (await chromium()).newPage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(410);
    await resultOf(page, 'expired');
    expect(await page.locator('h1').textContent()).toBe('This link has expired');
    expect(await page.locator('button, input').count()).toBe(0);
  });
});
