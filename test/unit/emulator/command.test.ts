import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Command, Option } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { emulatorCommand, runEmulator, type EmulatorIo } from '../../../src/commands/emulator.js';
import { ExitWith, UsageError } from '../../../src/errors.js';
import type { Runtime } from '../../../src/runtime.js';

function fakeIo(): EmulatorIo & { out: string[]; err: string[]; stop: (reason: 'SIGINT' | 'SIGTERM') => void } {
  const out: string[] = [];
  const err: string[] = [];
  const controller = new AbortController();
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    signal: controller.signal,
    stop: (reason) => controller.abort(reason),
  };
}

const runtime = {} as Runtime;

/** Waits for the two export lines, then returns the values. */
async function started(io: ReturnType<typeof fakeIo>): Promise<{ baseUrl: string; apiKey: string }> {
  await vi.waitFor(() => expect(io.out.join('')).toContain('STACKONE_API_KEY'));
  const text = io.out.join('');
  return {
    baseUrl: /^export STACKONE_BASE_URL=(\S+)$/m.exec(text)![1]!,
    apiKey: /^export STACKONE_API_KEY=(\S+)$/m.exec(text)![1]!,
  };
}

describe('stackone-connect emulator', () => {
  it('prints exactly two eval-able export lines on stdout, the rest on stderr; SIGINT ends with 130', async () => {
    const io = fakeIo();
    const run = runEmulator({ port: '0' }, io);
    const { baseUrl, apiKey } = await started(io);
    expect(io.out.join('')).toMatch(/^export STACKONE_BASE_URL=http:\/\/127\.0\.0\.1:\d+\nexport STACKONE_API_KEY=emu_[A-Za-z0-9_-]+\n$/);
    expect(io.err.join('')).toContain(`listening on ${baseUrl}`);
    expect(io.err.join('')).toContain('any non-empty key is accepted');
    const res = await fetch(`${baseUrl}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`, 'user-agent': 't/1' },
    });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(io.err.join('')).toMatch(/GET \/accounts 200 \d+ms/));
    io.stop('SIGINT');
    expect(await run).toBe(130);
    await expect(fetch(`${baseUrl}/_emulator/health`)).rejects.toThrow();
  });

  it('requires the --api-key given, prints it, and ends with 0 on SIGTERM', async () => {
    const io = fakeIo();
    const run = runEmulator({ port: '0', apiKey: 'v1.eu1.abc' }, io);
    const { baseUrl, apiKey } = await started(io);
    expect(apiKey).toBe('v1.eu1.abc');
    const wrong = await fetch(`${baseUrl}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from('other:').toString('base64')}`, 'user-agent': 't/1' },
    });
    expect(wrong.status).toBe(401);
    io.stop('SIGTERM');
    expect(await run).toBe(0);
  });

  it('quotes a key a shell would misread', async () => {
    const io = fakeIo();
    const run = runEmulator({ port: '0', apiKey: "it's $HOME" }, io);
    await vi.waitFor(() => expect(io.out.join('')).toContain('STACKONE_API_KEY'));
    expect(io.out.join('')).toContain(`export STACKONE_API_KEY='it'\\''s $HOME'\n`);
    io.stop('SIGTERM');
    await run;
  });

  it('warns on stderr when listening beyond loopback', async () => {
    const io = fakeIo();
    const run = runEmulator({ port: '0', host: '0.0.0.0' }, io);
    const { baseUrl } = await started(io);
    expect(io.err.join('')).toMatch(/warning: listening on 0\.0\.0\.0/);
    expect(io.err.join('')).toContain('add --public-url http://<name>:<port>');
    // clients still get a loopback URL, which the CLI accepts over plain http
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    io.stop('SIGTERM');
    await run;
  });

  it('--public-url is the base of auth links, and a name it serves', async () => {
    const io = fakeIo();
    const run = runEmulator({ port: '0', host: '0.0.0.0', publicUrl: 'http://emulator.test:4010' }, io);
    const { baseUrl } = await started(io);
    expect(io.err.join('')).toContain('auth links  http://emulator.test:4010/hub?token=…');
    expect(io.err.join('')).not.toContain('add --public-url');
    const named = await new Promise<number>((resolve, reject) => {
      request(`${baseUrl}/_emulator/health`, { headers: { host: 'emulator.test:4010' } }, (res) => resolve(res.statusCode ?? 0)).on('error', reject).end();
    });
    expect(named).toBe(200);
    io.stop('SIGTERM');
    await run;
  });

  it('throws a UsageError naming the flag for bad values, before listening', async () => {
    const io = fakeIo();
    await expect(runEmulator({ port: 'x' }, io)).rejects.toThrow(UsageError);
    await expect(runEmulator({ errorRate: '2' }, io)).rejects.toThrow(/--error-rate must be a number from 0 to 1/);
    await expect(runEmulator({ autoOutcome: 'win', autoComplete: '1s' }, io)).rejects.toThrow(/connect, fail, cancel/);
    expect(io.out).toEqual([]);
  });

  it('runs through commander, reading --api-key also when the program defines it globally', async () => {
    const io = fakeIo();
    const program = new Command().exitOverride().option('--api-key <key>', 'global key').addCommand(emulatorCommand(runtime, io));
    const parsed = program.parseAsync(['node', 'cli', 'emulator', '--port', '0', '--api-key', 'k-123', '--latency', '0-5']);
    const { apiKey } = await started(io);
    expect(apiKey).toBe('k-123');
    io.stop('SIGINT');
    // commander drops action results, so 130 travels as ExitWith
    await expect(parsed).rejects.toMatchObject({ exitCode: 130 });
    await expect(parsed).rejects.toBeInstanceOf(ExitWith);
  });

  it('ignores a global --api-key that came from the environment', async () => {
    const io = fakeIo();
    const program = new Command()
      .exitOverride()
      .addOption(new Option('--api-key <key>').env('EMULATOR_TEST_KEY'))
      .addCommand(emulatorCommand(runtime, io));
    process.env['EMULATOR_TEST_KEY'] = 'from-env';
    try {
      const parsed = program.parseAsync(['node', 'cli', 'emulator', '--port', '0']);
      const { apiKey } = await started(io);
      expect(apiKey).toMatch(/^emu_/);
      io.stop('SIGTERM');
      await parsed;
    } finally {
      delete process.env['EMULATOR_TEST_KEY'];
    }
  });

  it('loads the emulator lazily: only type imports of it at the top of the command', () => {
    const source = readFileSync(new URL('../../../src/commands/emulator.ts', import.meta.url), 'utf8');
    const staticImports = [...source.matchAll(/^import (type )?.*from '(.+)';$/gm)];
    const emulatorValues = staticImports.filter((m) => m[2]!.includes('/emulator/') && m[1] === undefined);
    expect(staticImports.length).toBeGreaterThan(0);
    expect(emulatorValues.map((m) => m[0])).toEqual([]);
  });

  it('declares the documented flags', () => {
    const command = emulatorCommand(runtime, fakeIo());
    expect(command.name()).toBe('emulator');
    expect(command.options.map((o) => o.long)).toEqual([
      '--port', '--host', '--api-key', '--any-key', '--latency', '--error-rate', '--rate-limit', '--retry-after', '--auto-complete', '--auto-outcome', '--legacy', '--public-url',
    ]);
  });
});
