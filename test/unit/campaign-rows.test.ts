import { describe, expect, test } from 'vitest';
import { inputFormat, readInput } from '../../src/core/campaign/input.js';
import { buildRows, fingerprint, ROW_COLUMNS } from '../../src/core/campaign/rows.js';

describe('readInput', () => {
  test('CSV: each row with the line it starts on, past blank lines and line breaks inside quotes (CRLF or LF)', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['\uFEFForigin_owner_id,origin_owner_name', 'a,A', '', '"b","Two', 'lines"', 'c,C,,', ''].join(eol);
      const { rows, problems } = readInput(text, 'csv', ROW_COLUMNS);
      expect(problems).toEqual([]);
      expect(rows).toEqual([
        { line: 2, values: { origin_owner_id: 'a', origin_owner_name: 'A' } },
        { line: 4, values: { origin_owner_id: 'b', origin_owner_name: `Two${eol}lines` } },
        { line: 6, values: { origin_owner_id: 'c', origin_owner_name: 'C' } },
      ]);
    }
  });

  test('CSV: a value beyond the header is a problem of its line; empty padding is not', () => {
    const { rows, problems } = readInput('origin_owner_id,origin_owner_name\na,A,,\nb,B,extra\n', 'csv', ROW_COLUMNS);
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(problems).toEqual([{ line: 3, message: '3 fields, but the header names 2 columns' }]);
  });

  test('the format: by the name, else JSON Lines when the text starts with an object', () => {
    expect(inputFormat('x.CSV', '{')).toBe('csv');
    expect(inputFormat('x.ndjson', 'a,b')).toBe('jsonl');
    expect(inputFormat('-', '\uFEFF  {"a":1}')).toBe('jsonl');
    expect(inputFormat('-', 'origin_owner_id\n')).toBe('csv');
  });
});

describe('buildRows', () => {
  test('the key: the key column, else origin_owner_id and provider', () => {
    const { rows } = buildRows(
      [
        { line: 2, values: { origin_owner_id: 'a', origin_owner_name: 'A' } },
        { line: 3, values: { origin_owner_id: 'a', origin_owner_name: 'A', provider: 'HiBob' } },
        { line: 4, values: { key: 42, origin_owner_id: 'a', origin_owner_name: 'A', provider: 'hibob' } },
      ],
      {},
    );
    expect(rows.map((r) => r.key)).toEqual(['a', 'a/hibob', '42']);
  });

  test('the fingerprint does not depend on the order of keys', () => {
    expect(fingerprint({ origin_owner_id: 'a', metadata: { x: 1, y: [1, { b: 2, a: 1 }] } })).toBe(
      fingerprint({ metadata: { y: [1, { a: 1, b: 2 }], x: 1 }, origin_owner_id: 'a' }),
    );
    expect(fingerprint({ origin_owner_id: 'a' })).not.toBe(fingerprint({ origin_owner_id: 'b' }));
  });

  test('warnings are gathered with the lines they concern', () => {
    const { warnings } = buildRows(
      [2, 3].map((line) => ({ line, values: { origin_owner_id: `o${line}`, origin_owner_name: 'N', provider_version: '1' } })),
      {},
    );
    expect([...warnings.values()]).toEqual([[2, 3]]);
  });
});
