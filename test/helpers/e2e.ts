import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RecordedRequest } from '../../src/emulator/index.js';
import { SessionHistory } from '../../src/store/history.js';
import type { FakeClock } from './clock.js';
import type { Harness, RunOptions } from './harness.js';
import type { Running } from './in-process.js';
import type { CliResult } from './process.js';

/** The required pair of `session create`, as most tests give it. */
export const OWNER = ['--origin-owner-id', 'cust-42', '--origin-owner-name', 'Acme Ltd'];
export const OWNER_BODY = { origin_owner_id: 'cust-42', origin_owner_name: 'Acme Ltd' };

/** Any ANSI escape sequence (colour included). */
export const ESC = '\u001b';

/** The JSON keys of `session poll` / `status` / `create --wait` (docs/contract.md, "Output"), in order. */
export const RESULT_KEYS = [
  'session_id',
  'status',
  'account_secure_id',
  'auth_link_url',
  'origin_owner_id',
  'origin_owner_name',
  'provider',
  'attempt',
];

export interface SessionResult {
  session_id: number;
  status: string;
  account_secure_id: string | null;
  auth_link_url: string | null;
  origin_owner_id: string | null;
  origin_owner_name: string | null;
  provider: string | null;
  attempt: Record<string, unknown> | null;
}

export interface Created {
  id: number;
  token: string;
  auth_link_url: string;
  [key: string]: unknown;
}

/** stdout must be exactly one line of JSON (nothing else on stdout): returns it parsed. */
export function oneJsonLine<T = unknown>(stdout: string): T {
  expect(stdout.endsWith('\n'), 'stdout ends with a newline').toBe(true);
  const lines = stdout.slice(0, -1).split('\n');
  expect(lines, 'stdout is one line').toHaveLength(1);
  return JSON.parse(lines[0]!) as T;
}

/** A session created through the CLI (`session create --json`), for tests about what comes after. */
export async function createSession(h: Harness, args: string[] = [], options: RunOptions = {}): Promise<Created> {
  const result = await h.cli(['session', 'create', ...OWNER, '--json', ...args], options);
  expect(result.code, result.stderr).toBe(0);
  return oneJsonLine<Created>(result.stdout);
}

export function requestsTo(requests: RecordedRequest[], method: string, path: string | RegExp): RecordedRequest[] {
  return requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
}

/** The API key a request carried (`Authorization: Basic base64(key + ":")`). */
export function keyOf(request: RecordedRequest): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  return decoded.endsWith(':') ? decoded.slice(0, -1) : undefined;
}

/** The local session history of a config dir, oldest first, as the CLI reads it. */
export function historyOf(configDir: string): Record<string, unknown>[] {
  return new SessionHistory(configDir).all() as unknown as Record<string, unknown>[];
}

export function configOf(configDir: string): {
  default_profile?: string;
  profiles?: Record<string, { api_key?: string; base_url?: string }>;
} {
  return JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as ReturnType<typeof configOf>;
}

/** The session id from the "Waiting for the customer to connect (session 123, ..." line. */
export function waitingSessionId(stderr: string): number | undefined {
  const match = /Waiting for the customer to connect \(session (\d+)/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

export interface Step {
  /** Checked against all of stderr so far (and anything else the closure sees) after every write, every sleep and every 20 ms. */
  when: (stderr: string) => boolean;
  then: (run: Pick<Running, 'kill'>, stderr: string) => void;
}

/**
 * Runs the CLI and plays the customer: each step fires once, in order, when its condition holds.
 * Lets tests drive the emulator at the right moment instead of sleeping. In-process, conditions
 * are checked at each write and each time the CLI sleeps (before its clock moves on), so the
 * same thing happens at the same point of the run every time.
 */
export async function drive(
  run: (options: RunOptions) => Promise<CliResult>,
  steps: Step[],
  options: RunOptions = {},
  clock?: FakeClock,
): Promise<CliResult & { fired: number }> {
  let stderr = '';
  let handle: Pick<Running, 'kill'> | undefined;
  let fired = 0;
  let failure: unknown;
  const check = () => {
    try {
      while (handle && failure === undefined && fired < steps.length && steps[fired]!.when(stderr)) {
        steps[fired]!.then(handle, stderr);
        fired++;
      }
    } catch (error) {
      failure = error;
      handle?.kill('SIGKILL');
    }
  };
  const timer = setInterval(check, 20);
  const previous = clock?.onSleep;
  if (clock) clock.onSleep = check;
  try {
    const result = await run({
      ...options,
      onStart: (r) => {
        handle = r;
        options.onStart?.(r);
        check();
      },
      onStderr: (text, r) => {
        stderr += text;
        options.onStderr?.(text, r);
        check();
      },
    });
    if (failure !== undefined) throw failure;
    return { ...result, fired };
  } finally {
    clearInterval(timer);
    if (clock) clock.onSleep = previous;
  }
}

/** Resolves when `condition` holds (polled every 10 ms), or fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lines of a text that match a pattern. */
export function linesMatching(text: string, pattern: RegExp): string[] {
  return text.split('\n').filter((line) => pattern.test(line));
}
