/**
 * A block of lines at the bottom of a terminal, redrawn in place: the cursor goes back to its
 * first line, the old block is erased, the new one written. Lines are cut to the width (a line
 * that wraps would throw the count off) and the block to the height (the cursor cannot go back
 * above the top of the screen). Lines that stay (notes) are written above it.
 */
export class LiveArea {
  #height = 0;

  constructor(private readonly stream: NodeJS.WritableStream & { columns?: number; rows?: number }) {}

  /** Columns a line may use, and lines the block may use. */
  get size(): { columns: number; rows: number } {
    return { columns: Math.max(20, (this.stream.columns ?? 80) - 1), rows: Math.max(3, (this.stream.rows ?? 24) - 1) };
  }

  draw(lines: string[]): void {
    this.stream.write(
      `${this.#erase()}${lines
        .slice(0, this.size.rows)
        .map((l) => `${l}\n`)
        .join('')}`,
    );
    this.#height = Math.min(lines.length, this.size.rows);
  }

  /** A line that stays, above the block; the block is drawn again by the next draw(). */
  above(text: string, lines: string[]): void {
    this.stream.write(`${this.#erase()}${text.endsWith('\n') ? text : `${text}\n`}`);
    this.#height = 0;
    this.draw(lines);
  }

  /** Leaves the last block on the screen (keep) or erases it, and shows the cursor again. */
  done(keep: boolean): void {
    this.stream.write(`${keep ? '' : this.#erase()}${SHOW_CURSOR}`);
    this.#height = 0;
  }

  #erase(): string {
    // Up to the block's first line, then erase to the end of the screen.
    const erase = this.#height > 0 ? `\u001b[${this.#height}F\u001b[J` : HIDE_CURSOR;
    this.#height = 0;
    return erase;
  }
}

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

// Characters a terminal draws two columns wide (CJK, Hangul, full-width forms, most emoji).
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;

const NOT_NARROW = /[^\u0000-\u10FF]/;

/** The columns plain text takes on a terminal. */
export function textWidth(text: string): number {
  // Nothing below U+1100 is wide, nor a surrogate: one column per UTF-16 unit (a list of 100,000).
  if (!NOT_NARROW.test(text)) return text.length;
  let width = 0;
  for (const char of text) width += WIDE.test(char) ? 2 : 1;
  return width;
}

/** Plain text cut to `width` columns (with … when cut), then padded to it when `pad`. */
export function fitText(text: string, width: number, pad = false): string {
  if (width <= 0) return '';
  const whole = textWidth(text);
  if (whole <= width) return pad ? text + ' '.repeat(width - whole) : text;
  // Cut: whole characters up to one column short, then the ellipsis.
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = WIDE.test(char) ? 2 : 1;
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  out += '…';
  used += 1;
  return pad ? out + ' '.repeat(Math.max(0, width - used)) : out;
}
