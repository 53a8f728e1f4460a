import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { emulatorCommand } from '../../src/commands/emulator.js';
import type { Runtime } from '../../src/lib/runtime.js';
import { FakeClock } from '../helpers/clock.js';
import { runInProcess, type Started, startInProcess } from '../helpers/in-process.js';
import { cleanEnv } from '../helpers/process.js';

// `stackone-connect emulator` in-process: what it prints where, which flags it reads, how it stops.
const running: Started[] = [];
afterEach(() => {
  for (const run of running.splice(0)) run.kill('SIGKILL');
});

function emulator(...args: string[]): Started {
  const run = startInProcess(['emulator', '--port', '0', ...args], { clock: new FakeClock(), env: cleanEnv() });
  running.push(run);
  return run;
}

/** The two export lines' values, once printed. */
async function started(run: Started): Promise<{ baseUrl: string; apiKey: string }> {
  const [, baseUrl, apiKey] = await run.waitFor('stdout', /^export STACKONE_BASE_URL=(\S+)\nexport STACKONE_API_KEY=(\S+)\n/);
  return { baseUrl: baseUrl!, apiKey: apiKey! };
}

describe('stackone-connect emulator', () => {
  it('prints exactly two eval-able export lines on stdout, the rest on stderr; Ctrl-C ends with 130', async () => {
    const run = emulator();
    const { baseUrl, apiKey } = await started(run);
    expect(run.stdout).toMatch(/^export STACKONE_BASE_URL=http:\/\/127\.0\.0\.1:\d+\nexport STACKONE_API_KEY=emu_[A-Za-z0-9_-]+\n$/);
    expect(run.stderr).toContain(`listening on ${baseUrl}`);
    expect(run.stderr).toContain('any non-empty key is accepted');
    const res = await fetch(`${baseUrl}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`, 'user-agent': 't/1' },
    });
    expect(res.status).toBe(200);
    await run.waitFor('stderr', /GET \/accounts 200 \d+ms/);
    run.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    await expect(fetch(`${baseUrl}/_emulator/health`)).rejects.toThrow();
  });

  it("requires the --api-key given (its own flag, also after the program's), prints it, and ends with 0 on SIGTERM", async () => {
    const run = emulator('--api-key', 'v1.eu1.abc');
    const { baseUrl, apiKey } = await started(run);
    expect(apiKey).toBe('v1.eu1.abc');
    const wrong = await fetch(`${baseUrl}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from('other:').toString('base64')}`, 'user-agent': 't/1' },
    });
    expect(wrong.status).toBe(401);
    run.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it("a STACKONE_API_KEY in the environment is not the emulator's key: it makes one up", async () => {
    const run = startInProcess(['emulator', '--port', '0'], { env: cleanEnv({ STACKONE_API_KEY: 'from-env-0123456789' }) });
    running.push(run);
    expect((await started(run)).apiKey).toMatch(/^emu_/);
  });

  it('quotes a key a shell would misread', async () => {
    const run = emulator('--api-key', "it's $HOME");
    await run.waitFor('stdout', /STACKONE_API_KEY=.*\n/);
    expect(run.stdout).toContain(`export STACKONE_API_KEY='it'\\''s $HOME'\n`);
  });

  it('warns on stderr when listening beyond loopback', async () => {
    const run = emulator('--host', '0.0.0.0');
    const { baseUrl } = await started(run);
    expect(run.stderr).toMatch(/^! Listening on 0\.0\.0\.0, which is not a loopback address/m);
    expect(run.stderr).toContain('add --public-url http://<name>:<port>');
    // clients still get a loopback URL, which the CLI accepts over plain http
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('--public-url is the base of auth links, and a name it serves', async () => {
    const run = emulator('--host', '0.0.0.0', '--public-url', 'http://emulator.test:4010');
    const { baseUrl } = await started(run);
    expect(run.stderr).toContain('auth links  http://emulator.test:4010/hub?token=…');
    expect(run.stderr).not.toContain('add --public-url');
    const named = await new Promise<number>((resolve, reject) => {
      request(`${baseUrl}/_emulator/health`, { headers: { host: 'emulator.test:4010' } }, (res) => resolve(res.statusCode ?? 0))
        .on('error', reject)
        .end();
    });
    expect(named).toBe(200);
  });

  it.each([
    [['--port', 'x'], /--port must be a whole number from 0 to 65535/],
    [['--error-rate', '2'], /--error-rate must be a number from 0 to 1/],
    [['--auto-complete', '1s', '--auto-outcome', 'win'], /connect, fail, cancel/],
    [['--auto-complete', '400d'], /--auto-complete must be a duration up to 365d/],
    [['--latency', '25d'], /--latency must be milliseconds or a range min-max up to 10m/],
  ])('%j: exit 2 naming the flag, before listening', async (args, message) => {
    const result = await runInProcess(['emulator', '--port', '0', ...args], { env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('loads the emulator lazily: only type imports of it at the top of the command', () => {
    const source = readFileSync(new URL('../../src/commands/emulator.ts', import.meta.url), 'utf8');
    const staticImports = [...source.matchAll(/^import (type )?.*from '(.+)';$/gm)];
    const emulatorValues = staticImports.filter((m) => m[2]!.includes('/emulator/') && m[1] === undefined);
    expect(staticImports.length).toBeGreaterThan(0);
    expect(emulatorValues.map((m) => m[0])).toEqual([]);
  });

  it('declares the documented flags', () => {
    const command = emulatorCommand({} as Runtime);
    expect(command.name()).toBe('emulator');
    expect(command.options.map((o) => o.long)).toEqual([
      '--port',
      '--host',
      '--api-key',
      '--any-key',
      '--latency',
      '--error-rate',
      '--rate-limit',
      '--retry-after',
      '--auto-complete',
      '--auto-outcome',
      '--legacy',
      '--public-url',
    ]);
  });
});
