import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OutputWatch } from './output-watch.js';

/**
 * The one way tests start the built binary (`node bin/stackone-connect.js ...`) with pipes for its
 * streams; the pseudo-terminal flows (pty.ts) start the same BIN with the same cleanEnv().
 */
export const BIN = resolve(import.meta.dirname, '../../bin/stackone-connect.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Extra environment; STACKONE_*, CI, colours and proxies from the parent are never inherited. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, then stdin is closed (default: closed at once). */
  input?: string;
  cwd?: string;
  /** Kill with SIGKILL after this long (default 30 s) so a hang fails the test instead of stalling it. */
  timeoutMs?: number;
  /** Called with the child once it is running (e.g. to send SIGINT after some output). */
  onStart?: (child: ChildProcess) => void;
  /** Called with each stderr chunk as it arrives. */
  onStderr?: (text: string, child: ChildProcess) => void;
}

/** A clean environment: no inherited StackOne settings, no colour, no proxy, no CI flag. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // npm_* too: under `npx` or `npm exec` the CLI shows its hints as `npx stackone-connect ...`.
    if (/^(STACKONE_|CI$|NO_COLOR$|FORCE_COLOR$|HTTPS?_PROXY$|NO_PROXY$|VITEST|NODE_OPTIONS$|npm_)/i.test(key)) continue;
    env[key] = value;
  }
  env.FORCE_COLOR = '0';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * The built binary running: its output can be awaited as it arrives (the link, a reported
 * failure), so tests wait for conditions, never for a fixed time.
 */
export interface RunningCli {
  readonly stdout: string;
  readonly stderr: string;
  readonly child: ChildProcess;
  /** Resolves with the first match in the stream; rejects if the process ends first or at timeoutMs. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The exit, with everything the process wrote. */
  exited: Promise<CliResult>;
  /** Sends a signal, as Ctrl-C (SIGINT) or a process manager (SIGTERM) would. */
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();

/** Kills whatever a failed test left running (call from afterEach). */
export function killRunningClis(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(options.env), cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const watch = new OutputWatch(args.join(' '), 15_000);
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);

  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8').on('data', (chunk: string) => {
      watch.append(stream, chunk);
      if (stream === 'stderr') options.onStderr?.(chunk, child);
    });
  }
  const exited = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      running.delete(child);
      watch.end();
      resolvePromise({ code, signal, ...watch.output });
    });
  });
  child.stdin!.on('error', () => undefined); // the CLI may exit before reading stdin
  child.stdin!.end(options.input ?? '');

  options.onStart?.(child);
  return {
    get stdout() {
      return watch.output.stdout;
    },
    get stderr() {
      return watch.output.stderr;
    },
    child,
    waitFor: (stream, pattern, timeoutMs) => watch.waitFor(stream, pattern, timeoutMs),
    exited,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
  };
}

/** Runs the built binary to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).exited;
}

/** A fresh config directory (STACKONE_CONFIG_DIR); removed by the returned cleanup. */
export function tempConfigDir(): { dir: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'stackone-connect-test-'));
  const dir = join(base, 'config');
  return { dir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export interface EmulatorProcess {
  url: string;
  apiKey: string;
  stderr: () => string;
  /** The control API: drive sessions, inject faults, read the request log. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<number | null>;
}

/** `stackone-connect emulator --port 0 ...` as its own process, as a user's CI would run it. */
export async function startEmulatorProcess(flags: string[]): Promise<EmulatorProcess> {
  const emulator = startCli(['emulator', '--port', '0', ...flags], { timeoutMs: 120_000 });
  const [, url, apiKey] = await emulator.waitFor('stdout', /^export STACKONE_BASE_URL=(\S+)\nexport STACKONE_API_KEY=(\S+)\n/, 10_000);
  return {
    url: url!,
    apiKey: apiKey!,
    stderr: () => emulator.stderr,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}/_emulator${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json().catch(() => undefined)) as T;
    },
    async stop() {
      emulator.kill('SIGTERM');
      return (await emulator.exited).code;
    },
  };
}
