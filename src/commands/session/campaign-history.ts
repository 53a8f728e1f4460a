import type { CampaignRow } from '../../core/campaign/rows.js';
import type { SessionRecord } from '../../store/history.js';
import type { CreatedSession, JournalContent } from '../../store/journal.js';
import type { CommandContext } from '../context.js';
import type { Run } from './campaign.js';

/**
 * Created sessions go to the local history in batches (one append for many), so that `session
 * list`, `poll` and the board know them; the journal then says they are there. A session the
 * journal has but the history may not (a run killed in between) is added by the next run.
 */
export function historyRecorder(ctx: CommandContext, run: Pick<Run, 'history' | 'journal' | 'settings'>) {
  const pending: { key: string; record: SessionRecord }[] = [];
  let chain = Promise.resolve();
  let lastFlush = ctx.runtime.now();
  let warned = false;
  const record = (s: CreatedSession): SessionRecord => ({
    session_id: s.session_id,
    token: s.token,
    auth_link_url: s.auth_link_url,
    origin_owner_id: s.origin_owner_id,
    origin_owner_name: s.origin_owner_name,
    provider: s.provider,
    created_at: s.created_at,
    expires_in: s.expires_in,
    expires_at: s.expires_at,
    profile: run.settings.profile,
    base_url: run.settings.baseUrl,
    status: 'pending',
    account_secure_id: null,
    updated_at: s.created_at,
  });
  const flush = () => {
    const batch = pending.splice(0);
    lastFlush = ctx.runtime.now();
    if (batch.length === 0) return chain;
    chain = chain.then(async () => {
      try {
        await run.history.add(...batch.map((b) => b.record));
        run.journal.append({ kind: 'recorded', keys: batch.map((b) => b.key), at: new Date(ctx.runtime.now()).toISOString() });
      } catch (error) {
        if (!warned)
          ctx.out.warn(
            `Sessions were created but not all saved to the local history: ${(error as Error).message} Their links are in the results file.`,
          );
        warned = true;
      }
    });
    return chain;
  };
  return {
    add(key: string, session: CreatedSession) {
      pending.push({ key, record: record(session) });
      if (pending.length >= 200 || ctx.runtime.now() - lastFlush >= 1000) void flush();
    },
    restore(rows: CampaignRow[], known: JournalContent) {
      const unrecorded = new Map<number, { key: string; session: CreatedSession }>();
      for (const row of rows) {
        const state = known.rows.get(row.key);
        if (state?.state === 'created' && !state.recorded)
          unrecorded.set(state.session.session_id, { key: row.key, session: state.session });
      }
      if (unrecorded.size === 0) return;
      // One pass over the history for all of them.
      const there = run.history.recent(
        undefined,
        (r) => r.profile === run.settings.profile && r.base_url === run.settings.baseUrl && unrecorded.has(Number(r.session_id)),
      );
      const found = there.map((r) => unrecorded.get(Number(r.session_id))!.key);
      if (found.length > 0) run.journal.append({ kind: 'recorded', keys: found, at: new Date(ctx.runtime.now()).toISOString() });
      const seen = new Set(there.map((r) => Number(r.session_id)));
      for (const [id, { key, session }] of unrecorded) if (!seen.has(id)) pending.push({ key, record: record(session) });
    },
    flush,
  };
}
