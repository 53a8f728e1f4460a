const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type Unit = keyof typeof UNIT_MS;
const BARE = /^\d+(?:\.\d+)?$/;
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/giy;

/**
 * Parses `3600` (seconds, or `bareUnit`), `500ms`, `90s`, `30m`, `12h`, `7d`, and compound forms
 * (`1h30m`, `1d 12h`, units largest first) into milliseconds. Returns undefined for anything
 * else, so the caller can name the flag in its error.
 */
export function parseDurationMs(input: string, bareUnit: Unit = 's'): number | undefined {
  const text = input.trim();
  let ms: number;
  if (BARE.test(text)) {
    ms = Number(text) * UNIT_MS[bareUnit];
  } else {
    ms = 0;
    let last = Infinity;
    PART.lastIndex = 0;
    for (;;) {
      const start = PART.lastIndex;
      if (start === text.length) break;
      const match = PART.exec(text);
      if (!match) return undefined;
      const size = UNIT_MS[match[2]!.toLowerCase() as Unit];
      if (size >= last) return undefined; // 30m1h, 1h1h: not a duration anyone means
      last = size;
      ms += Number(match[1]) * size;
      while (text[PART.lastIndex] === ' ') PART.lastIndex++;
    }
    if (last === Infinity) return undefined;
  }
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
  if (ms > 0 && ms < 1000) return `${Math.round(ms)}ms`;
  if (ms > 0 && ms < 10_000 && ms % 1000 !== 0) return `${(ms / 1000).toFixed(1)}s`;
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
