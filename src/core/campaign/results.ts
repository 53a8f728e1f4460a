import type { CreatedSession } from '../../store/journal.js';
import type { CampaignRow } from './rows.js';

export type RowStatus = 'created' | 'failed' | 'uncertain' | 'not_sent';

/** One line of the results file (README "Campaigns"): every row of the input, in its order. */
export interface ResultRow {
  line: number;
  key: string;
  status: RowStatus;
  session_id: number | null;
  auth_link_url: string | null;
  expires_at: string | null;
  origin_owner_id: string;
  origin_owner_name: string;
  provider: string | null;
  error: string | null;
}

export const RESULT_COLUMNS = [
  'line',
  'key',
  'status',
  'session_id',
  'auth_link_url',
  'expires_at',
  'origin_owner_id',
  'origin_owner_name',
  'provider',
  'error',
] as const satisfies readonly (keyof ResultRow)[];

export type ResultFormat = 'csv' | 'jsonl';

/** The results file's format by its name, or undefined for a name that says neither. */
export function resultFormat(path: string): ResultFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

export function resultRow(row: CampaignRow, status: RowStatus, detail: { session?: CreatedSession; error?: string }): ResultRow {
  const { session } = detail;
  return {
    line: row.line,
    key: row.key,
    status,
    session_id: session?.session_id ?? null,
    auth_link_url: session?.auth_link_url ?? null,
    expires_at: session?.expires_at ?? null,
    origin_owner_id: row.body.origin_owner_id,
    origin_owner_name: row.body.origin_owner_name,
    provider: session?.provider ?? row.body.provider ?? null,
    error: detail.error ?? null,
  };
}

/** A CSV field: quoted when it holds a comma, a quote, a line break or surrounding spaces. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatResults(rows: ResultRow[], format: ResultFormat): string {
  if (format === 'jsonl') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const lines = [RESULT_COLUMNS.join(','), ...rows.map((r) => RESULT_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
