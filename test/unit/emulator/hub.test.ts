import { describe, expect, it } from 'vitest';
import { call, createSession, emulator, getSession } from './helpers.js';

/** The hub's form as a browser posts it; fetch follows the 303 to the result page unless told not to. */
function post(url: string, form: Record<string, string>, redirect: 'follow' | 'manual' = 'follow'): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect,
  });
}

const checked = (html: string): string[] =>
  [...html.matchAll(/<input type="radio" name="provider" value="([^"]*)" required checked>/g)].map((m) => m[1]!);
const buttons = (html: string): string[] => [...html.matchAll(/<button[^>]*data-testid="([^"]+)"/g)].map((m) => m[1]!);

function options(html: string): string[] {
  return [...html.matchAll(/<input type="radio" name="provider" value="([^"]*)"/g)].map((m) => m[1]!);
}

describe('hub page', () => {
  it('shows who connects (escaped), the categories and the providers of those categories', async () => {
    const emu = await emulator();
    const s = await createSession(emu, {
      origin_owner_name: '<script>alert("x")</script> & Co',
      origin_owner_id: "o'1",
      categories: ['ats', 'crm'],
    });
    const res = await fetch(s.auth_link_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).not.toContain('<script>');
    expect(html).toContain('o&#39;1');
    expect(html).toContain('<li class="chip">ATS</li><li class="chip">CRM</li>');
    expect(options(html)).toEqual(['greenhouse', 'lever', 'salesforce', 'hubspot']);
    // nothing is chosen for the customer: Connect needs a choice first (the browser enforces `required`)
    expect(checked(html)).toEqual([]);
    expect(html).toContain('<input type="radio" name="provider" value="greenhouse" required>');
    expect(html).toMatch(/value="fail" formnovalidate/);
    expect(html).toMatch(/value="cancel" formnovalidate/);
    for (const id of ['providers', 'provider-hubspot', 'connect', 'fail', 'cancel']) expect(html).toContain(`data-testid="${id}"`);
    // no external assets: the page works offline
    expect(html).not.toMatch(/(src|href)="https?:|url\(|@import|<script|<link /);
  });

  it('edit mode names the account, offers only its provider, and connecting updates that account', async () => {
    const emu = await emulator();
    const first = await createSession(emu, { categories: ['hris'] });
    emu.connect(first.id, { provider: 'personio' });
    const accountId = ((await getSession(emu, first.id)).latest_connection_attempt as { account_secure_id: string }).account_secure_id;
    const edit = await createSession(emu, { account_id: accountId, categories: ['hris', 'ats'] });
    const html = await (await fetch(edit.auth_link_url)).text();
    expect(html).toContain(`data-testid="edit-mode">Reconnecting the existing account <code>${accountId}</code>`);
    expect(options(html)).toEqual(['personio']);
    const done = await (await post(`${emu.url}/hub/attempt`, { token: edit.token, provider: 'personio', action: 'connect' })).text();
    expect(done).toContain(`<code data-testid="account-id">${accountId}</code>`);
  });

  it('offers only the session provider when it has one, already chosen', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { provider: 'workday', categories: ['hris'] });
    const html = await (await fetch(s.auth_link_url)).text();
    expect(options(html)).toEqual(['workday']);
    expect(checked(html)).toEqual(['workday']);
  });

  it('chooses nothing even while an attempt with a provider is in progress; Connect without a choice changes nothing', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['hris', 'iam'] });
    emu.startAttempt(s.id, { provider: 'okta' });
    const html = await (await fetch(s.auth_link_url)).text();
    expect(html).toContain('A connection to Okta is in progress.');
    expect(checked(html)).toEqual([]);
    const before = await getSession(emu, s.id);
    const res = await post(`${emu.url}/hub/attempt`, { token: s.token, action: 'connect' });
    expect(res.status).toBe(400);
    const again = await res.text();
    expect(again).toContain('data-testid="problem">Choose the software to connect, then click Connect.');
    expect(options(again)).toEqual(['bamboohr', 'hibob', 'workday', 'personio', 'okta']);
    expect(await getSession(emu, s.id)).toEqual(before);
    expect(await (await call(emu, '/accounts')).json()).toEqual([]);
  });

  it('Connect authenticates the session with the chosen provider, then redirects (303) to the result, which a reload only reads', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['hris'] });
    const posted = await post(`${emu.url}/hub/attempt`, { token: s.token, provider: 'hibob', action: 'connect' }, 'manual');
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location');
    expect(location).toBe(`/hub/result?token=${encodeURIComponent(s.token)}`);
    const res = await fetch(`${emu.url}${location}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    // the result of a finished attempt offers nothing that could change it
    expect(buttons(html)).toEqual([]);
    expect(html).not.toContain('<form');
    const first = await getSession(emu, s.id);
    expect(await (await fetch(`${emu.url}${location}`)).text()).toBe(html);
    expect(await getSession(emu, s.id)).toEqual(first);
    expect(html).toContain('data-testid="result" data-status="authenticated"');
    const attempt = (await getSession(emu, s.id)).latest_connection_attempt as { status: string; account_secure_id: string };
    expect(attempt.status).toBe('authenticated');
    expect(html).toContain(`<code data-testid="account-id">${attempt.account_secure_id}</code>`);
    expect(emu.requests.filter((r) => r.path.startsWith('/hub'))).toEqual([]);
  });

  it('Fail and Cancel record the attempt and offer to try again', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    const failed = await (await post(`${emu.url}/hub/attempt`, { token: s.token, provider: 'bamboohr', action: 'fail' })).text();
    expect(failed).toContain('data-status="error"');
    expect(failed).toContain('access_denied');
    expect(failed).toContain(`href="/hub?token=${encodeURIComponent(s.token)}" data-testid="try-again"`);
    expect((await getSession(emu, s.id)).latest_connection_attempt).toMatchObject({ status: 'error' });
    const again = await (await fetch(s.auth_link_url)).text();
    expect(again).toContain('data-testid="last-attempt" data-status="error"');
    expect(again).toContain('The last attempt failed: access_denied');
    const cancelled = await (await post(`${emu.url}/hub/attempt`, { token: s.token, action: 'cancel' })).text();
    expect(cancelled).toContain('data-status="cancelled"');
    expect((await getSession(emu, s.id)).latest_connection_attempt).toMatchObject({ status: 'cancelled' });
  });

  it('once connected: the reopened link offers only Connect again; a Fail or Cancel posted from an old page is refused (409)', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['hris'] });
    await post(`${emu.url}/hub/attempt`, { token: s.token, provider: 'personio', action: 'connect' });
    const connected = await getSession(emu, s.id);
    const reopened = await (await fetch(s.auth_link_url)).text();
    expect(reopened).toContain('data-testid="last-attempt" data-status="authenticated">You are connected to Personio');
    expect(buttons(reopened)).toEqual(['connect']);
    expect(reopened).toContain('>Connect again</button>');
    for (const action of ['fail', 'cancel']) {
      const res = await post(`${emu.url}/hub/attempt`, { token: s.token, provider: 'personio', action });
      expect(res.status, action).toBe(409);
      const html = await res.text();
      expect(html).toContain('data-testid="result" data-status="authenticated"');
      expect(buttons(html)).toEqual([]);
    }
    expect(await getSession(emu, s.id)).toEqual(connected);
    // Connect again is a reconnection: a new attempt, the same account
    const again = await (await post(`${emu.url}/hub/attempt`, { token: s.token, provider: 'personio', action: 'connect' })).text();
    const attempt = (await getSession(emu, s.id)).latest_connection_attempt as { id: string; account_secure_id: string };
    expect(attempt.id).not.toBe((connected.latest_connection_attempt as { id: string }).id);
    expect(again).toContain(`<code data-testid="account-id">${attempt.account_secure_id}</code>`);
    expect(attempt.account_secure_id).toBe((connected.latest_connection_attempt as { account_secure_id: string }).account_secure_id);
  });

  it('a result page with nothing finished goes back to the hub; a cancel before any choice names no provider', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    const early = await fetch(`${emu.url}/hub/result?token=${encodeURIComponent(s.token)}`, { redirect: 'manual' });
    expect(early.status).toBe(303);
    expect(early.headers.get('location')).toBe(`/hub?token=${encodeURIComponent(s.token)}`);
    const failed = await (await post(`${emu.url}/hub/attempt`, { token: s.token, action: 'fail' })).text();
    expect(failed).toContain('The connection was refused.');
    expect(failed).not.toContain('BambooHR');
  });

  it('refuses a provider the session does not offer, and an unknown action', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { provider: 'workday' });
    expect((await post(`${emu.url}/hub/attempt`, { token: s.token, provider: 'hibob', action: 'connect' })).status).toBe(400);
    expect((await post(`${emu.url}/hub/attempt`, { token: s.token, action: 'explode' })).status).toBe(400);
    expect((await getSession(emu, s.id)).latest_connection_attempt).toBeNull();
  });

  it('answers 404 for an unknown token and 410 once the session expired', async () => {
    const emu = await emulator();
    const missing = await fetch(`${emu.url}/hub?token=nope`);
    expect(missing.status).toBe(404);
    const invalid = await missing.text();
    expect(invalid).toContain('data-status="invalid"');
    // written for the customer who opened the link, not for whoever runs the emulator
    expect(invalid).toContain('This link is incomplete or no longer valid. Ask the person who sent it for a new one.');
    expect(invalid.slice(invalid.indexOf('<main>'), invalid.indexOf('</main>'))).not.toMatch(/emulator/i);
    expect((await fetch(`${emu.url}/hub`)).status).toBe(404);
    const s = await createSession(emu);
    emu.expire(s.id);
    const expired = await fetch(s.auth_link_url);
    expect(expired.status).toBe(410);
    const html = await expired.text();
    expect(html).toContain('data-status="expired"');
    // the icon is drawn, not a glyph that needs an emoji font
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/[\u{1F000}-\u{1FFFF}\u{2300}-\u{23FF}\u{2600}-\u{27BF}]/u);
    expect((await post(`${emu.url}/hub/attempt`, { token: s.token, action: 'connect' })).status).toBe(410);
  });
});
