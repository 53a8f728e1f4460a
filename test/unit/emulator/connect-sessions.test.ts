import { describe, expect, it } from 'vitest';
import { call, conforms, createSession, emulator, expectStackOneError, json, OWNER } from './helpers.js';

describe('POST /connect_sessions', () => {
  it('creates a session shaped as the spec ConnectSessionTokenAuthLink', async () => {
    const emu = await emulator();
    const res = await call(emu, '/connect_sessions', {
      body: { ...OWNER, categories: ['hris', 'hris-legacy'], provider: 'bamboohr', label: 'Main', metadata: { plan: 'pro' }, type: 'test' },
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    conforms('ConnectSessionTokenAuthLink', body);
    expect(body).toMatchObject({
      ...OWNER,
      categories: ['hris', 'hris-legacy'],
      provider: 'bamboohr',
      label: 'Main',
      metadata: { plan: 'pro' },
      type: 'test',
    });
    expect(body.latest_connection_attempt).toBeNull();
    expect(body).not.toHaveProperty('expires_in');
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(body.auth_link_url).toBe(`${emu.url}/hub?token=${String(body.token)}`);
    expect(Date.parse(String(body.created_at))).not.toBeNaN();
  });

  it('gives each session a new, increasing numeric id and a new token', async () => {
    const emu = await emulator();
    const a = await createSession(emu);
    const b = await createSession(emu);
    expect(typeof a.id).toBe('number');
    expect(b.id).toBeGreaterThan(a.id);
    expect(b.token).not.toBe(a.token);
  });

  it('uses publicUrl as the base of auth_link_url', async () => {
    const emu = await emulator({ publicUrl: 'https://hub.example.test/' });
    const s = await createSession(emu);
    expect(s.auth_link_url).toBe(`https://hub.example.test/hub?token=${s.token}`);
  });

  it('refuses a category outside the enum, naming it and the allowed values', async () => {
    const emu = await emulator();
    const res = await call(emu, '/connect_sessions', { body: { ...OWNER, categories: ['hris', 'hrisLegacy'] } });
    expect(res.status).toBe(400);
    const body = await json<{ message: string; data: { errors: { path: string }[] } }>(res);
    expectStackOneError(body as unknown as Record<string, unknown>, 400);
    expect(body.message).toContain('categories.1 must be equal to one of the allowed values');
    expect(body.message).toContain('hris-legacy');
    expect(body.data.errors.map((e) => e.path)).toEqual(['categories.1']);
  });

  it('accepts hris-legacy and stackone, refuses stackOne', async () => {
    const emu = await emulator();
    expect((await call(emu, '/connect_sessions', { body: { ...OWNER, categories: ['hris-legacy', 'stackone'] } })).status).toBe(201);
    expect((await call(emu, '/connect_sessions', { body: { ...OWNER, categories: ['stackOne'] } })).status).toBe(400);
  });

  it('lists every violation at once: missing required fields and a bad type', async () => {
    const emu = await emulator();
    const res = await call(emu, '/connect_sessions', { body: { type: 'PRODUCTION', expires_in: '3600' } });
    expect(res.status).toBe(400);
    const { message } = await json<{ message: string }>(res);
    expect(message).toContain("must have required property 'origin_owner_id'");
    expect(message).toContain("must have required property 'origin_owner_name'");
    expect(message).toContain('type must be equal to one of the allowed values');
    expect(message).toContain('expires_in must be number');
  });

  it('accepts what the schema accepts: empty owner strings, type null, any expires_in number', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const emu = await emulator({ now: () => now });
    const empty = await call(emu, '/connect_sessions', { body: { origin_owner_id: '', origin_owner_name: ' ' } });
    expect(empty.status).toBe(201);
    expect(await json(empty)).toMatchObject({ origin_owner_id: '', origin_owner_name: ' ' });
    const typeNull = await call(emu, '/connect_sessions', { body: { ...OWNER, type: null } });
    expect(typeNull.status).toBe(201);
    expect((await json(typeNull)).type).toBe('production');
    const at = (seconds: number) => createSession(emu, { expires_in: seconds });
    const [zero, negative, fraction, huge] = await Promise.all([at(0), at(-5), at(1.5), at(1e300)]);
    // expires_in 0 or less: expired from the start; 1.5 s: live for 1.5 s; a huge one: never
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: zero.token } })).status).toBe(401);
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: negative.token } })).status).toBe(401);
    now += 1_499;
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: fraction.token } })).status).toBe(201);
    now += 1;
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: fraction.token } })).status).toBe(401);
    expect((await fetch(huge.auth_link_url)).status).toBe(200);
  });

  it('still refuses what the schema refuses: a type outside the enum, a string expires_in', async () => {
    const emu = await emulator();
    expect((await call(emu, '/connect_sessions', { body: { ...OWNER, type: 'sandbox' } })).status).toBe(400);
    expect((await call(emu, '/connect_sessions', { body: { ...OWNER, expires_in: '60' } })).status).toBe(400);
    expect((await call(emu, '/connect_sessions', { body: { ...OWNER, origin_owner_id: null } })).status).toBe(400);
  });

  it('refuses a body that is not JSON, or not sent as JSON', async () => {
    const emu = await emulator();
    const broken = await call(emu, '/connect_sessions', { body: '{"origin_owner_id":' });
    expect(broken.status).toBe(400);
    expectStackOneError(await json(broken), 400);
    const form = await call(emu, '/connect_sessions', { body: JSON.stringify(OWNER), headers: { 'content-type': 'text/plain' } });
    expect(form.status).toBe(400);
    expect((await call(emu, '/connect_sessions', { body: '[]' })).status).toBe(400);
  });

  it('treats null optional fields as not given', async () => {
    const emu = await emulator();
    const res = await call(emu, '/connect_sessions', { body: { ...OWNER, provider: null, categories: null } });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ provider: null, categories: null });
  });
});

describe('GET /connect_sessions/{id}', () => {
  it('returns the session without token or auth link, shaped as ConnectSession', async () => {
    const emu = await emulator();
    const created = await createSession(emu, { provider: 'hibob' });
    const res = await call(emu, `/connect_sessions/${created.id}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    conforms('ConnectSession', body);
    expect(body).not.toHaveProperty('token');
    expect(body).not.toHaveProperty('auth_link_url');
    const { token: _t, auth_link_url: _a, ...rest } = created;
    expect(body).toEqual(rest);
  });

  it('answers 404 for unknown and non-numeric ids', async () => {
    const emu = await emulator();
    const unknown = await call(emu, '/connect_sessions/999999');
    expect(unknown.status).toBe(404);
    expectStackOneError(await json(unknown), 404);
    expect((await call(emu, '/connect_sessions/abc')).status).toBe(404);
  });

  it('answers 404 always in legacy mode, while authenticate still works', async () => {
    const emu = await emulator({ legacy: true });
    const created = await createSession(emu);
    const res = await call(emu, `/connect_sessions/${created.id}`);
    expect(res.status).toBe(404);
    expectStackOneError(await json(res), 404);
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: created.token } })).status).toBe(201);
  });

  it('still serves a session after it expired (clients learn expiry from their own records)', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const emu = await emulator({ now: () => now });
    const created = await createSession(emu, { expires_in: 60 });
    now += 61_000;
    expect((await call(emu, `/connect_sessions/${created.id}`)).status).toBe(200);
  });
});

describe('POST /connect_sessions/authenticate', () => {
  it('exchanges the token for the session (201, ConnectSession shape)', async () => {
    const emu = await emulator();
    const created = await createSession(emu);
    const res = await call(emu, '/connect_sessions/authenticate', { body: { token: created.token } });
    expect(res.status).toBe(201);
    const body = await json(res);
    conforms('ConnectSession', body);
    expect(body.id).toBe(created.id);
    expect(body).not.toHaveProperty('token');
    expect(body.latest_connection_attempt).toBeNull();
  });

  it('answers 400 without a token and 401 for an unknown or empty token', async () => {
    const emu = await emulator();
    expect((await call(emu, '/connect_sessions/authenticate', { body: {} })).status).toBe(400);
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: 7 } })).status).toBe(400);
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: '' } })).status).toBe(401);
    const unknown = await call(emu, '/connect_sessions/authenticate', { body: { token: 'nope' } });
    expect(unknown.status).toBe(401);
    expectStackOneError(await json(unknown), 401);
  });

  it('answers 401 once the session has expired, by time or by expire()', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const emu = await emulator({ now: () => now });
    const a = await createSession(emu, { expires_in: 60 });
    const b = await createSession(emu);
    now += 59_000;
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: a.token } })).status).toBe(201);
    now += 1_000;
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: a.token } })).status).toBe(401);
    // the default expiry is 1800 s
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: b.token } })).status).toBe(201);
    emu.expire(b.id);
    expect((await call(emu, '/connect_sessions/authenticate', { body: { token: b.token } })).status).toBe(401);
  });
});
