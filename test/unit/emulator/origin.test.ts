import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { crossOrigin, hostAllowed } from '../../../src/emulator/guard.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { basic, call, createSession, emulator, expectStackOneError, getSession } from './helpers.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with headers fetch will not set (Host), as a browser after DNS rebinding sends it. */
function raw(emu: Emulator, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a page on another origin can send without a preflight: a text/plain POST, with its Origin. */
function simplePost(url: string, origin: string | undefined, body = '{}', extra: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...(origin ? { origin } : {}), ...extra },
    body,
  });
}

function form(url: string, fields: Record<string, string>, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('DNS rebinding: a Host the emulator does not serve', () => {
  it('is refused on the control API, the API and the hub; no token leaves', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    const foreign = `rebind.attacker.example:${emu.port}`;
    const sessions = await raw(emu, '/_emulator/sessions', { host: foreign });
    expect(sessions.status).toBe(403);
    expect(sessions.body).not.toContain(s.token);
    expectStackOneError(JSON.parse(sessions.body) as Record<string, unknown>, 403);
    expect(JSON.parse(sessions.body)).toMatchObject({ message: expect.stringContaining('--public-url') });
    expect((await raw(emu, '/accounts', { host: foreign, authorization: basic(), 'user-agent': 'x/1' })).status).toBe(403);
    const hub = await raw(emu, `/hub?token=${encodeURIComponent(s.token)}`, { host: foreign });
    expect(hub.status).toBe(403);
    expect(hub.headers['content-type']).toMatch(/^text\/html/);
    expect(hub.body).not.toContain(s.token);
    const connect = await raw(emu, `/_emulator/sessions/${s.id}/connect`, { host: foreign }, 'POST');
    expect(connect.status).toBe(403);
    expect((await getSession(emu, s.id)).latest_connection_attempt).toBeNull();
  });

  it('serves loopback names on any port (a port mapping), and the host of publicUrl', async () => {
    const emu = await emulator({ publicUrl: 'http://emulator.test:4010' });
    for (const host of [
      `127.0.0.1:${emu.port}`,
      `localhost:${emu.port}`,
      'localhost:8080',
      '[::1]:4010',
      'app.localhost',
      'emulator.test:4010',
      'EMULATOR.TEST',
    ]) {
      expect((await raw(emu, '/_emulator/health', { host })).status, host).toBe(200);
    }
    expect((await raw(emu, '/_emulator/health', { host: 'emulator.test.attacker.example' })).status).toBe(403);
  });

  it("listening on all addresses, serves the machine's own addresses and no other name", async () => {
    const emu = await emulator({ host: '0.0.0.0' });
    const own =
      Object.values(networkInterfaces())
        .flat()
        .find((i) => i?.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';
    expect((await raw(emu, '/_emulator/health', { host: `${own}:${emu.port}` })).status).toBe(200);
    expect((await raw(emu, '/_emulator/health', { host: `203.0.113.9:${emu.port}` })).status).toBe(403);
    expect((await raw(emu, '/_emulator/health', { host: `somebody.example:${emu.port}` })).status).toBe(403);
  });

  it('decides by the name only', () => {
    const allowed = hostAllowed('127.0.0.1', 'https://hub.example.test');
    expect(allowed('127.0.0.1:4010')).toBe(true);
    expect(allowed('127.8.0.1')).toBe(true);
    expect(allowed('hub.example.test:443')).toBe(true);
    expect(allowed('localhost.attacker.example')).toBe(false);
    expect(allowed('10.0.0.1:4010')).toBe(false);
    expect(allowed('bad host')).toBe(false);
    expect(allowed(undefined)).toBe(true);
    expect(hostAllowed('192.168.7.7', 'http://192.168.7.7:4010')('192.168.7.7:4010')).toBe(true);
  });
});

describe('cross-origin writes', () => {
  it('a page on another origin cannot drive a session or queue a fault through the control API', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    const evil = 'http://evil.example';
    expect((await simplePost(`${emu.url}/_emulator/sessions/${s.id}/connect`, evil)).status).toBe(403);
    expect((await simplePost(`${emu.url}/_emulator/sessions/${s.id}/connect`, 'null')).status).toBe(403);
    // another port of the same machine is another origin too
    expect((await simplePost(`${emu.url}/_emulator/sessions/${s.id}/cancel`, 'http://127.0.0.1:3000')).status).toBe(403);
    expect(
      (await simplePost(`${emu.url}/_emulator/sessions/${s.id}/cancel`, undefined, '', { 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    const fault = await simplePost(`${emu.url}/_emulator/faults`, evil, '[{"kind":"hang","times":1000}]');
    expect(fault.status).toBe(403);
    expectStackOneError((await fault.json()) as Record<string, unknown>, 403);
    expect((await getSession(emu, s.id)).latest_connection_attempt).toBeNull();
    expect((await call(emu, '/accounts')).status).toBe(200); // no hang was queued
  });

  it('the control API takes bodies as JSON only (what a page cannot send without a preflight); empty bodies need no type', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    const plain = await simplePost(`${emu.url}/_emulator/faults`, undefined, '[{"kind":"hang"}]');
    expect(plain.status).toBe(415);
    expectStackOneError((await plain.json()) as Record<string, unknown>, 415);
    const urlencoded = await fetch(`${emu.url}/_emulator/sessions/${s.id}/fail`, {
      method: 'POST',
      body: new URLSearchParams({ code: 'x' }),
    });
    expect(urlencoded.status).toBe(415);
    expect((await call(emu, '/accounts')).status).toBe(200);
    expect((await fetch(`${emu.url}/_emulator/sessions/${s.id}/start`, { method: 'POST' })).status).toBe(200);
    const json = await fetch(`${emu.url}/_emulator/sessions/${s.id}/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: emu.url, 'sec-fetch-site': 'same-origin' },
      body: '{"provider":"hibob"}',
    });
    expect(json.status).toBe(200);
    expect((await getSession(emu, s.id)).latest_connection_attempt).toMatchObject({ status: 'authenticated' });
  });

  it('the hub form works from the hub page (same origin) and from nowhere else', async () => {
    const emu = await emulator({ publicUrl: 'https://hub.example.test' });
    const s = await createSession(emu);
    const fields = { token: s.token, provider: 'hibob', action: 'connect' };
    expect((await form(`${emu.url}/hub/attempt`, fields, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(
      403,
    );
    expect((await form(`${emu.url}/hub/attempt`, fields, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await getSession(emu, s.id)).latest_connection_attempt).toBeNull();
    // behind a proxy that rewrites Host, the page's origin is the public URL's
    expect((await form(`${emu.url}/hub/attempt`, { ...fields, action: 'cancel' }, { origin: 'https://hub.example.test' })).status).toBe(
      303,
    );
    const same = await form(`${emu.url}/hub/attempt`, fields, { origin: emu.url, 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(303);
    expect((await getSession(emu, s.id)).latest_connection_attempt).toMatchObject({ status: 'authenticated' });
  });

  it('reads stay open: a page can link to the hub, and GETs change nothing', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    expect((await fetch(s.auth_link_url, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
  });

  it('judges Origin against the Host the request was sent to', () => {
    expect(crossOrigin({ host: '127.0.0.1:4010' }, 'http://127.0.0.1:4010')).toBeUndefined();
    expect(crossOrigin({ host: '127.0.0.1:4010', origin: 'http://127.0.0.1:4010' }, 'http://127.0.0.1:4010')).toBeUndefined();
    expect(crossOrigin({ host: 'localhost:8080', origin: 'http://localhost:8080' }, 'http://127.0.0.1:4010')).toBeUndefined();
    expect(crossOrigin({ host: '127.0.0.1:4010', 'sec-fetch-site': 'none' }, 'http://127.0.0.1:4010')).toBeUndefined();
    expect(crossOrigin({ host: '127.0.0.1:4010', origin: 'http://localhost:4010' }, 'http://127.0.0.1:4010')).toMatch(/localhost/);
    expect(crossOrigin({ host: '127.0.0.1:4010', 'sec-fetch-site': 'same-site' }, 'http://127.0.0.1:4010')).toMatch(/same-site/);
  });
});
