const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i;

/**
 * Parses `3600` (seconds, or `bareUnit`), `500ms`, `90s`, `30m`, `12h`, `7d` into milliseconds.
 * Returns undefined for anything else, so the caller can name the flag in its error.
 */
export function parseDurationMs(input: string, bareUnit: Unit = 's'): number | undefined {
  const match = DURATION.exec(input.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2]?.toLowerCase() ?? bareUnit) as Unit;
  const ms = value * UNIT_MS[unit];
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** `expires_in` must be a positive whole number of seconds. */
export function parseWholeSeconds(input: string): number | undefined {
  const ms = parseDurationMs(input);
  if (ms === undefined || ms <= 0 || ms % 1000 !== 0) return undefined;
  return ms / 1000;
}

/** 0s, 45s, 1m 05s, 2h 03m, 3d 4h: compact and stable width for a spinner. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms < 1000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}
