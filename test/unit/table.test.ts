import { describe, expect, test } from 'vitest';
import { textWidth } from '../../src/ui/live.js';
import { layoutTable } from '../../src/ui/table.js';

const header = ['ID', 'NAME', 'STATE', 'NOTE'];
const rows = [
  ['1', 'A very long customer name indeed', 'pending', 'a note that can go'],
  ['22', '株式会社テスト', 'authenticated', '-'],
];

describe('layoutTable', () => {
  test('not on a terminal: every cell whole, columns aligned two spaces apart', () => {
    const lines = layoutTable(header, rows);
    expect(lines[0]).toBe('ID  NAME                              STATE          NOTE');
    expect(lines[1]).toBe('1   A very long customer name indeed  pending        a note that can go');
    // Wide characters take two columns each: the next column starts at the same place.
    expect(lines[2]).toBe('22  株式会社テスト                    authenticated  -');
  });

  test('on a wide enough terminal: nothing cut', () => {
    expect(layoutTable(header, rows, { columns: 200, shrink: { 1: 10 } })).toEqual(layoutTable(header, rows));
  });

  test('narrower: the shrinkable column is cut with …, no line is wider than the terminal', () => {
    const lines = layoutTable(header, rows, { columns: 60, shrink: { 1: 10 }, drop: [3] });
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(60);
    expect(lines[1]).toBe('1   A very long customer…  pending        a note that can go');
    expect(textWidth(lines[1]!)).toBe(60);
  });

  test('narrower still: the drop column goes, and its room returns to the cut one', () => {
    const lines = layoutTable(header, rows, { columns: 30, shrink: { 1: 10 }, drop: [3] });
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(30);
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATE$/);
    expect(lines[1]).toBe('1   A very lon…  pending');
    // Wide characters count two columns each: the cut is by width, not by characters.
    expect(lines[2]).toBe('22  株式会社テ…  authenticated');
  });

  test('too narrow for anything: cut down to the header, never further', () => {
    const lines = layoutTable(header, rows, { columns: 10, shrink: { 1: 10 }, drop: [3] });
    expect(lines[1]).toBe('1   A v…  pending');
  });
});
