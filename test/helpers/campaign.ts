import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import xterm from '@xterm/headless';
import type { Harness, RunOptions } from './harness.js';

/** The directory of a test's files (customers.csv, results.csv): beside its config directory. */
export const workDir = (h: Harness) => dirname(h.configDir);

export function writeInput(h: Harness, name: string, text: string): string {
  writeFileSync(join(workDir(h), name), text);
  return name;
}

/** A CSV of `n` customers: key, origin_owner_id, origin_owner_name (row-1, cust-1, Customer 1 ...). */
export function customersCsv(n: number, from = 1): string {
  const rows = Array.from({ length: n }, (_, i) => `row-${from + i},cust-${from + i},Customer ${from + i}`);
  return `key,origin_owner_id,origin_owner_name\n${rows.join('\n')}\n`;
}

/** `session create --from-file <file> ...` in the test's directory. */
export function campaign(h: Harness, args: string[], options: RunOptions = {}) {
  return h.cli(['session', 'create', '--from-file', ...args], { cwd: workDir(h), ...options });
}

export interface ResultLine {
  line: number;
  key: string;
  status: string;
  session_id: number | null;
  auth_link_url: string | null;
  expires_at: string | null;
  origin_owner_id: string;
  origin_owner_name: string;
  provider: string | null;
  error: string | null;
}

export function resultsJsonl(h: Harness, name = 'results.jsonl'): ResultLine[] {
  return readFileSync(join(workDir(h), name), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as ResultLine);
}

export function journalLines(h: Harness, output = 'results.jsonl'): Record<string, unknown>[] {
  const path = join(workDir(h), `${output}.journal`);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export const exists = (h: Harness, name: string) => existsSync(join(workDir(h), name));

/** The POST /connect_sessions requests the emulator logged. */
export const creates = (h: Harness) => h.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/connect_sessions');

/** How many sessions the emulator holds for each origin_owner_id (of those created after the first `since`). */
export function sessionsPerOwner(h: Harness, since = 0): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of h.emulator.sessions().slice(since)) counts.set(s.origin_owner_id, (counts.get(s.origin_owner_id) ?? 0) + 1);
  return counts;
}

/** What a terminal of this size shows after `output` (a headless xterm): the final screen. */
export async function screenOf(output: string, cols = 100, rows = 30): Promise<string> {
  const term = new xterm.Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true, convertEol: true });
  await new Promise<void>((resolve) => term.write(output, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  term.dispose();
  return lines.join('\n');
}
