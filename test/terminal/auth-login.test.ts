import { afterEach, describe, expect, test } from 'vitest';
import { TEST_KEY, useHarness } from '../helpers/harness.js';
import { harnessEnv, killAllPtys, spawnPty } from '../helpers/pty.js';

const h = useHarness({ process: true });
afterEach(killAllPtys);

describe('auth login in a terminal', () => {
  test('asks for the key with hidden input, verifies it, stores it and names the profile', async () => {
    const t = spawnPty(['auth', 'login', '--profile', 'eu'], { env: harnessEnv(h, { STACKONE_API_KEY: undefined }) });
    await t.waitFor('? StackOne API key for profile "eu":');
    t.write(TEST_KEY);
    t.write('\r');
    const stored = await t.waitFor(/Key \S+ verified and stored in profile "eu" \([^)]+\)\./);
    expect(stored).toContain('v1.e…cdef');
    expect(await t.exitCode()).toBe(0);

    // Neither the key nor any run of it was drawn: no echo, no mask of its length.
    expect(t.text()).not.toContain(TEST_KEY);
    expect(t.text()).not.toContain('test_key');
    expect(t.text()).not.toMatch(/\*{4,}/);
    expect(h.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /accounts']);

    const status = await h.cli(['auth', 'status', '--json', '--profile', 'eu'], { env: { STACKONE_API_KEY: undefined } });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ profile: 'eu', key_source: 'profile', verified: true });
  });

  test('a key the API rejects is not stored (exit 4)', async () => {
    const t = spawnPty(['auth', 'login'], { env: harnessEnv(h, { STACKONE_API_KEY: undefined }) });
    await t.answer('? StackOne API key for profile "default":', 'v1.eu1.wrong');
    await t.waitFor('The API key was rejected');
    expect(await t.exitCode()).toBe(4);
    expect(t.text()).not.toContain('v1.eu1.wrong');
    const status = await h.cli(['auth', 'status', '--json'], { env: { STACKONE_API_KEY: undefined } });
    expect(JSON.parse(status.stdout)).toMatchObject({ key: null });
  });

  test('Ctrl-C at the key prompt: exit 130, nothing sent or stored', async () => {
    const t = spawnPty(['auth', 'login'], { env: harnessEnv(h, { STACKONE_API_KEY: undefined }) });
    await t.waitFor('? StackOne API key');
    t.write('v1.eu1.partial');
    t.interrupt();
    await t.waitFor('Cancelled; no key was stored.');
    expect(await t.exitCode()).toBe(130);
    expect(t.text()).not.toContain('partial');
    expect(h.emulator.requests).toEqual([]);
  });
});
