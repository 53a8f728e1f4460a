import { formatDuration, parseDurationMs, type Unit } from '../lib/durations.js';
import { UsageError } from './errors.js';

const DAY = 86_400_000;

/**
 * The limits of every duration flag (docs/contract.md): generous for any real use, and refused
 * beyond them (exit 2) rather than taken for a wait that would overflow a timer or a date.
 */
export const LIMITS = {
  interval: { min: 100, max: 3_600_000 },
  timeout: { min: 1, max: 365 * DAY },
  expiresIn: { min: 1000, max: 365 * DAY },
} as const;

export interface DurationRule {
  min: number;
  max: number;
  /** Shown when the value is refused: "2s, 500ms or 1m". */
  examples: string;
  bareUnit?: Unit;
}

/** A duration flag's value in ms, or a UsageError naming the flag, the limits and examples. */
export function parseBoundedDuration(value: string, flag: string, rule: DurationRule): number {
  const ms = parseDurationMs(value, rule.bareUnit);
  const limits = `from ${formatDuration(rule.min)} to ${formatDuration(rule.max)}`;
  if (ms === undefined)
    throw new UsageError(`Invalid value "${value}" for ${flag}: it must be a duration ${limits}.`, `Examples: ${rule.examples}.`);
  if (ms < rule.min || ms > rule.max) {
    throw new UsageError(`Invalid value "${value}" for ${flag}: it must be ${limits}.`, `Examples: ${rule.examples}.`);
  }
  return ms;
}

/** `expires_in`: a positive whole number of seconds, within LIMITS.expiresIn. */
export function parseExpiresIn(value: string, name = '--expires-in'): { seconds: number; warning?: string } {
  const suggestion = 'Use seconds (3600) or a duration: 90s, 30m, 12h, 7d, 1h30m.';
  const ms = parseDurationMs(value);
  if (ms === undefined || ms <= 0 || ms % 1000 !== 0) {
    throw new UsageError(`Invalid value "${value}" for ${name}: it must be a positive whole number of seconds.`, suggestion);
  }
  if (ms > LIMITS.expiresIn.max) {
    throw new UsageError(`Invalid value "${value}" for ${name}: it must be at most ${formatDuration(LIMITS.expiresIn.max)}.`, suggestion);
  }
  const seconds = ms / 1000;
  // "30" is thirty seconds: almost certainly meant as minutes.
  const warning =
    /^\s*\d+\s*$/.test(value) && seconds < 60
      ? `${name} ${value.trim()} means ${seconds} seconds: the link expires almost at once. Write ${value.trim()}m for minutes.`
      : undefined;
  return warning ? { seconds, warning } : { seconds };
}
