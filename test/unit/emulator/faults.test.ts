import { describe, expect, it, vi } from 'vitest';
import { call, createSession, emulator, expectStackOneError, json, OWNER } from './helpers.js';

describe('scripted faults', () => {
  it('status: answers the status in StackOne shape with Retry-After, once', async () => {
    const emu = await emulator();
    emu.injectFaults([{ kind: 'status', status: 503, retryAfter: 7 }]);
    const res = await call(emu, '/accounts');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expectStackOneError(await json(res), 503);
    expect((await call(emu, '/accounts')).status).toBe(200);
    expect(emu.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it("status: StackOne's messages; a 408 or 429 carries Retry-After even when none was scripted", async () => {
    const emu = await emulator();
    emu.injectFaults([
      { kind: 'status', status: 408 },
      { kind: 'status', status: 429 },
      { kind: 'status', status: 403 },
      { kind: 'status', status: 412 },
      { kind: 'status', status: 500 },
    ]);
    const timedOut = await call(emu, '/accounts');
    expect(timedOut.status).toBe(408);
    expect(timedOut.headers.get('retry-after')).toBe('1');
    expect((await json(timedOut)).message).toBe('Request timed out');
    const limited = await call(emu, '/accounts');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await json(limited)).message).toBe('Too many requests');
    expect((await json(await call(emu, '/accounts'))).message).toBe('Forbidden resource');
    expect((await json(await call(emu, '/accounts'))).message).toBe('Precondition failed');
    const failed = await call(emu, '/accounts');
    expect(failed.headers.get('retry-after')).toBeNull();
    expect((await json(failed)).message).toBe('Internal server error');
    emu.injectFaults([{ kind: 'status', status: 408, retryAfter: 60 }]);
    expect((await call(emu, '/accounts')).headers.get('retry-after')).toBe('60');
  });

  it('matches method and path prefix, and is consumed `times` times in order', async () => {
    const emu = await emulator();
    emu.injectFaults([
      { kind: 'status', method: 'get', path: '/connect_sessions/', times: 2, status: 500 },
      { kind: 'status', path: '/connect_sessions/', status: 502 },
    ]);
    const s = await createSession(emu); // POST /connect_sessions: no match
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(emu, `/connect_sessions/${s.id}`)).status);
    expect(statuses).toEqual([500, 500, 502, 200]);
  });

  it('html: a proxy error page, text/html 502, not JSON', async () => {
    const emu = await emulator();
    emu.injectFaults([{ kind: 'html' }]);
    const res = await call(emu, '/accounts');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await res.text();
    expect(text).toContain('502 Bad Gateway');
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('non-json: a 200 with a text body', async () => {
    const emu = await emulator();
    emu.injectFaults([{ kind: 'non-json' }]);
    const res = await call(emu, '/accounts');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    await expect(res.json()).rejects.toThrow();
  });

  it('reset: the socket is destroyed without a response, so fetch rejects', async () => {
    const emu = await emulator();
    emu.injectFaults([{ kind: 'reset' }]);
    await expect(call(emu, '/accounts')).rejects.toThrow();
    expect((await call(emu, '/accounts')).status).toBe(200);
    expect(emu.requests[0]!.status).toBe(0);
  });

  it('truncate: headers arrive, reading the body fails; the request itself was handled', async () => {
    const emu = await emulator();
    emu.injectFaults([{ kind: 'truncate', path: '/connect_sessions' }]);
    const res = await call(emu, '/connect_sessions', { body: OWNER });
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    await expect(res.text()).rejects.toThrow();
    // the session exists although the client never saw its id: exactly the case create must not retry
    const sessions = await json<unknown[]>(await fetch(`${emu.url}/_emulator/sessions`));
    expect(sessions).toHaveLength(1);
  });

  it('delay: answers normally after delayMs', async () => {
    const waits: number[] = [];
    const emu = await emulator({ sleep: async (ms) => void waits.push(ms) });
    emu.injectFaults([{ kind: 'delay', delayMs: 150 }]);
    const res = await call(emu, '/accounts');
    expect(res.status).toBe(200);
    expect(waits).toEqual([150]);
    expect((await call(emu, '/accounts')).status).toBe(200);
    expect(waits).toEqual([150]); // once
  });

  it('hang: never answers; the client can abort, and close() still returns promptly', async () => {
    const emu = await emulator();
    emu.injectFaults([{ kind: 'hang', times: 2 }]);
    const controller = new AbortController();
    const aborted = call(emu, '/accounts', { signal: controller.signal });
    await vi.waitFor(() => expect(emu.requests).toHaveLength(1)); // it reached the emulator, which says nothing
    controller.abort();
    await expect(aborted).rejects.toThrow(/abort/i);
    const forever = call(emu, '/accounts').catch((error: unknown) => error);
    await vi.waitFor(() => expect(emu.requests).toHaveLength(2));
    await emu.close(); // returns although a request still hangs (the test's time limit says otherwise)
    expect(await forever).toBeInstanceOf(Error);
  });

  it('refuses malformed faults', async () => {
    const emu = await emulator();
    expect(() => emu.injectFaults([{ kind: 'explode' as 'reset' }])).toThrow(/kind must be one of/);
    expect(() => emu.injectFaults([{ kind: 'delay', delayMs: -1 }])).toThrow(/delayMs/);
  });

  it('clearFaults drops the queued faults', async () => {
    const emu = await emulator();
    emu.injectFaults([{ kind: 'status', times: 5 }]);
    emu.clearFaults();
    expect((await call(emu, '/accounts')).status).toBe(200);
  });
});

describe('rate limit, error rate and latency', () => {
  it('answers 429 with Retry-After beyond the limit, until the window ends', async () => {
    let now = 1_000_000;
    const emu = await emulator({ now: () => now, rateLimit: { limit: 2, windowMs: 60_000 } });
    expect((await call(emu, '/accounts')).status).toBe(200);
    expect((await call(emu, '/accounts')).status).toBe(200);
    now += 15_000;
    const limited = await call(emu, '/accounts');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    const body = await json(limited);
    expectStackOneError(body, 429);
    now += 45_000;
    expect((await call(emu, '/accounts')).status).toBe(200);
  });

  it('uses a fixed Retry-After when configured', async () => {
    const emu = await emulator({ rateLimit: { limit: 1, windowMs: 60_000, retryAfterSeconds: 3 } });
    await call(emu, '/accounts');
    const limited = await call(emu, '/accounts');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
  });

  it('answers 500 for the share errorRate of requests, by the injected random', async () => {
    const draws = [0.05, 0.5, 0.09, 0.95];
    const emu = await emulator({ errorRate: 0.1, random: () => draws.shift() ?? 1 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(emu, '/accounts')).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  it('errorRate 500s are in StackOne shape', async () => {
    const emu = await emulator({ errorRate: 1 });
    const res = await call(emu, '/accounts');
    expect(res.status).toBe(500);
    expectStackOneError(await json(res), 500);
  });

  it('adds latency to API requests, not to the control API or the hub', async () => {
    const waits: number[] = [];
    const emu = await emulator({ latencyMs: [100, 500], random: () => 0.5, sleep: async (ms) => void waits.push(ms) });
    await call(emu, '/accounts');
    expect(waits).toEqual([300]);
    await fetch(`${emu.url}/_emulator/health`);
    await fetch(`${emu.url}/hub?token=nope`);
    expect(waits).toEqual([300]);
  });
});
