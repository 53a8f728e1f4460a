import { UsageError } from '../core/errors.js';
import type { AttemptOutcome, EmulatorOptions } from '../emulator/types.js';
import { parseDurationMs } from '../lib/durations.js';

// The emulator command's flags -> startEmulator's options. Each bad value is a UsageError (exit 2)
// that names the flag; limits keep every wait within what a timer can hold.

const HELP = 'See `stackone-connect emulator --help`.';
const bad = (message: string) => new UsageError(message, HELP);
const DAY = 86_400_000;

/** The emulator command's flags as commander hands them over (strings, booleans). */
export interface EmulatorFlags {
  port?: string;
  host?: string;
  apiKey?: string;
  anyKey?: boolean;
  latency?: string;
  errorRate?: string;
  rateLimit?: string;
  retryAfter?: string;
  autoComplete?: string;
  autoOutcome?: string;
  legacy?: boolean;
  publicUrl?: string;
}

export function parsePort(text: string): number {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw bad(`--port must be a whole number from 0 to 65535 (0 = any free port), got "${text}"`);
  return port;
}

/** `200`, `200ms`, `1s`, or a range `100-800` / `100ms-2s`; bare numbers are milliseconds. */
export function parseLatency(text: string): number | [number, number] {
  const parts = text.split('-');
  const values = parts.map((p) => parseDurationMs(p, 'ms'));
  const [min, max] = values;
  const sane = (ms: number | undefined): ms is number => ms !== undefined && ms <= 600_000;
  if (parts.length === 1 && sane(min)) return min;
  if (parts.length === 2 && sane(min) && sane(max) && min <= max) return [min, max];
  throw bad(`--latency must be milliseconds or a range min-max up to 10m, e.g. 200, 500ms or 100-800, got "${text}"`);
}

/** A share from 0 to 1; `10%` is accepted too. */
export function parseErrorRate(text: string): number {
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const rate = percent ? Number(percent[1]) / 100 : /^\s*\d*\.?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(rate >= 0 && rate <= 1)) throw bad(`--error-rate must be a number from 0 to 1, e.g. 0.1, got "${text}"`);
  return rate;
}

/** `<n>` or `<n>/<window>`, e.g. `100/60s`, `5/1m`; the window defaults to a minute as StackOne's does. */
export function parseRateLimit(text: string): { limit: number; windowMs: number } {
  const [count, window, ...rest] = text.split('/');
  const limit = count !== undefined && /^\s*\d+\s*$/.test(count) ? Number(count) : Number.NaN;
  const windowMs = window === undefined ? 60_000 : parseDurationMs(window, 's');
  if (rest.length > 0 || !(limit >= 1) || windowMs === undefined || windowMs <= 0 || windowMs > DAY) {
    throw bad(`--rate-limit must be <requests>[/<window>], e.g. 100 or 100/60s, got "${text}"`);
  }
  return { limit, windowMs };
}

/** Whole seconds (`30` or `30s`), as the Retry-After header carries them. */
export function parseRetryAfter(text: string): number {
  const ms = parseDurationMs(text, 's');
  if (ms === undefined || ms % 1000 !== 0 || ms > DAY) throw bad(`--retry-after must be whole seconds up to a day, e.g. 30, got "${text}"`);
  return ms / 1000;
}

/** `5s`, `500ms`, `2m`; a bare number is seconds. */
export function parseAutoComplete(text: string): number {
  const ms = parseDurationMs(text, 's');
  if (ms === undefined || ms > 365 * DAY)
    throw bad(`--auto-complete must be a duration up to 365d, such as 5s, 500ms or 2m, got "${text}"`);
  return ms;
}

/** An http(s) URL with no path, query or fragment: the base of auth links and a name to serve. */
export function parsePublicUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text.trim());
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw bad(`--public-url must be an http or https URL with no path, e.g. http://emulator:4010, got "${text}"`);
  }
  return url.origin;
}

const OUTCOMES: readonly AttemptOutcome[] = ['connect', 'fail', 'cancel'];

export function parseOutcome(text: string): AttemptOutcome {
  const outcome = text.trim().toLowerCase() as AttemptOutcome;
  if (!OUTCOMES.includes(outcome)) throw bad(`--auto-outcome must be one of ${OUTCOMES.join(', ')}, got "${text}"`);
  return outcome;
}

/** Validated options for startEmulator, from the command's flags. */
export function optionsFromFlags(flags: EmulatorFlags): EmulatorOptions {
  if (flags.apiKey !== undefined && flags.apiKey.trim() === '') throw bad('--api-key must not be empty');
  if (flags.apiKey !== undefined && flags.anyKey) {
    throw bad('--api-key and --any-key cannot be used together: pick one');
  }
  if (flags.retryAfter !== undefined && flags.rateLimit === undefined) {
    throw bad('--retry-after applies to --rate-limit: add --rate-limit <n>[/<window>]');
  }
  if (flags.autoOutcome !== undefined && flags.autoComplete === undefined) {
    throw bad('--auto-outcome applies to --auto-complete: add --auto-complete <delay>');
  }
  const host = flags.host?.trim() || '127.0.0.1';
  const options: EmulatorOptions = { port: parsePort(flags.port ?? '4010'), host };
  if (flags.apiKey !== undefined) options.apiKey = flags.apiKey;
  if (flags.latency !== undefined) options.latencyMs = parseLatency(flags.latency);
  if (flags.errorRate !== undefined) options.errorRate = parseErrorRate(flags.errorRate);
  if (flags.rateLimit !== undefined) {
    options.rateLimit = parseRateLimit(flags.rateLimit);
    if (flags.retryAfter !== undefined) options.rateLimit.retryAfterSeconds = parseRetryAfter(flags.retryAfter);
  }
  if (flags.autoComplete !== undefined) {
    options.autoComplete = { afterMs: parseAutoComplete(flags.autoComplete) };
    if (flags.autoOutcome !== undefined) options.autoComplete.outcome = parseOutcome(flags.autoOutcome);
  }
  if (flags.legacy) options.legacy = true;
  if (flags.publicUrl !== undefined) options.publicUrl = parsePublicUrl(flags.publicUrl);
  return options;
}
