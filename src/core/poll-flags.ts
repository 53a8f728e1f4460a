import { UsageError } from '../errors.js';
import { parseDurationMs } from './durations.js';

export interface PollFlags {
  interval?: string;
  timeout?: string;
  failFast?: boolean;
}

export interface PollSettings {
  intervalMs: number;
  timeoutMs: number | undefined;
  failFast: boolean;
}

export const DEFAULT_INTERVAL_MS = 2000;
/** Faster than this only burns the key's rate limit (1,000 requests a minute). */
export const MIN_INTERVAL_MS = 100;

export function parsePollFlags(flags: PollFlags): PollSettings {
  let intervalMs = DEFAULT_INTERVAL_MS;
  if (flags.interval !== undefined) {
    const ms = parseDurationMs(flags.interval);
    if (ms === undefined || ms < MIN_INTERVAL_MS) {
      throw new UsageError(`Invalid value "${flags.interval}" for --interval: it must be a duration of at least ${MIN_INTERVAL_MS}ms.`,
        'Examples: --interval 2s, --interval 500ms, --interval 1m.');
    }
    intervalMs = ms;
  }
  let timeoutMs: number | undefined;
  if (flags.timeout !== undefined) {
    const ms = parseDurationMs(flags.timeout);
    if (ms === undefined || ms <= 0) {
      throw new UsageError(`Invalid value "${flags.timeout}" for --timeout: it must be a positive duration.`,
        'Examples: --timeout 90s, --timeout 10m, --timeout 1h.');
    }
    timeoutMs = ms;
  }
  return { intervalMs, timeoutMs, failFast: Boolean(flags.failFast) };
}

/** Session ids are the API's numbers. */
export function parseSessionId(value: string): string {
  const id = value.trim();
  if (!/^\d+$/.test(id)) throw new UsageError(`Invalid session id "${value}": it must be a number, such as 1234.`, 'See your sessions with `stackone-connect session list`.');
  return id;
}
