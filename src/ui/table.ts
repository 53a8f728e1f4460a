import { fitText, textWidth } from './live.js';

export interface TableLayout {
  /** The terminal's width; undefined (not a terminal) prints every cell whole. */
  columns?: number | undefined;
  /**
   * Columns that may be cut (with …) to fit, each with the width it is first cut to; the widest
   * is cut first. Only when leaving out the `drop` columns is not enough are they cut further,
   * down to their header's width.
   */
  shrink?: Record<number, number>;
  /** Columns left out, in this order, when cutting to the first widths is not enough. */
  drop?: number[];
}

const GAP = '  ';

/**
 * Rows of plain text in aligned columns, two spaces apart. On a terminal narrower than the table,
 * the `shrink` columns are cut with an ellipsis, then the `drop` columns left out, so that no line
 * wraps: a wrapped table is no longer a table. Not on a terminal, every cell is printed whole.
 */
export function layoutTable(header: string[], rows: string[][], layout: TableLayout = {}): string[] {
  const { columns, shrink = {}, drop = [] } = layout;
  let keep = header.map((_, i) => i);
  // A loop, not Math.max(...rows): a spread of 100,000 values overflows the call stack.
  const natural = header.map((h, i) => rows.reduce((width, row) => Math.max(width, textWidth(row[i] ?? '')), textWidth(h)));
  const widths = [...natural];
  const total = () => keep.reduce((sum, i) => sum + widths[i]!, 0) + GAP.length * (keep.length - 1);
  const cut = (floor: (column: number) => number) => {
    for (;;) {
      const over = total() - columns!;
      const candidates = Object.keys(shrink)
        .map(Number)
        .filter((i) => keep.includes(i) && widths[i]! > floor(i));
      if (over <= 0 || candidates.length === 0) return;
      const widest = candidates.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
      widths[widest] = Math.max(floor(widest), widths[widest]! - over);
    }
  };
  if (columns !== undefined && columns > 0) {
    cut((i) => Math.max(shrink[i]!, textWidth(header[i]!)));
    for (const column of drop) {
      if (total() <= columns) break;
      keep = keep.filter((i) => i !== column);
    }
    // What is left of the width goes back to the cut columns, cut again only as far as needed.
    for (const i of Object.keys(shrink).map(Number)) widths[i] = natural[i]!;
    cut((i) => textWidth(header[i]!));
  }
  const line = (cells: string[]) =>
    keep
      .map((i) => fitText(cells[i] ?? '', widths[i]!, true))
      .join(GAP)
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
