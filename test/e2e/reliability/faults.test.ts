import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { runCli, tempConfigDir } from '../../helpers/cli.js';
import { startEmulatorProcess, type EmulatorProcess } from '../../helpers/emulator-process.js';
import type { Fault, RecordedRequest } from '../../../src/emulator/index.js';

/**
 * The fault suite: `stackone-connect emulator` runs as its own process with its fault options,
 * or scripted faults sent over its control API, and the CLI must wait through all of them.
 */
const RETRY_LINE = /Could not read the session: .* Retrying in [\d.]+m?s \(failure \d+\)\./g;

async function createSession(emulator: EmulatorProcess, configDir: string): Promise<number> {
  const run = await runCli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json'], {
    env: { STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: emulator.apiKey, STACKONE_CONFIG_DIR: configDir },
  });
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { id: number }).id;
}

describe('scripted faults over the control API', () => {
  let emulator: EmulatorProcess;
  let config: ReturnType<typeof tempConfigDir>;
  beforeAll(async () => {
    emulator = await startEmulatorProcess(['--api-key', 'v1.eu1.fault-suite-key-0123456789']);
    config = tempConfigDir();
  });
  afterAll(async () => {
    expect(await emulator?.stop()).toBe(0);
    config?.cleanup();
  });

  test('poll survives 5xx, 408, 429, resets, proxy pages, non-JSON, truncated and too-slow answers, one stderr line each', { timeout: 60_000 }, async () => {
    const id = await createSession(emulator, config.dir);
    const path = `/connect_sessions/${id}`;
    // In rounds: backoff doubles over consecutive failures and resets after a success, so a
    // dozen faults in a row would take minutes; between rounds the poll reads the session fine.
    const rounds: Fault[][] = [
      [{ path, kind: 'status', status: 503, times: 2 }, { path, kind: 'status', status: 500 }],
      [{ path, kind: 'status', status: 408 }, { path, kind: 'status', status: 429, retryAfter: 1 }, { path, kind: 'reset' }],
      [{ path, kind: 'html', status: 502 }, { path, kind: 'html', status: 504 }, { path, kind: 'non-json' }],
      [{ path, kind: 'truncate' }, { path, kind: 'hang' }, { path, kind: 'delay', delayMs: 2000 }],
    ];
    const injected = rounds.flat().reduce((n, f) => n + (f.times ?? 1), 0);
    const requests = async () => (await emulator.control<RecordedRequest[]>('GET', '/requests')).filter((r) => r.path === path);
    await emulator.control('DELETE', '/requests');
    let stderr = '';
    const recoveries = () => stderr.match(/Reading the session again after \d+ failed tries?\./g)?.length ?? 0;
    const poll = runCli(['session', 'poll', String(id), '--json', '--interval', '100ms', '--request-timeout', '500ms'], {
      env: { STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: emulator.apiKey, STACKONE_CONFIG_DIR: config.dir },
      timeoutMs: 50_000,
      onStderr: (text) => (stderr += text),
    });
    for (const [index, round] of rounds.entries()) {
      await emulator.control('POST', '/faults', round);
      // the round is over when the CLI says it read the session again after its faults
      await vi.waitFor(() => expect(recoveries()).toBe(index + 1), { timeout: 15_000, interval: 50 });
    }
    await emulator.control('POST', `/sessions/${id}/connect`, { provider: 'hibob' });
    const run = await poll;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ session_id: id, status: 'authenticated' });
    expect(run.stderr.match(RETRY_LINE)).toHaveLength(injected);
    expect(run.stderr.match(/Reading the session again after \d+ failed tries\./g)).toHaveLength(rounds.length);
    const gets = await requests();
    // non-JSON and truncated answers carry a 200: count error statuses and 200s that were faults apart
    expect(gets.filter((r) => r.status !== 200 && r.status !== 0)).toHaveLength(7); // 503 ×2, 500, 408, 429, 502, 504
    expect(gets.length).toBeGreaterThan(injected);
    // 429 waited its Retry-After (1 s) before the next try
    const after429 = gets.findIndex((r) => r.status === 429);
    expect(gets[after429 + 1]!.at - gets[after429]!.at).toBeGreaterThanOrEqual(950);
  });

  test('a flaky resolver (DNS failures) is waited out like any network error', { timeout: 30_000 }, async () => {
    const id = await createSession(emulator, config.dir);
    await emulator.control('POST', `/sessions/${id}/connect`, {});
    const run = await runCli(['session', 'poll', String(id), '--quiet', '--interval', '100ms'], {
      env: {
        STACKONE_BASE_URL: emulator.url.replace('127.0.0.1', 'localhost'),
        STACKONE_API_KEY: emulator.apiKey,
        STACKONE_CONFIG_DIR: config.dir,
        NODE_OPTIONS: `--import=${resolve(import.meta.dirname, '../../helpers/dns-failures.mjs')}`,
        DNS_FAILURES: '3',
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\w+\n$/);
    expect(run.stderr.match(/Could not reach localhost:\d+: the host name could not be resolved/g)).toHaveLength(3);
  });

  test('create is never repeated after a failure that may have reached the server', async () => {
    for (const fault of [{ kind: 'status', status: 502 }, { kind: 'reset' }, { kind: 'truncate' }] as Fault[]) {
      await emulator.control('DELETE', '/requests');
      await emulator.control('POST', '/faults', [{ ...fault, method: 'POST', path: '/connect_sessions' }]);
      const run = await runCli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme'], {
        env: { STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: emulator.apiKey, STACKONE_CONFIG_DIR: config.dir },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/a session may or may not exist for acme; it was not sent again/);
      expect(run.stderr).toMatch(/Check the StackOne dashboard/);
      const posts = (await emulator.control<RecordedRequest[]>('GET', '/requests')).filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(1);
    }
  });

  test('create is retried after 429 (Retry-After) and makes exactly one session', async () => {
    await emulator.control('DELETE', '/requests');
    await emulator.control('POST', '/faults', [{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 429, retryAfter: 1, times: 2 }]);
    const run = await runCli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--quiet'], {
      env: { STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: emulator.apiKey, STACKONE_CONFIG_DIR: config.dir },
    });
    expect(run.code).toBe(0);
    expect(run.stderr.match(/Create request rate limited \(429\); sending it again in 1s \(retry \d of 5\)/g)).toHaveLength(2);
    const posts = (await emulator.control<RecordedRequest[]>('GET', '/requests')).filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.status)).toEqual([429, 429, 201]);
  });
});

describe('the emulator\'s fault flags', () => {
  test('poll outlasts --error-rate, --rate-limit with --retry-after and --latency until --auto-complete connects', { timeout: 60_000 }, async () => {
    const emulator = await startEmulatorProcess([
      '--api-key', 'v1.eu1.fault-flags-key-0123456789', '--error-rate', '0.4', '--rate-limit', '3/2s', '--retry-after', '1',
      '--latency', '10-60', '--auto-complete', '4s',
    ]);
    try {
      // A create may itself hit an injected 500, which the CLI rightly never retries: create here directly.
      let id: number | undefined;
      for (let i = 0; i < 50 && id === undefined; i++) {
        const response = await fetch(`${emulator.url}/connect_sessions`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${emulator.apiKey}:`).toString('base64')}`, 'content-type': 'application/json', 'user-agent': 'fault-suite' },
          body: JSON.stringify({ origin_owner_id: 'acme', origin_owner_name: 'Acme' }),
        });
        if (response.status === 201) id = ((await response.json()) as { id: number }).id;
        else await new Promise((r) => setTimeout(r, 300));
      }
      expect(id).toBeDefined();
      await emulator.control('DELETE', '/requests');
      const run = await runCli(['session', 'poll', String(id), '--json', '--interval', '150ms'], {
        env: { STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: emulator.apiKey },
        timeoutMs: 50_000,
      });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'authenticated' });
      const statuses = (await emulator.control<RecordedRequest[]>('GET', '/requests')).map((r) => r.status);
      const survived = statuses.filter((s) => s === 500 || s === 429).length;
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(survived).toBe(run.stderr.match(RETRY_LINE)?.length);
      console.log(`fault flags: ${statuses.length} requests, ${survived} faults survived (${statuses.filter((s) => s === 500).length} × 500, ${statuses.filter((s) => s === 429).length} × 429)`);
    } finally {
      await emulator.stop();
    }
  });
});
