import type { Environment } from '../lib/env.js';

/** Whether a stream gets colour: --no-color and NO_COLOR win, then FORCE_COLOR, then "is it a TTY". */
export function colorLevel(stream: { isTTY?: boolean }, env: Environment, colorFlag: boolean): 0 | 1 | 2 | 3 {
  if (!colorFlag || env.noColor) return 0;
  const force = env.forceColor;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    const level = Number(force);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  }
  if (!stream.isTTY || env.term === 'dumb') return 0;
  return env.colorTerm === 'truecolor' ? 3 : 2;
}

/** Red text for an error line when the stream gets colour, without loading chalk (cli.ts runs before any command). */
export function red(text: string, level: number): string {
  return level > 0 ? `\u001b[31m${text}\u001b[39m` : text;
}
