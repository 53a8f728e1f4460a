import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { basicKey } from '../../../src/emulator/auth.js';
import { call, emulator, expectStackOneError, json, KEY } from './helpers.js';

/** node:http sends no User-Agent unless told to, unlike fetch. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('authentication', () => {
  it('answers 401 in StackOne shape without an Authorization header', async () => {
    const emu = await emulator();
    const res = await call(emu, '/accounts', { key: null });
    expect(res.status).toBe(401);
    const body = await json(res);
    expectStackOneError(body, 401);
    expect(body.message).toBe('Unauthorized');
    expect(Object.keys(body).sort()).toEqual(['message', 'statusCode', 'timestamp']);
  });

  it('accepts any non-empty key when none is configured', async () => {
    const emu = await emulator();
    expect((await call(emu, '/accounts', { key: 'whatever' })).status).toBe(200);
    expect((await call(emu, '/accounts', { key: '' })).status).toBe(401);
  });

  it('accepts only the configured key when apiKey is set', async () => {
    const emu = await emulator({ apiKey: KEY });
    expect((await call(emu, '/accounts')).status).toBe(200);
    expect((await call(emu, '/accounts', { key: 'v1.eu1.other' })).status).toBe(401);
  });

  it("accepts the key encoded without the trailing colon, as StackOne's hub client sends it", async () => {
    const emu = await emulator({ apiKey: KEY });
    const noColon = `Basic ${Buffer.from(KEY).toString('base64')}`;
    expect((await call(emu, '/accounts', { key: null, headers: { authorization: noColon } })).status).toBe(200);
    const otherNoColon = `Basic ${Buffer.from('v1.eu1.other').toString('base64')}`;
    expect((await call(emu, '/accounts', { key: null, headers: { authorization: otherNoColon } })).status).toBe(401);
  });

  it('refuses a key with a password, and other schemes', async () => {
    const emu = await emulator();
    const withPassword = `Basic ${Buffer.from(`${KEY}:secret`).toString('base64')}`;
    expect((await call(emu, '/accounts', { key: null, headers: { authorization: withPassword } })).status).toBe(401);
    expect((await call(emu, '/accounts', { key: null, headers: { authorization: `Bearer ${KEY}` } })).status).toBe(401);
  });

  it('answers 403 (the WAF) when no User-Agent is sent, even with a valid key', async () => {
    const emu = await emulator();
    const res = await rawGet(`${emu.url}/accounts`, { authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` });
    expect(res.status).toBe(403);
    expectStackOneError(JSON.parse(res.body) as Record<string, unknown>, 403);
    expect((JSON.parse(res.body) as { message: string }).message).toBe('Forbidden resource');
    const withUa = await rawGet(`${emu.url}/accounts`, {
      authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`,
      'user-agent': 'x/1',
    });
    expect(withUa.status).toBe(200);
  });

  it('decodes only well-formed Basic headers', () => {
    expect(basicKey(`Basic ${Buffer.from('k:').toString('base64')}`)).toBe('k');
    expect(basicKey(`basic ${Buffer.from('k:').toString('base64')}`)).toBe('k');
    expect(basicKey(`Basic ${Buffer.from('k').toString('base64')}`)).toBe('k');
    expect(basicKey(`Basic ${Buffer.from(':').toString('base64')}`)).toBeUndefined();
    expect(basicKey(`Basic ${Buffer.from(':p').toString('base64')}`)).toBeUndefined();
    expect(basicKey(`Basic ${Buffer.from('k:p').toString('base64')}`)).toBeUndefined();
    expect(basicKey('Basic !!!')).toBeUndefined();
    expect(basicKey(undefined)).toBeUndefined();
  });
});

describe('routing', () => {
  it('answers 404 in StackOne shape for an unknown route', async () => {
    const emu = await emulator();
    const res = await call(emu, '/unified/hris/employees');
    expect(res.status).toBe(404);
    const body = await json(res);
    expectStackOneError(body, 404);
    expect(body.message).toBe('Cannot GET /unified/hris/employees');
  });

  it('answers 405 with Allow for a wrong method on a known route', async () => {
    const emu = await emulator();
    const res = await call(emu, '/connect_sessions');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expectStackOneError(await json(res), 405);
    expect((await call(emu, '/connect_sessions/authenticate')).status).toBe(405);
    expect((await call(emu, '/accounts', { method: 'DELETE' })).status).toBe(405);
  });

  it('answers 501 for account routes of the API it does not emulate', async () => {
    const emu = await emulator();
    expect((await call(emu, '/accounts/123', { method: 'DELETE' })).status).toBe(501);
  });
});
