// csv-parse (sync API), not a split on commas: spreadsheet exports quote fields that hold commas,
// quotes and line breaks, and start with a byte order mark.
import { CsvError, parse } from 'csv-parse/sync';
import { parseJson } from '../../lib/json.js';
import { sanitizeLine } from '../../lib/text.js';

export type InputFormat = 'csv' | 'jsonl';

/** One row of the file: its values by column (CSV: trimmed text, empty cells left out; JSONL: as given). */
export interface InputRow {
  /** The line of the file the row starts on (1 is a CSV's header). */
  line: number;
  values: Record<string, unknown>;
}

export interface RowProblem {
  /** 0: the file as a whole; the message then follows the file's name ("customers.csv is empty: ..."). */
  line: number;
  message: string;
}

/** .csv or .jsonl/.ndjson by name; otherwise (stdin, another name) JSON Lines when the text starts with an object. */
export function inputFormat(name: string, text: string): InputFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'jsonl'
    : 'csv';
}

/** A CSV header as a key: "Origin Owner ID" and "origin-owner-id" are origin_owner_id. */
export const columnKey = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * Every row of the file with the line it starts on. A file that cannot be read as a whole (a
 * quote never closed) is one problem; a row that cannot be read is a problem of its line. With
 * `known`, a column it does not list is a problem too.
 */
export function readInput(
  text: string,
  format: InputFormat,
  known?: readonly string[],
): { rows: InputRow[]; problems: RowProblem[] /** A CSV file's named columns (empty cells are in no row). */; columns?: string[] } {
  // A misspelt column ("provder") would otherwise leave its values out of every request unnoticed.
  const unknown = (name: string) => `unknown column "${sanitizeLine(name)}" (the columns are ${known?.join(', ')})`;
  return format === 'csv' ? readCsv(text, known, unknown) : readJsonl(text, known, unknown);
}

function readJsonl(
  text: string,
  known: readonly string[] | undefined,
  unknown: (name: string) => string,
): { rows: InputRow[]; problems: RowProblem[] } {
  const rows: InputRow[] = [];
  const problems: RowProblem[] = [];
  for (const [index, raw] of text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    const parsed = parseJson(raw);
    if (!parsed.ok) {
      problems.push({ line, message: parsed.reason === 'depth' ? 'the JSON is nested too deeply' : 'not valid JSON' });
      continue;
    }
    const value = parsed.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({
        line,
        message: `a row must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`,
      });
      continue;
    }
    const values = Object.fromEntries(Object.entries(value).map(([k, v]) => [columnKey(k), v]));
    const strangers = known ? Object.keys(values).filter((k) => !known.includes(k)) : [];
    if (strangers.length > 0) problems.push(...strangers.map((k) => ({ line, message: unknown(k) })));
    else rows.push({ line, values });
  }
  return { rows, problems };
}

function readCsv(
  text: string,
  known: readonly string[] | undefined,
  unknown: (name: string) => string,
): { rows: InputRow[]; problems: RowProblem[]; columns?: string[] } {
  const buffer = Buffer.from(text, 'utf8');
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(buffer, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? 0;
    const reason = sanitizeLine(error.message.replace(/ at line \d+/, ''));
    return { rows: [], problems: [{ line, message: `${line ? '' : 'is '}not readable as CSV: ${reason}` }] };
  }
  // A record's first line: after the previous record's end (`bytes`), past any blank lines.
  const lines: number[] = [];
  let position = 0;
  let line = 1;
  for (const { info } of records) {
    while (position < buffer.length && (buffer[position] === 0x0a || buffer[position] === 0x0d)) {
      if (buffer[position] === 0x0a) line++;
      position++;
    }
    lines.push(line);
    for (; position < info.bytes; position++) if (buffer[position] === 0x0a) line++;
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ line: 0, message: 'is empty: it needs a header line naming the columns' }] };
  const problems: RowProblem[] = [];
  const columns = header.record.map(columnKey);
  const seen = new Set<string>();
  // A spreadsheet's export can end each line with a comma: a column with no name and no value is no column.
  const hasValues = (i: number) => body.some(({ record }) => (record[i] ?? '').trim() !== '');
  columns.forEach((column, i) => {
    if (column === '') {
      if (hasValues(i)) problems.push({ line: 1, message: `column ${i + 1} has no name, but has values` });
    } else if (seen.has(column)) problems.push({ line: 1, message: `the column ${column} appears twice` });
    else if (known && !known.includes(column)) problems.push({ line: 1, message: unknown(header.record[i]!.trim()) });
    seen.add(column);
  });
  const rows: InputRow[] = [];
  for (const [i, { record }] of body.entries()) {
    const at = lines[i + 1]!;
    // Spreadsheets pad rows with empty cells; only a value beyond the header is a mistake.
    const extra = record.slice(columns.length).filter((cell) => cell.trim() !== '');
    if (extra.length > 0) {
      problems.push({ line: at, message: `${record.length} fields, but the header names ${columns.length} columns` });
      continue;
    }
    const values: Record<string, unknown> = {};
    columns.forEach((column, c) => {
      const cell = record[c]?.trim();
      if (cell !== undefined && cell !== '' && column !== '') values[column] = cell;
    });
    // A row of empty cells (",,,"), as spreadsheets export below the data, is no row.
    if (Object.keys(values).length > 0) rows.push({ line: at, values });
  }
  return { rows, problems, columns: columns.filter((column) => column !== '') };
}
