import { describe, expect, it, vi } from 'vitest';
import { startEmulator } from '../../../src/emulator/index.js';
import { basic, call, createSession, emulator, getSession, KEY, OWNER } from './helpers.js';

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function status(emu: Awaited<ReturnType<typeof emulator>>, id: number): Promise<string | undefined> {
  const attempt = (await getSession(emu, id))['latest_connection_attempt'] as { status: string } | null;
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
    await sleep(50);
    const started = performance.now();
    await emu.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await delayed).toBeInstanceOf(Error);
    expect(await hung).toBeInstanceOf(Error);
    await sleep(50);
    const after = resources();
    expect(after['TCPServerWrap'] ?? 0).toBe(before['TCPServerWrap'] ?? 0);
    expect(after['TCPSocketWrap'] ?? 0).toBeLessThanOrEqual(before['TCPSocketWrap'] ?? 0);
    expect(after['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0);
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
  it('puts a pending attempt half way, then connects at afterMs', async () => {
    const emu = await emulator({ autoComplete: { afterMs: 800 } });
    const s = await createSession(emu, { categories: ['ats'] });
    expect(await status(emu, s.id)).toBeUndefined();
    await vi.waitFor(async () => expect(await status(emu, s.id)).toBe('pending'), { timeout: 2000, interval: 20 });
    await vi.waitFor(async () => expect(await status(emu, s.id)).toBe('authenticated'), { timeout: 2000, interval: 20 });
    const [account] = (await (await call(emu, '/accounts')).json()) as { provider: string }[];
    expect(account!.provider).toBe('greenhouse');
  });

  it('ends with the configured outcome and provider', async () => {
    const emu = await emulator({ autoComplete: { afterMs: 60, outcome: 'fail', provider: 'lever' } });
    const failing = await createSession(emu);
    await vi.waitFor(async () => expect(await status(emu, failing.id)).toBe('error'), { timeout: 2000, interval: 20 });
    const cancelling = await emulator({ autoComplete: { afterMs: 60, outcome: 'cancel' } });
    const c = await createSession(cancelling);
    await vi.waitFor(async () => expect(await status(cancelling, c.id)).toBe('cancelled'), { timeout: 2000, interval: 20 });
  });

  it('leaves alone a session that was already driven by hand, or has expired', async () => {
    const emu = await emulator({ autoComplete: { afterMs: 80, outcome: 'fail' } });
    const manual = await createSession(emu);
    emu.connect(manual.id);
    const expired = await createSession(emu);
    emu.expire(expired.id);
    await sleep(200);
    expect(await status(emu, manual.id)).toBe('authenticated');
    expect(await status(emu, expired.id)).toBeUndefined();
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
