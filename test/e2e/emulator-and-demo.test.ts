import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { killRunningClis, startCli, type RunningCli } from '../helpers/running-cli.js';

// The emulator and the demo as users run them: the built binary, in the background or in front.

// Another address of this machine: a network interface's, else 127.0.0.2 (on Linux all of
// 127/8 reaches this machine, but a socket bound to 127.0.0.1 does not answer on it).
const external =
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.2';

let cleanups: (() => void)[] = [];
afterEach(() => {
  killRunningClis();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface Running {
  emulator: RunningCli;
  env: Record<string, string>;
  port: number;
}

/** `stackone-connect emulator --port 0 ...`, once it has printed its two export lines. */
async function emulator(...flags: string[]): Promise<Running> {
  const running = startCli(['emulator', '--port', '0', ...flags], {});
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
    expect(run.env['STACKONE_BASE_URL']).toBe(`http://127.0.0.1:${run.port}`);
    expect(await reachable('127.0.0.1', run.port)).toBe(true);
    expect(await reachable(external, run.port)).toBe(false);
    expect(await stop(run)).not.toContain('warning');
  });

  it('--host 0.0.0.0 warns that anyone who can reach the machine can use it, and answers on other addresses', async () => {
    const run = await emulator('--host', '0.0.0.0');
    expect(await reachable(external, run.port)).toBe(true);
    // clients are still pointed at loopback, which the CLI accepts over plain http
    expect(run.env['STACKONE_BASE_URL']).toBe(`http://127.0.0.1:${run.port}`);
    expect(await stop(run)).toMatch(/^warning: listening on 0\.0\.0\.0, which is not a loopback address/m);
  });

  it('--auto-complete with --auto-outcome fail ends `session create --wait --fail-fast` with 3, nobody clicking', async () => {
    const run = await emulator('--auto-complete', '600ms', '--auto-outcome', 'fail', '--latency', '20');
    const result = await runCli(
      ['session', 'create', '--origin-owner-id', 'ci', '--origin-owner-name', 'CI', '--wait', '--fail-fast', '--interval', '100ms', '--json'],
      { env: run.env },
    );
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error', attempt: { oauth_error_code: 'access_denied' } });
    expect(result.stderr).toContain('The customer is connecting'); // the pending half-way step
    await stop(run);
  });

  it('the control API finishes a session a script created: POST /_emulator/sessions/{id}/connect ends the poll with 0', async () => {
    const run = await emulator();
    const created = await runCli(['session', 'create', '--origin-owner-id', 'ci', '--origin-owner-name', 'CI', '--provider', 'okta', '--json'], { env: run.env });
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: number };
    const poll = startCli(['session', 'poll', String(id), '--interval', '100ms', '--quiet'], run.env);
    await run.emulator.waitFor('stderr', new RegExp(`GET /connect_sessions/${id} 200`));

    const res = await fetch(`${run.env['STACKONE_BASE_URL']}/_emulator/sessions/${id}/connect`, { method: 'POST' });
    expect(res.status).toBe(200);
    const session = (await res.json()) as { latest_connection_attempt: { status: string; account_secure_id: string } };
    expect(session.latest_connection_attempt.status).toBe('authenticated');
    const polled = await poll.exited;
    expect(polled.code).toBe(0);
    expect(polled.stdout).toBe(`${session.latest_connection_attempt.account_secure_id}\n`);
    await stop(run);
  });
});

describe('stackone-connect demo', () => {
  it('needs no setup: prints the link, then the account id once the customer connects by itself, and exits 0', async () => {
    const started = Date.now();
    const result = await runCli(['demo', '--after', '1s']);
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(result.stdout).toMatch(/^  http:\/\/127\.0\.0\.1:\d+\/hub\?token=\S+$/m);
    expect(result.stdout).toMatch(/^  Account\s+\d{20}$/m);
    expect(result.stderr).toContain('connects by itself in 1s');
  });

  it('--json prints exactly one line: the authenticated session with its account id', async () => {
    const result = await runCli(['demo', '--after', '500ms', '--json']);
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
