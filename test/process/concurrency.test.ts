import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useHarness } from '../helpers/harness.js';

const h = useHarness({ process: true });
const WRITERS = 24;

describe('local state under concurrent use', () => {
  test(`${WRITERS} processes creating sessions at once leave every record in the history`, { timeout: 60_000 }, async () => {
    const runs = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        h.cli(['session', 'create', '--origin-owner-id', `owner-${i}`, '--origin-owner-name', `Owner ${i}`, '--json'], {
          timeoutMs: 45_000,
        }),
      ),
    );
    // Nothing on stderr but, on a busy machine, the note that a writer waits for another's lock.
    for (const run of runs)
      expect(run.stderr.replace(/^! Waiting for another stackone-connect( \(process \d+\))? to finish writing .*\n/gm, '')).toBe('');
    expect(runs.map((r) => r.code)).toEqual(Array(WRITERS).fill(0));
    const created = runs.map((r) => (JSON.parse(r.stdout) as { id: number }).id).sort();

    const file = join(h.configDir, 'sessions.jsonl');
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { session_id: number; origin_owner_id: string });
    expect(lines.map((s) => s.session_id).sort()).toEqual(created);
    expect(new Set(lines.map((s) => s.origin_owner_id)).size).toBe(WRITERS);

    const list = await h.cli(['session', 'list', '--json']);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(WRITERS);
    // created 0700 / 0600 from the start, and no lock left behind
    expect(statSync(h.configDir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => statSync(`${file}.lock`)).toThrow();
  });
});
