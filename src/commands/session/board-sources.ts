import type { BoardState } from '../../core/board.js';
import { type InputRow, inputFormat, readInput } from '../../core/campaign/input.js';
import { UsageError } from '../../core/errors.js';
import { recordExpiry, statusAt } from '../../core/expiry.js';
import type { Settings } from '../../core/settings.js';
import { sanitizeLine } from '../../lib/text.js';
import type { SessionHistory, SessionRecord } from '../../store/history.js';
import type { CommandContext } from '../context.js';
import { readSource } from './campaign-input.js';

/** A session for the board, with what is known of it before the first read. */
export interface BoardSource {
  id: string;
  /** The API it was created at: its token goes to no other. */
  baseUrl: string;
  token: string | undefined;
  expiresAt: number | undefined;
  state: BoardState;
  ownerId: string | undefined;
  ownerName: string | undefined;
  provider: string | undefined;
  accountId: string | undefined;
  /** The auth link, when known (the history, or a results file). */
  link: string | undefined;
  /** The session in the local history, which learns what the board sees. */
  record: SessionRecord | undefined;
}

const text = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined;

function fromRecord(record: SessionRecord, now: number): BoardSource {
  const expiresAt = recordExpiry(record);
  return {
    id: String(record.session_id),
    baseUrl: record.base_url,
    token: record.token,
    expiresAt,
    state: record.status === 'authenticated' ? 'connected' : statusAt(record.status, expiresAt, now) === 'expired' ? 'expired' : 'waiting',
    ownerId: record.origin_owner_id ?? undefined,
    ownerName: record.origin_owner_name ?? undefined,
    provider: record.provider ?? undefined,
    accountId: record.account_secure_id ?? undefined,
    link: record.auth_link_url,
    record,
  };
}

/**
 * The sessions to watch: those of a results file (`--from-file`: its rows with a session, known
 * better from the local history when it has them), or else every session of the active profile
 * that is neither connected nor expired, oldest first.
 */
export async function boardSources(
  ctx: CommandContext,
  history: SessionHistory,
  settings: Settings,
  fromFile: string | undefined,
): Promise<BoardSource[]> {
  const now = ctx.runtime.now();
  if (fromFile === undefined) {
    return history
      .recent(
        undefined,
        (r) => r.profile === settings.profile && !['authenticated', 'expired'].includes(statusAt(r.status, recordExpiry(r), now)),
      )
      .reverse()
      .map((r) => fromRecord(r, now));
  }
  const content = await readSource(ctx, fromFile);
  const { rows, problems, columns } = readInput(content, inputFormat(fromFile, content));
  const shown = sanitizeLine(fromFile === '-' ? 'stdin' : fromFile);
  const whole = problems.filter((p) => p.line === 0);
  if (whole.length > 0) throw new UsageError(`${shown} ${whole.map((p) => sanitizeLine(p.message)).join('; ')}.`);
  if (problems.length > 0) {
    throw new UsageError(`${shown} cannot be read:\n${problems.map((p) => `  line ${p.line}: ${sanitizeLine(p.message)}`).join('\n')}`);
  }
  // A CSV names its columns: one whose every row failed has the column, with no value in it.
  if (rows.length > 0 && !(columns?.includes('session_id') ?? rows.some((r) => 'session_id' in r.values))) {
    throw new UsageError(
      `${shown} has no session_id column.`,
      'Give the results file of a campaign: the --output of `session create --from-file`.',
    );
  }
  const wanted: InputRow[] = [];
  const bad: number[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = text(row.values.session_id);
    if (id === undefined) continue; // a row without a session: failed, uncertain or not sent
    if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id))) bad.push(row.line);
    else if (!seen.has(String(Number(id)))) {
      seen.add(String(Number(id)));
      wanted.push(row);
    }
  }
  if (bad.length > 0)
    throw new UsageError(`${shown}: session_id is not a session id on line ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ' …' : ''}.`);
  const skipped = rows.length - wanted.length;
  if (skipped > 0)
    ctx.out.info(
      ctx.out.errTheme.muted(
        `${skipped} ${skipped === 1 ? 'row' : 'rows'} of ${shown} without a session (failed, uncertain, not sent or repeated): not watched.`,
      ),
    );
  // One pass over the history for every session of the file.
  const known = new Map<string, SessionRecord>();
  for (const r of history.recent(undefined, (r) => r.profile === settings.profile && seen.has(String(r.session_id)))) {
    if (!known.has(String(r.session_id))) known.set(String(r.session_id), r);
  }
  return wanted.map(({ values }) => {
    const id = String(Number(text(values.session_id)));
    const record = known.get(id);
    if (record) return fromRecord(record, now);
    const expiresAt = Date.parse(text(values.expires_at) ?? '');
    return {
      id,
      baseUrl: settings.baseUrl,
      token: undefined,
      expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt,
      state: 'waiting',
      ownerId: text(values.origin_owner_id),
      ownerName: text(values.origin_owner_name),
      provider: text(values.provider),
      accountId: undefined,
      link: text(values.auth_link_url),
      record: undefined,
    };
  });
}
