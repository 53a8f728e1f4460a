import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConnectSessionView, type Emulator, startEmulator } from '../../src/emulator/index.js';
import { saveScreenshot, useChromium } from './chromium.js';

// The hub page as a customer sees it, in a real Chromium, with the emulator in this process.
const chromium = useChromium();
const KEY = 'v1.eu1.hub-page-test';
let emulator: Emulator | undefined;
let page: Page | undefined;
let other: Server | undefined;

afterEach(async () => {
  await page?.close();
  page = undefined;
  await emulator?.close();
  emulator = undefined;
  // Chromium keeps connections alive: close them, or close() waits for them.
  other?.closeAllConnections();
  await new Promise((resolve) => (other ? other.close(resolve) : resolve(undefined)));
  other = undefined;
});

const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

/** test/artifacts/<name>-desktop.png and <name>-phone.png, of the page as it is now. */
async function shoot(hub: Page, name: string): Promise<void> {
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await hub.setViewportSize(size);
    await saveScreenshot(hub, `${name}-${label}.png`);
  }
  await hub.setViewportSize(VIEWPORTS.desktop);
}

async function start(): Promise<Emulator> {
  emulator = await startEmulator({ apiKey: KEY });
  return emulator;
}

/** A session as a client creates it: POST /connect_sessions with Basic auth. */
async function createSession(
  emu: Emulator,
  body: Record<string, unknown>,
): Promise<ConnectSessionView & { token: string; auth_link_url: string }> {
  const res = await fetch(`${emu.url}/connect_sessions`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`,
      'user-agent': 'hub-page-test/1.0',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ origin_owner_id: 'acme-42', origin_owner_name: 'Acme Ltd', ...body }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as ConnectSessionView & { token: string; auth_link_url: string };
}

async function open(url: string, status = 200): Promise<Page> {
  page = await (await chromium()).newPage();
  await page.setViewportSize(VIEWPORTS.desktop);
  const response = await page.goto(url);
  expect(response?.status()).toBe(status);
  return page;
}

const attemptOf = (emu: Emulator, id: number) => emu.session(id)?.latest_connection_attempt ?? null;

describe('the hub page a customer sees', () => {
  it('chooses no provider for the customer, even while a connection to Okta is in progress; Connect asks for a choice first', async () => {
    const emu = await start();
    const s = await createSession(emu, { categories: ['hris', 'iam'], origin_username: 'jane@acme.test' });
    emu.startAttempt(s.id, { provider: 'okta' });
    const hub = await open(s.auth_link_url);
    expect(await hub.getByTestId('last-attempt').textContent()).toBe('A connection to Okta is in progress.');
    expect(await hub.locator('input[name="provider"]:checked').count()).toBe(0);
    await shoot(hub, 'hub-nothing-chosen');

    const posts: string[] = [];
    hub.on('request', (r) => void (r.method() === 'POST' && posts.push(r.postData() ?? '')));
    await hub.getByTestId('connect').click();
    // the browser asks for a choice and keeps the form
    expect(
      await hub
        .locator('input[name="provider"]')
        .first()
        .evaluate((el) => (el as unknown as { validationMessage: string }).validationMessage),
    ).not.toBe('');
    await hub.getByTestId('provider-hibob').click();
    await hub.getByTestId('connect').click();
    await hub.locator('[data-testid="result"][data-status="authenticated"]').waitFor({ timeout: 10_000 });
    // one form post in all: the first click sent nothing
    expect(posts).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(posts[0]))).toEqual({ token: s.token, provider: 'hibob', action: 'connect' });
    expect(emu.requests.map((r) => r.path)).toEqual(['/connect_sessions']);
  });

  it('after Connect: the result comes by a redirect, offers no Fail or Cancel, and a reload posts nothing again', async () => {
    const emu = await start();
    const s = await createSession(emu, { categories: ['hris'] });
    const hub = await open(s.auth_link_url);
    await hub.getByTestId('provider-hibob').click();
    await hub.getByTestId('connect').click();
    await hub.locator('[data-testid="result"][data-status="authenticated"]').waitFor({ timeout: 10_000 });
    expect(new URL(hub.url()).pathname).toBe('/hub/result');
    expect(await hub.locator('button, input, form').count()).toBe(0);
    expect(await hub.getByTestId('fail').count()).toBe(0);
    const accountId = await hub.getByTestId('account-id').textContent();
    const connected = attemptOf(emu, s.id);
    expect(connected).toMatchObject({ status: 'authenticated', account_secure_id: accountId });
    await shoot(hub, 'hub-connected');

    const reloaded = await hub.reload();
    expect(reloaded?.request().method()).toBe('GET');
    expect(await hub.getByTestId('account-id').textContent()).toBe(accountId);
    expect(attemptOf(emu, s.id)).toEqual(connected);

    // the link opened again: connected, and only "Connect again" is offered
    await hub.goto(s.auth_link_url);
    expect(await hub.getByTestId('last-attempt').getAttribute('data-status')).toBe('authenticated');
    expect(await hub.locator('button').allTextContents()).toEqual(['Connect again']);
    await shoot(hub, 'hub-reopened-after-connect');
  });

  it('the expired and the bad-link pages draw their icons (no emoji font needed) and speak to the customer', async () => {
    const emu = await start();
    const s = await createSession(emu, {});
    emu.expire(s.id);
    const hub = await open(s.auth_link_url, 410);
    expect(await hub.locator('h1').textContent()).toBe('This link has expired');
    const icon = hub.locator('.icon svg[data-icon="clock"]');
    const box = await icon.boundingBox();
    expect(box?.width).toBeGreaterThan(20);
    expect(box?.height).toBeGreaterThan(20);
    // no text in the icon: nothing that needs a font to draw
    expect(await hub.locator('.icon').evaluate((el) => el.textContent?.trim())).toBe('');
    expect(await hub.locator('button, input').count()).toBe(0);
    await shoot(hub, 'hub-expired');

    await hub.goto(`${emu.url}/hub?token=not-a-token`);
    expect((await hub.locator('main').innerText()).split(/\n+/)).toEqual([
      'This link is not valid',
      'This link is incomplete or no longer valid. Ask the person who sent it for a new one.',
    ]);
    expect(await hub.locator('.icon svg[data-icon="alert"]').isVisible()).toBe(true);
    await shoot(hub, 'hub-bad-link');
  });

  it('a page on another origin cannot submit the hub form or queue a fault, while the hub page itself can', async () => {
    const emu = await start();
    const s = await createSession(emu, { provider: 'greenhouse' });
    // An attacker's page on another port of this machine: a hidden form and a no-cors fetch.
    other = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><form id="f" method="post" action="${emu.url}/hub/attempt">
<input name="token" value="${s.token}"><input name="provider" value="greenhouse"><input name="action" value="connect"></form>
<script>fetch(${JSON.stringify(`${emu.url}/_emulator/faults`)}, { method: 'POST', mode: 'no-cors', body: '[{"kind":"hang","times":100}]' })
  .finally(() => document.getElementById('f').submit());</script>`);
    });
    await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve));
    const attacker = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
    page = await (await chromium()).newPage();
    const refused = page.waitForResponse((r) => r.url().endsWith('/hub/attempt'));
    await page.goto(attacker);
    expect((await refused).status()).toBe(403);
    // the form's navigation ends on the emulator's refusal page
    await page.waitForURL(`${emu.url}/hub/attempt`, { waitUntil: 'load' });
    expect(attemptOf(emu, s.id)).toBeNull();
    const health = await fetch(`${emu.url}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`, 'user-agent': 't/1' },
    });
    expect(health.status).toBe(200); // no hang was queued

    await page.goto(s.auth_link_url);
    expect(await page.locator('input[value="greenhouse"]').isChecked()).toBe(true);
    await page.getByTestId('connect').click();
    await page.locator('[data-testid="result"][data-status="authenticated"]').waitFor({ timeout: 10_000 });
    expect(attemptOf(emu, s.id)).toMatchObject({ status: 'authenticated' });
  });
});
