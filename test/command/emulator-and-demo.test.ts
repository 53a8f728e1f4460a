import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/clock.js';
import { drive } from '../helpers/e2e.js';
import { runInProcess, type Started, startInProcess } from '../helpers/in-process.js';
import { cleanEnv, tempConfigDir } from '../helpers/process.js';

// The emulator and the demo as users run them, in-process on one fake clock: the emulator in the
// background and a script's commands against it, or the demo in front.

// Another address of this machine: a network interface's, else 127.0.0.2 (on Linux all of
// 127/8 reaches this machine, but a socket bound to 127.0.0.1 does not answer on it).
const external =
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.2';

const cleanups: (() => void)[] = [];
let clock = new FakeClock();
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  clock = new FakeClock();
});

interface Running {
  emulator: Started;
  env: Record<string, string>;
  port: number;
}

/** `stackone-connect emulator --port 0 ...`, once it has printed its two export lines. */
async function emulator(...flags: string[]): Promise<Running> {
  const running = startInProcess(['emulator', '--port', '0', ...flags], { clock, env: cleanEnv() });
  cleanups.push(() => running.kill('SIGKILL'));
  const [, url, key] = await running.waitFor('stdout', /^export STACKONE_BASE_URL=(\S+)\nexport STACKONE_API_KEY=(\S+)\n/);
  const config = tempConfigDir();
  cleanups.push(config.cleanup);
  return {
    emulator: running,
    env: { STACKONE_BASE_URL: url!, STACKONE_API_KEY: key!, STACKONE_CONFIG_DIR: config.dir },
    port: Number(new URL(url!).port),
  };
}

async function stop(running: Running): Promise<string> {
  running.emulator.kill('SIGTERM');
  const end = await running.emulator.exited;
  expect(end.code).toBe(0);
  return end.stderr;
}

const reachable = (host: string, port: number): Promise<boolean> =>
  fetch(`http://${host}:${port}/_emulator/health`).then(
    (res) => res.ok,
    () => false,
  );

describe('stackone-connect emulator', () => {
  it('listens on loopback only by default: another address of this machine is refused', async () => {
    const run = await emulator();
    expect(run.env.STACKONE_BASE_URL).toBe(`http://127.0.0.1:${run.port}`);
    expect(await reachable('127.0.0.1', run.port)).toBe(true);
    expect(await reachable(external, run.port)).toBe(false);
    expect(await stop(run)).not.toContain('warning');
  });

  it('--host 0.0.0.0 warns that anyone who can reach the machine can use it, and answers on other addresses', async () => {
    const run = await emulator('--host', '0.0.0.0');
    expect(await reachable(external, run.port)).toBe(true);
    // clients are still pointed at loopback, which the CLI accepts over plain http
    expect(run.env.STACKONE_BASE_URL).toBe(`http://127.0.0.1:${run.port}`);
    expect(await stop(run)).toMatch(/^! Listening on 0\.0\.0\.0, which is not a loopback address/m);
  });

  it('--auto-complete with --auto-outcome fail ends `session create --wait --fail-fast` with 3, nobody clicking', async () => {
    const run = await emulator('--auto-complete', '600ms', '--auto-outcome', 'fail', '--latency', '20');
    const result = await runInProcess(
      [
        'session',
        'create',
        '--origin-owner-id',
        'ci',
        '--origin-owner-name',
        'CI',
        '--wait',
        '--fail-fast',
        '--interval',
        '100ms',
        '--json',
      ],
      { clock, env: cleanEnv(run.env) },
    );
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error', attempt: { oauth_error_code: 'access_denied' } });
    expect(result.stderr).toContain('The customer is connecting'); // the pending half-way step
    await stop(run);
  });

  it('the control API finishes a session a script created: POST /_emulator/sessions/{id}/connect ends the poll with 0', async () => {
    const run = await emulator();
    const env = cleanEnv(run.env);
    const created = await runInProcess(
      ['session', 'create', '--origin-owner-id', 'ci', '--origin-owner-name', 'CI', '--provider', 'okta', '--json'],
      { clock, env },
    );
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: number };
    let session: { latest_connection_attempt: { status: string; account_secure_id: string } } | undefined;
    const read = new RegExp(`GET /connect_sessions/${id} 200`);
    const connect = () => fetch(`${run.env.STACKONE_BASE_URL}/_emulator/sessions/${id}/connect`, { method: 'POST' });
    // Once the script's poll has read the session, the test finishes it over the control API.
    let connected: Promise<void> | undefined;
    const polled = await drive(
      (o) => runInProcess(['session', 'poll', String(id), '--interval', '100ms', '--quiet'], { ...o, clock, env }),
      [
        {
          when: () => read.test(run.emulator.stderr),
          then: () =>
            void (connected = connect().then(async (res) => {
              expect(res.status).toBe(200);
              session = (await res.json()) as typeof session;
            })),
        },
      ],
      {},
      clock,
    );
    await connected;
    expect(session?.latest_connection_attempt.status).toBe('authenticated');
    expect(polled.code).toBe(0);
    expect(polled.stdout).toBe(`${session?.latest_connection_attempt.account_secure_id}\n`);
    await stop(run);
  });
});

describe('stackone-connect demo', () => {
  it('needs no setup: prints the link, then the account id once the customer connects by itself, and exits 0', async () => {
    const started = clock.now();
    const result = await runInProcess(['demo', '--after', '1s'], { clock, env: cleanEnv() });
    expect(result.code, result.stderr).toBe(0);
    // The customer connects at 1 s; the demo reads every second.
    expect(clock.now() - started).toBeGreaterThanOrEqual(1000);
    expect(clock.now() - started).toBeLessThanOrEqual(2000);
    expect(result.stdout).toMatch(/^ {2}http:\/\/127\.0\.0\.1:\d+\/hub\?token=\S+$/m);
    expect(result.stdout).toMatch(/^ {2}Account\s+\d{20}$/m);
    expect(result.stderr).toContain('connects by itself in 1s');
  });

  it('--json prints exactly one line: the authenticated session with its account id', async () => {
    const result = await runInProcess(['demo', '--after', '500ms', '--json'], { clock, env: cleanEnv() });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      status: 'authenticated',
      account_secure_id: expect.stringMatching(/^\d{20}$/),
      origin_owner_id: 'demo-customer',
      origin_owner_name: 'Demo Customer Ltd',
    });
  });
});
