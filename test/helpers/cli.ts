import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/stackone-connect.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Extra environment; STACKONE_* and CI from the parent are never inherited. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, then stdin is closed (default: closed at once). */
  input?: string;
  cwd?: string;
  /** Kill with SIGKILL after this long (default 15 s) so a hang fails the test instead of stalling it. */
  timeoutMs?: number;
  /** Called with the child once it is running (e.g. to send SIGINT after some output). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
  /** Called with each stderr chunk as it arrives. */
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
}

/** A clean environment: no inherited StackOne settings, no colour, no proxy, no CI flag. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(STACKONE_|CI$|NO_COLOR$|FORCE_COLOR$|HTTPS?_PROXY$|NO_PROXY$|VITEST|NODE_OPTIONS$)/i.test(key)) continue;
    env[key] = value;
  }
  env.FORCE_COLOR = '0';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs the built binary (`node bin/stackone-connect.js ...`) as a user would, pipes for stdio. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cleanEnv(options.env),
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      options.onStderr?.(d, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // the CLI may exit before reading stdin
    child.stdin.end(options.input ?? '');
    options.onSpawn?.(child);
  });
}

/** A fresh config directory (STACKONE_CONFIG_DIR) per test; removed by the returned cleanup. */
export function tempConfigDir(): { dir: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'stackone-connect-test-'));
  const dir = join(base, 'config');
  return { dir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}
