import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedRequest } from '../../src/emulator/index.js';
import { type EmulatorProcess, runCli, startEmulatorProcess, tempConfigDir } from '../helpers/process.js';

/**
 * `stackone-connect emulator` as its own process, driven over its control API while the built CLI
 * waits (the whole fault suite runs in-process: test/command/faults.test.ts), and a flaky resolver,
 * which only a process of its own can have (a preloaded module fails its first DNS lookups).
 */
const RETRY_LINE = /^! .*\. Retrying in [\d.]+m?s \(failure \d+\)\.$/gm;

async function createSession(emulator: EmulatorProcess, configDir: string): Promise<number> {
  const run = await runCli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json'], {
    env: { STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: emulator.apiKey, STACKONE_CONFIG_DIR: configDir },
  });
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { id: number }).id;
}

describe("the emulator as its own process, as a user's CI runs it", () => {
  let emulator: EmulatorProcess;
  let config: ReturnType<typeof tempConfigDir>;
  beforeAll(async () => {
    emulator = await startEmulatorProcess([
      '--api-key',
      'v1.eu1.fault-suite-key-0123456789',
      '--rate-limit',
      '100/60s',
      '--retry-after',
      '1',
    ]);
    config = tempConfigDir();
  });
  afterAll(async () => {
    expect(await emulator?.stop()).toBe(0);
    config?.cleanup();
  });

  test('faults queued over its control API are waited out by the built CLI, one stderr line each', async () => {
    const id = await createSession(emulator, config.dir);
    const path = `/connect_sessions/${id}`;
    await emulator.control('POST', '/faults', [
      { path, kind: 'status', status: 503 },
      { path, kind: 'reset' },
    ]);
    await emulator.control('DELETE', '/requests');
    const run = await runCli(['session', 'poll', String(id), '--json', '--interval', '100ms'], {
      env: { STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: emulator.apiKey, STACKONE_CONFIG_DIR: config.dir },
      onStderr: (text) => {
        if (/Reading the session again/.test(text)) void emulator.control('POST', `/sessions/${id}/connect`, {});
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ session_id: id, status: 'authenticated' });
    expect(run.stderr.match(RETRY_LINE)).toHaveLength(2);
    const gets = (await emulator.control<RecordedRequest[]>('GET', '/requests')).filter((r) => r.path === path);
    expect(gets.slice(0, 2).map((r) => r.status)).toEqual([503, 0]);
  });

  test('a flaky resolver (DNS failures) is waited out like any network error', { timeout: 30_000 }, async () => {
    const id = await createSession(emulator, config.dir);
    await emulator.control('POST', `/sessions/${id}/connect`, {});
    // Another machine's poll (no history of the session): it reads at the address it is given.
    const elsewhere = tempConfigDir();
    const run = await runCli(['session', 'poll', String(id), '--quiet', '--interval', '100ms'], {
      env: {
        STACKONE_BASE_URL: emulator.url.replace('127.0.0.1', 'localhost'),
        STACKONE_API_KEY: emulator.apiKey,
        STACKONE_CONFIG_DIR: elsewhere.dir,
        NODE_OPTIONS: `--import=${resolve(import.meta.dirname, '../helpers/dns-failures.mjs')}`,
        DNS_FAILURES: '2', // the third lookup answers: three failures from the start would be a wrong address
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\w+\n$/);
    elsewhere.cleanup();
    expect(run.stderr.match(/Could not reach localhost:\d+: the host name could not be resolved/g)).toHaveLength(2);
  });
});
