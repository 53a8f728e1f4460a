import { UsageError } from './errors.js';
import { DEFAULT_CONCURRENCY, DEFAULT_RATE_PER_MINUTE } from './pacing.js';

/** --concurrency and --rate, as commander hands them over. */
export interface PaceFlags {
  concurrency?: string;
  rate?: string;
}

export interface PaceSettings {
  concurrency: number;
  ratePerMinute: number;
}

export const MAX_CONCURRENCY = 100;
/** Far above any API key's limit: a bigger number is a typo, not a plan. */
export const MAX_RATE_PER_MINUTE = 1_000_000;

function wholeNumber(value: string, flag: string, max: number, examples: string): number {
  const text = value.trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) {
    throw new UsageError(
      `Invalid value "${value}" for ${flag}: it must be a whole number from 1 to ${max.toLocaleString('en-US')}.`,
      `Examples: ${examples}.`,
    );
  }
  return n;
}

export function parsePaceFlags(flags: PaceFlags): PaceSettings {
  return {
    concurrency:
      flags.concurrency === undefined
        ? DEFAULT_CONCURRENCY
        : wholeNumber(flags.concurrency, '--concurrency', MAX_CONCURRENCY, '--concurrency 8'),
    ratePerMinute:
      flags.rate === undefined
        ? DEFAULT_RATE_PER_MINUTE
        : wholeNumber(flags.rate, '--rate', MAX_RATE_PER_MINUTE, '--rate 500 (requests a minute)'),
  };
}
