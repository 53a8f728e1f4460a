import { describe, expect, test } from 'vitest';
import { customersCsv, resultsJsonl, sessionsPerOwner, workDir, writeInput } from '../helpers/campaign.js';
import { historyOf, until } from '../helpers/e2e.js';
import { useHarness } from '../helpers/harness.js';

// The built binary against an emulator that answers after 20 ms, as a network would.
const h = useHarness({ process: true, latencyMs: 20 });

const ROWS = 300;
const args = ['session', 'create', '--from-file', 'customers.csv', '--output', 'results.jsonl', '--concurrency', '8', '--rate', '100000'];

/** Every row has at most one session, and the results say which: nothing duplicated, nothing lost. */
function checkExactlyOnce(before: number) {
  const perOwner = sessionsPerOwner(h, before);
  const duplicated = [...perOwner].filter(([, n]) => n > 1);
  expect(duplicated, 'rows with two sessions').toEqual([]);
  const results = resultsJsonl(h);
  expect(results.map((r) => r.key)).toEqual(Array.from({ length: ROWS }, (_, i) => `row-${i + 1}`));
  const byOwner = new Map(
    h.emulator
      .sessions()
      .slice(before)
      .map((s) => [s.origin_owner_id, s.id]),
  );
  for (const row of results) {
    if (row.status === 'created') expect(row.session_id, row.key).toBe(byOwner.get(row.origin_owner_id));
    else expect(row.status, row.key).toBe('uncertain');
  }
  // Lost: a row whose session exists without the results saying so, or one with neither.
  const lost = results.filter((r) => (r.status === 'created') !== byOwner.has(r.origin_owner_id) && r.status !== 'uncertain');
  expect(lost).toEqual([]);
  return results;
}

describe('a campaign resumes after the process dies', () => {
  test('kill -9 mid-run, then the same command: 0 duplicates, 0 rows lost; only the creates in flight are uncertain', async () => {
    writeInput(h, 'customers.csv', customersCsv(ROWS));
    const before = h.emulator.sessions().length;
    const first = h.spawn(args, { cwd: workDir(h) });
    await until(() => h.emulator.sessions().length - before >= 100, 15_000);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const createdBeforeKill = h.emulator.sessions().length - before;
    expect(createdBeforeKill).toBeLessThan(ROWS);

    const second = await h.cli(args, { cwd: workDir(h) });
    expect([0, 1]).toContain(second.code);
    const results = checkExactlyOnce(before);
    const uncertain = results.filter((r) => r.status === 'uncertain');
    expect(uncertain.length).toBeLessThanOrEqual(8);
    expect(second.code).toBe(uncertain.length === 0 ? 0 : 1);
    // Every session created is in the history, once.
    const ids = historyOf(h.configDir).map((r) => r.session_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      results
        .filter((r) => r.status === 'created')
        .map((r) => r.session_id)
        .sort(),
    );
  });

  test('Ctrl-C mid-run lets the creates in flight finish: exit 130, nothing uncertain, and the re-run completes every row once', async () => {
    writeInput(h, 'customers.csv', customersCsv(ROWS));
    const before = h.emulator.sessions().length;
    const first = h.spawn(args, { cwd: workDir(h) });
    await until(() => h.emulator.sessions().length - before >= 100, 15_000);
    first.kill('SIGINT');
    const stopped = await first.exited;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/Run the same command again to resume/);
    expect(resultsJsonl(h).filter((r) => r.status === 'uncertain')).toEqual([]);

    const second = await h.cli(args, { cwd: workDir(h) });
    expect(second.code, second.stderr).toBe(0);
    expect(checkExactlyOnce(before).every((r) => r.status === 'created')).toBe(true);
  });
});
