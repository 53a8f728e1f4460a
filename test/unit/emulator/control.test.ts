import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../../src/emulator/index.js';
import { basic, call, createSession, emulator, expectStackOneError, getSession, json, KEY } from './helpers.js';

function control(url: string, path: string, method = 'GET', body?: unknown): Promise<Response> {
  return fetch(`${url}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('recorded requests', () => {
  it('records every API request in order with method, path, query, headers, body and status', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['hris'] });
    await call(emu, `/accounts?providers[]=a&providers[]=b&page_size=1`);
    await call(emu, '/nope', { key: null });
    expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/connect_sessions', 201],
      ['GET', '/accounts', 200],
      ['GET', '/nope', 401],
    ]);
    const [create, list] = emu.requests;
    expect(create!.body).toEqual({ origin_owner_id: 'cust-42', origin_owner_name: 'Acme Ltd', categories: ['hris'] });
    expect(JSON.parse(create!.rawBody)).toEqual(create!.body);
    // in-process, the header is raw so tests can check the Basic encoding
    expect(create!.headers.authorization).toBe(basic(KEY));
    expect(create!.headers['user-agent']).toBe('unit-test/1.0');
    expect(list!.query).toEqual({ 'providers[]': ['a', 'b'], page_size: '1' });
    expect(typeof create!.at).toBe('number');
    expect(s.id).toBeGreaterThan(0);
  });

  it('does not record hub pages or control calls; clearRequests empties the list', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    await fetch(s.auth_link_url);
    await control(emu.url, '/health');
    expect(emu.requests).toHaveLength(1);
    emu.clearRequests();
    expect(emu.requests).toHaveLength(0);
  });
});

describe('control API over HTTP', () => {
  it('serves health', async () => {
    const emu = await emulator();
    const res = await control(emu.url, '/health');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, url: emu.url });
  });

  it('serves recorded requests with the authorization header redacted, and clears them', async () => {
    const emu = await emulator();
    await createSession(emu);
    const recorded = await json<RecordedRequest[]>(await control(emu.url, '/requests'));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.headers.authorization).toBe('Basic <redacted>');
    expect(JSON.stringify(recorded)).not.toContain(basic(KEY).slice(6));
    expect(emu.requests[0]!.headers.authorization).toBe(basic(KEY));
    expect((await control(emu.url, '/requests', 'DELETE')).status).toBe(204);
    expect(await json(await control(emu.url, '/requests'))).toEqual([]);
  });

  it('drives sessions: start, fail, cancel, connect, expire', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['crm'] });
    const started = await control(emu.url, `/sessions/${s.id}/start`, 'POST', { provider: 'hubspot' });
    expect(started.status).toBe(200);
    expect((await json<{ latest_connection_attempt: { status: string } }>(started)).latest_connection_attempt.status).toBe('pending');

    await control(emu.url, `/sessions/${s.id}/fail`, 'POST', { code: 'server_error', description: 'Boom' });
    expect((await getSession(emu, s.id)).latest_connection_attempt).toMatchObject({ status: 'error', oauth_error_code: 'server_error' });

    // an empty body is fine
    expect((await fetch(`${emu.url}/_emulator/sessions/${s.id}/cancel`, { method: 'POST' })).status).toBe(200);
    expect((await getSession(emu, s.id)).latest_connection_attempt).toMatchObject({ status: 'cancelled' });

    const connected = await json<{ latest_connection_attempt: { status: string; account_secure_id: string } }>(
      await control(emu.url, `/sessions/${s.id}/connect`, 'POST', { provider: 'salesforce' }),
    );
    expect(connected.latest_connection_attempt.status).toBe('authenticated');
    const account = await json(await call(emu, `/accounts/${connected.latest_connection_attempt.account_secure_id}`));
    expect(account.provider).toBe('salesforce');

    expect((await control(emu.url, `/sessions/${s.id}/expire`, 'POST')).status).toBe(200);
    const gone = await control(emu.url, `/sessions/${s.id}/connect`, 'POST');
    expect(gone.status).toBe(410);
    expectStackOneError(await json(gone), 410);
  });

  it('answers 409 to fail, cancel or start on a connected session, which stays connected', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['crm'] });
    const connected = await json<{ latest_connection_attempt: Record<string, unknown> }>(
      await control(emu.url, `/sessions/${s.id}/connect`, 'POST', { provider: 'hubspot' }),
    );
    for (const action of ['cancel', 'fail', 'start']) {
      const res = await control(emu.url, `/sessions/${s.id}/${action}`, 'POST', {});
      expect(res.status, action).toBe(409);
      const body = await json(res);
      expectStackOneError(body, 409);
      expect(body.message).toMatch(/already connected/);
    }
    expect((await getSession(emu, s.id)).latest_connection_attempt).toEqual(connected.latest_connection_attempt);
  });

  it('lists sessions with their tokens and links', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    const sessions = await json<{ id: number; token: string; auth_link_url: string }[]>(await control(emu.url, '/sessions'));
    expect(sessions).toEqual([expect.objectContaining({ id: s.id, token: s.token, auth_link_url: s.auth_link_url })]);
  });

  it('injects and clears faults', async () => {
    const emu = await emulator();
    expect((await control(emu.url, '/faults', 'POST', [{ kind: 'status', status: 429, retryAfter: 2, times: 2 }])).status).toBe(204);
    const res = await call(emu, '/accounts');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await control(emu.url, '/faults', 'DELETE')).status).toBe(204);
    expect((await call(emu, '/accounts')).status).toBe(200);
  });

  it('answers JSON errors: 400 bad body, 404 unknown session or route, 405 wrong method', async () => {
    const emu = await emulator();
    const badFault = await control(emu.url, '/faults', 'POST', [{ kind: 'explode' }]);
    expect(badFault.status).toBe(400);
    expect((await json(badFault)).message).toMatch(/kind must be one of/);
    expect((await control(emu.url, '/faults', 'POST', { kind: 'reset' })).status).toBe(400);
    const s = await createSession(emu);
    expect((await control(emu.url, `/sessions/${s.id}/connect`, 'POST', { provider: 7 })).status).toBe(400);
    const unknownSession = await control(emu.url, '/sessions/1/connect', 'POST');
    expect(unknownSession.status).toBe(404);
    expectStackOneError(await json(unknownSession), 404);
    const unknownRoute = await control(emu.url, '/teleport');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.headers.get('content-type')).toMatch(/^application\/json/);
    expectStackOneError(await json(unknownRoute), 404);
    expect((await control(emu.url, '/health', 'POST')).status).toBe(405);
    expect((await control(emu.url, `/sessions/${s.id}/connect`)).status).toBe(405);
  });
});
