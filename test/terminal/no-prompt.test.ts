import { afterEach, describe, expect, test } from 'vitest';
import { useHarness } from '../helpers/harness.js';
import { harnessEnv, killAllPtys, type PtyRun, spawnPty, spawnShellPty } from '../helpers/pty.js';

const h = useHarness({ process: true });
afterEach(killAllPtys);

const MISSING = 'Missing required flags: --origin-owner-id, --origin-owner-name.';

/** Exit 2, one error naming every missing value, no question drawn, nothing sent. */
async function expectRefusal(t: PtyRun): Promise<void> {
  await t.waitFor(MISSING);
  expect(await t.exitCode()).toBe(2);
  expect(t.text()).not.toMatch(/\? Customer|Create this connect session/);
  expect(t.text().match(/Missing required/g)).toHaveLength(1);
  expect(h.emulator.requests).toEqual([]);
}

describe('no prompt when prompting is not allowed, even in a terminal', () => {
  test.each([
    ['CI is set', { CI: '1' }, []],
    ['STACKONE_NO_INPUT is set', { STACKONE_NO_INPUT: '1' }, []],
    ['--no-input is given', {}, ['--no-input']],
  ])('%s: every missing required value in one error, exit 2', async (_why, env, flags) => {
    await expectRefusal(spawnPty(['session', 'create', ...flags], { env: harnessEnv(h, env) }));
  });

  test('stdout is not a terminal (piped): exit 2, the error on the terminal', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, for bash
    const t = spawnShellPty('cli session create | cat; exit "${PIPESTATUS[0]}"', { env: harnessEnv(h) });
    await expectRefusal(t);
  });

  test('stdin is not a terminal: exit 2', async () => {
    await expectRefusal(spawnShellPty('cli session create < /dev/null', { env: harnessEnv(h) }));
  });

  test('CI=0 and an empty STACKONE_NO_INPUT do not disable prompting', async () => {
    const t = spawnPty(['session', 'create'], { env: harnessEnv(h, { CI: '0', STACKONE_NO_INPUT: '' }) });
    await t.waitFor('? Customer id');
    t.interrupt();
    expect(await t.exitCode()).toBe(130);
  });

  test('one required value missing: named alone', async () => {
    const t = spawnPty(['session', 'create', '--no-input', '--origin-owner-name', 'Acme'], { env: harnessEnv(h) });
    await t.waitFor('Missing required flag: --origin-owner-id.');
    expect(await t.exitCode()).toBe(2);
    expect(h.emulator.requests).toEqual([]);
  });
});
