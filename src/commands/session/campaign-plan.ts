import type { CampaignRow } from '../../core/campaign/rows.js';
import type { PaceSettings } from '../../core/pace-flags.js';
import type { Settings } from '../../core/settings.js';
import { safeJson, sanitizeLine } from '../../lib/text.js';
import type { JournalContent } from '../../store/journal.js';
import type { CommandContext } from '../context.js';

interface PlannedRow {
  line: number;
  key: string;
  action: 'create' | 'skip';
  /** Why a row is skipped or sent again, from the journal of an earlier run. */
  note: string | null;
  body: CampaignRow['body'];
}

/** --dry-run: what each row would send, and which rows an earlier run (the journal) has done. Sends nothing. */
export function showPlan(
  ctx: CommandContext,
  rows: CampaignRow[],
  known: JournalContent | undefined,
  settings: Settings,
  pace: PaceSettings,
  resend: boolean,
): void {
  const planned: PlannedRow[] = rows.map((row) => {
    const state = known?.rows.get(row.key);
    const plan = (action: PlannedRow['action'], note: string | null): PlannedRow => ({
      line: row.line,
      key: row.key,
      action,
      note,
      body: row.body,
    });
    if (!state) return plan('create', null);
    if (state.state === 'created') return plan('skip', `created before: session ${state.session.session_id}`);
    if (state.state === 'not_created') return plan('create', `not created before (${state.error}): sent again`);
    return resend
      ? plan('create', 'uncertain before: sent again (--resend-uncertain)')
      : plan('skip', 'uncertain before: it may exist, so it is not sent again');
  });
  const { out } = ctx;
  if (out.mode === 'json') {
    for (const row of planned) out.result({ json: row, human: () => '', quiet: undefined });
    return;
  }
  const sending = planned.filter((p) => p.action === 'create');
  const theme = out.theme;
  out.result({
    json: planned,
    quiet: sending.map((p) => sanitizeLine(p.key)).join('\n') || undefined,
    human: () => {
      const head = `Would send ${sending.length} of ${rows.length} rows to ${sanitizeLine(settings.baseUrl)} (profile ${sanitizeLine(settings.profile)}), ${pace.concurrency} at once, at most ${pace.ratePerMinute.toLocaleString('en-US')} requests a minute. Nothing was sent.`;
      const cells = planned.map((p) => [
        `line ${p.line}`,
        sanitizeLine(p.key),
        p.action,
        p.action === 'skip'
          ? sanitizeLine(p.note)
          : `${sanitizeLine(safeJson(p.body))}${p.note ? theme.muted(`  (${sanitizeLine(p.note)})`) : ''}`,
      ]);
      const widths = [0, 1, 2].map((i) => cells.reduce((w, c) => Math.max(w, c[i]!.length), 0));
      const lines = cells.map(
        (c) =>
          `  ${c
            .slice(0, 3)
            .map((v, i) => v.padEnd(widths[i]!))
            .join('  ')}  ${c[2] === 'skip' ? theme.muted(c[3]!) : c[3]}`,
      );
      return `${head}\n${lines.join('\n')}\n`;
    },
  });
}
