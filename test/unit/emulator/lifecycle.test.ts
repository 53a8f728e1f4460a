import { describe, expect, it, vi } from 'vitest';
import { startEmulator } from '../../../src/emulator/index.js';
import { basic, call, createSession, emulator, getSession, KEY, OWNER } from './helpers.js';

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

async function status(emu: Awaited<ReturnType<typeof emulator>>, id: number): Promise<string | undefined> {
  const attempt = (await getSession(emu, id)).latest_connection_attempt as { status: string } | null;
  return attempt?.status;
}

describe('close()', () => {
  it('leaves no server, socket or timer behind, even with busy requests and scheduled work', async () => {
    const before = resources();
    const emu = await startEmulator({ port: 0, autoComplete: { afterMs: 60_000 } });
    await createSession(emu); // schedules auto-complete timers
    emu.injectFaults([{ kind: 'delay', delayMs: 60_000 }, { kind: 'hang' }]);
    const delayed = call(emu, '/accounts').catch((error: unknown) => error);
    const hung = call(emu, '/accounts').catch((error: unknown) => error);
    await vi.waitFor(() => expect(emu.requests).toHaveLength(3)); // create, then both in flight
    await emu.close(); // returns although a request waits a minute and another forever
    expect(await delayed).toBeInstanceOf(Error);
    expect(await hung).toBeInstanceOf(Error);
    // Sockets finish closing on the next turns of the event loop (counted without a timer of our own).
    const settled = () => {
      const after = resources();
      return (
        (after.TCPServerWrap ?? 0) === (before.TCPServerWrap ?? 0) &&
        (after.TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0) &&
        (after.Timeout ?? 0) <= (before.Timeout ?? 0)
      );
    };
    for (let turn = 0; turn < 10_000 && !settled(); turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled(), JSON.stringify(resources())).toBe(true);
    await expect(fetch(`${emu.url}/_emulator/health`)).rejects.toThrow();
  });

  it('can be called twice', async () => {
    const emu = await startEmulator({ port: 0 });
    await Promise.all([emu.close(), emu.close()]);
    await emu.close();
  });

  it('rejects startEmulator when the port is taken', async () => {
    const emu = await emulator();
    await expect(startEmulator({ port: emu.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('auto-complete', () => {
  /** A clock that moves only when the test says so. */
  function fakeClock(start = Date.parse('2026-11-28T12:00:00Z')) {
    let t = start;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  }

  it("puts a pending attempt half way, then connects at afterMs, on the emulator's clock", async () => {
    const clock = fakeClock();
    const emu = await emulator({ autoComplete: { afterMs: 800 }, now: clock.now });
    const s = await createSession(emu, { categories: ['ats'] });
    clock.advance(399);
    expect(await status(emu, s.id)).toBeUndefined();
    clock.advance(1);
    expect(await status(emu, s.id)).toBe('pending');
    clock.advance(399);
    expect(await status(emu, s.id)).toBe('pending');
    clock.advance(1);
    const session = await getSession(emu, s.id);
    const attempt = session.latest_connection_attempt as Record<string, string>;
    expect(attempt.status).toBe('authenticated');
    // Stamped when it happened, not when it was looked at.
    expect(attempt.created_at).toBe('2026-11-28T12:00:00.400Z');
    expect(attempt.updated_at).toMatch(/^2026-11-28T12:00:00\.80\dZ$/); // each change moves it on by at least 1 ms
    const [account] = (await (await call(emu, '/accounts')).json()) as { provider: string }[];
    expect(account!.provider).toBe('greenhouse');
  });

  it("a delay past setTimeout's limit (25 days) does not fire at once", async () => {
    const clock = fakeClock();
    const emu = await emulator({ autoComplete: { afterMs: 25 * 86_400_000 }, now: clock.now });
    const s = await createSession(emu, { expires_in: 30 * 86_400 });
    expect(await status(emu, s.id)).toBeUndefined();
    clock.advance(25 * 86_400_000);
    expect(await status(emu, s.id)).toBe('authenticated');
  });

  it('the library sees the clock too: sessions(), session(id) and the control API', async () => {
    const clock = fakeClock();
    const emu = await emulator({ autoComplete: { afterMs: 100, outcome: 'cancel' }, now: clock.now });
    const s = await createSession(emu);
    clock.advance(100);
    expect(emu.session(s.id)?.latest_connection_attempt?.status).toBe('cancelled');
    expect(emu.sessions().map((x) => x.latest_connection_attempt?.status)).toEqual(['cancelled']);
    const listed = (await (await fetch(`${emu.url}/_emulator/sessions`)).json()) as { latest_connection_attempt: { status: string } }[];
    expect(listed[0]!.latest_connection_attempt.status).toBe('cancelled');
  });

  it('ends with the configured outcome and provider', async () => {
    const clock = fakeClock();
    const emu = await emulator({ autoComplete: { afterMs: 60, outcome: 'fail', provider: 'lever' }, now: clock.now });
    const failing = await createSession(emu);
    clock.advance(60);
    const failed = (await getSession(emu, failing.id)).latest_connection_attempt as Record<string, unknown>;
    expect(failed).toMatchObject({ status: 'error', oauth_error_code: 'access_denied' });
    const [account] = (await (await call(emu, '/accounts')).json()) as unknown[];
    expect(account).toBeUndefined();
    const retried = await createSession(emu, { origin_owner_id: 'other' });
    emu.startAttempt(retried.id);
    clock.advance(60);
    expect(emu.session(retried.id)?.latest_connection_attempt?.status).toBe('error');
  });

  it('leaves alone a session that was already driven by hand, or has expired', async () => {
    const clock = fakeClock();
    const emu = await emulator({ autoComplete: { afterMs: 80, outcome: 'fail' }, now: clock.now });
    const manual = await createSession(emu);
    emu.connect(manual.id);
    const expired = await createSession(emu);
    emu.expire(expired.id);
    clock.advance(200);
    expect(await status(emu, manual.id)).toBe('authenticated');
    expect(await status(emu, expired.id)).toBeUndefined();
  });
});

describe('the library', () => {
  it('listens on a free port by default', async () => {
    const [a, b] = await Promise.all([emulator(), emulator()]);
    expect(a.port).toBeGreaterThan(0);
    expect(b.port).not.toBe(a.port);
  });

  it('connect, fail, cancel, startAttempt and expire answer the session as GET /connect_sessions/{id} shows it', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    const started = emu.startAttempt(s.id, { provider: 'hibob' });
    expect(started).toEqual(await getSession(emu, s.id));
    expect(started).not.toHaveProperty('token');
    expect(emu.fail(s.id, { code: 'invalid_grant' }).latest_connection_attempt).toMatchObject({
      status: 'error',
      oauth_error_code: 'invalid_grant',
    });
    expect(emu.cancel(s.id).latest_connection_attempt?.status).toBe('cancelled');
    const connected = emu.connect(s.id);
    expect(connected).toEqual(await getSession(emu, s.id));
    expect(connected.latest_connection_attempt?.account_secure_id).toMatch(/^\d{20}$/);
    expect(emu.session(s.id)).toMatchObject({ id: s.id, token: s.token, auth_link_url: s.auth_link_url });
    expect(emu.session(999)).toBeUndefined();
  });
});

describe('log', () => {
  it('writes one line per request with method, path, status and time, and no secrets', async () => {
    const lines: string[] = [];
    const emu = await emulator({ log: (line) => lines.push(line) });
    const s = await createSession(emu, { origin_owner_name: 'Secret Corp' });
    await fetch(s.auth_link_url);
    await call(emu, '/accounts', { key: null });
    await vi.waitFor(() => expect(lines).toHaveLength(3));
    expect(lines[0]).toMatch(/^POST \/connect_sessions 201 \d+ms$/);
    expect(lines[1]).toMatch(/^GET \/hub 200 \d+ms$/);
    expect(lines[2]).toMatch(/^GET \/accounts 401 \d+ms$/);
    const all = lines.join('\n');
    for (const secret of [s.token, basic(KEY), KEY, 'Secret Corp', OWNER.origin_owner_id]) expect(all).not.toContain(secret);
  });
});
