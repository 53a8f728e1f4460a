import { LIMITS, parseBoundedDuration } from './durations.js';
import { UsageError } from './errors.js';

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

export function parsePollFlags(flags: PollFlags): PollSettings {
  const intervalMs =
    flags.interval === undefined
      ? DEFAULT_INTERVAL_MS
      : parseBoundedDuration(flags.interval, '--interval', { ...LIMITS.interval, examples: '2s, 500ms or 1m' });
  const timeoutMs =
    flags.timeout === undefined
      ? undefined
      : parseBoundedDuration(flags.timeout, '--timeout', { ...LIMITS.timeout, examples: '90s, 10m, 1h30m or 7d' });
  return { intervalMs, timeoutMs, failFast: Boolean(flags.failFast) };
}

/** Session ids are the API's numbers, and a JavaScript number must hold them exactly. */
export function parseSessionId(value: string): string {
  const id = value.trim();
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id))) {
    throw new UsageError(
      `Invalid session id "${value}": it must be a number, such as 1234.`,
      'See your sessions with `stackone-connect session list`.',
    );
  }
  return String(Number(id)); // 007 is 7
}
