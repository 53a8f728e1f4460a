import { describe, expect, it } from 'vitest';
import { createSession, emulator, getSession } from './helpers.js';

function post(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
}

function options(html: string): string[] {
  return [...html.matchAll(/<input type="radio" name="provider" value="([^"]*)"/g)].map((m) => m[1]!);
}

describe('hub page', () => {
  it('shows who connects (escaped), the categories and the providers of those categories', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { origin_owner_name: '<script>alert("x")</script> & Co', origin_owner_id: "o'1", categories: ['ats', 'crm'] });
    const res = await fetch(s.auth_link_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).not.toContain('<script>');
    expect(html).toContain('o&#39;1');
    expect(html).toContain('<li class="chip">ATS</li><li class="chip">CRM</li>');
    expect(options(html)).toEqual(['greenhouse', 'lever', 'salesforce', 'hubspot']);
    // the first provider is chosen, so a single click on Connect works
    expect(html).toContain('value="greenhouse" checked');
    expect(html.match(/ checked/g)).toHaveLength(1);
    for (const id of ['providers', 'provider-hubspot', 'connect', 'fail', 'cancel']) expect(html).toContain(`data-testid="${id}"`);
    // no external assets: the page works offline
    expect(html).not.toMatch(/(src|href)="https?:|url\(|@import|<script|<link /);
  });

  it('edit mode names the account, offers only its provider, and connecting updates that account', async () => {
    const emu = await emulator();
    const first = await createSession(emu, { categories: ['hris'] });
    emu.connect(first.id, { provider: 'personio' });
    const accountId = ((await getSession(emu, first.id))['latest_connection_attempt'] as { account_secure_id: string }).account_secure_id;
    const edit = await createSession(emu, { account_id: accountId, categories: ['hris', 'ats'] });
    const html = await (await fetch(edit.auth_link_url)).text();
    expect(html).toContain(`data-testid="edit-mode">Reconnecting the existing account <code>${accountId}</code>`);
    expect(options(html)).toEqual(['personio']);
    const done = await (await post(`${emu.url}/hub/attempt`, { token: edit.token, provider: 'personio', action: 'connect' })).text();
    expect(done).toContain(`<code data-testid="account-id">${accountId}</code>`);
  });

  it('offers only the session provider when it has one', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { provider: 'workday', categories: ['hris'] });
    expect(options(await (await fetch(s.auth_link_url)).text())).toEqual(['workday']);
  });

  it('Connect authenticates the session with the chosen provider and shows the account id', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['hris'] });
    const res = await post(`${emu.url}/hub/attempt`, { token: s.token, provider: 'hibob', action: 'connect' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="result" data-status="authenticated"');
    const attempt = (await getSession(emu, s.id))['latest_connection_attempt'] as { status: string; account_secure_id: string };
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
    expect((await getSession(emu, s.id))['latest_connection_attempt']).toMatchObject({ status: 'error' });
    const again = await (await fetch(s.auth_link_url)).text();
    expect(again).toContain('data-testid="last-attempt" data-status="error"');
    expect(again).toContain('The last attempt failed: access_denied');
    const cancelled = await (await post(`${emu.url}/hub/attempt`, { token: s.token, action: 'cancel' })).text();
    expect(cancelled).toContain('data-status="cancelled"');
    expect((await getSession(emu, s.id))['latest_connection_attempt']).toMatchObject({ status: 'cancelled' });
  });

  it('refuses a provider the session does not offer, and an unknown action', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { provider: 'workday' });
    expect((await post(`${emu.url}/hub/attempt`, { token: s.token, provider: 'hibob', action: 'connect' })).status).toBe(400);
    expect((await post(`${emu.url}/hub/attempt`, { token: s.token, action: 'explode' })).status).toBe(400);
    expect((await getSession(emu, s.id))['latest_connection_attempt']).toBeNull();
  });

  it('answers 404 for an unknown token and 410 once the session expired', async () => {
    const emu = await emulator();
    const missing = await fetch(`${emu.url}/hub?token=nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('data-status="invalid"');
    expect((await fetch(`${emu.url}/hub`)).status).toBe(404);
    const s = await createSession(emu);
    emu.expire(s.id);
    const expired = await fetch(s.auth_link_url);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('data-status="expired"');
    expect((await post(`${emu.url}/hub/attempt`, { token: s.token, action: 'connect' })).status).toBe(410);
  });
});
