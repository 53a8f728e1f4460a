import { afterEach, describe, expect, test } from 'vitest';
import { useHarness } from '../helpers/harness.js';
import { harnessEnv, killAllPtys, spawnPty } from '../helpers/pty.js';

const h = useHarness({ process: true });
afterEach(killAllPtys);

/** Every value but the customer's name and the provider is a flag: the CLI asks for those two. */
const CREATE = [
  'session',
  'create',
  '--origin-owner-id',
  'acme',
  '--categories',
  'hris',
  '--type',
  'test',
  '--expires-in',
  '1h',
  '--label',
  'x',
  '--no-wait',
];

describe('the provider question when GET /connectors/meta fails', () => {
  test('says why in one line and takes the provider key as free text', async () => {
    h.emulator.injectFaults([{ path: '/connectors/meta', kind: 'status', status: 500, times: 5 }]);
    const t = spawnPty(CREATE, { env: harnessEnv(h) });
    await t.answer('? Customer name', 'Acme');
    const why = await t.waitFor(/! Could not load the provider list \([^\n]*\); type the provider key instead\.\n/);
    expect(why).toContain('500 Internal Server Error');
    await t.answer('? Provider key, e.g. bamboohr (empty: let the customer choose):', 'deel');
    await t.waitFor('  Provider      deel');
    await t.answer('? Create this connect session?');
    await t.waitFor('Send this link to the customer:');
    expect(await t.exitCode()).toBe(0);
    expect(t.text()).not.toContain('type to filter');
    expect(h.createBodies()).toEqual([
      {
        origin_owner_id: 'acme',
        origin_owner_name: 'Acme',
        categories: ['hris'],
        provider: 'deel',
        type: 'test',
        expires_in: 3600,
        label: 'x',
      },
    ]);
  });

  test('an empty answer leaves the choice to the customer (no provider sent)', async () => {
    h.emulator.injectFaults([{ path: '/connectors/meta', kind: 'html', status: 502 }]);
    const t = spawnPty(CREATE, { env: harnessEnv(h) });
    await t.answer('? Customer name', 'Acme');
    await t.waitFor('Could not load the provider list');
    await t.answer('? Provider key');
    await t.answer('  Provider      none: the customer chooses');
    expect(await t.exitCode()).toBe(0);
    expect(h.createBodies()).toEqual([
      { origin_owner_id: 'acme', origin_owner_name: 'Acme', categories: ['hris'], type: 'test', expires_in: 3600, label: 'x' },
    ]);
  });

  test('Ctrl-C while the list is still loading: exit 130, nothing created', async () => {
    h.emulator.injectFaults([{ path: '/connectors/meta', kind: 'hang' }]);
    const t = spawnPty(['session', 'create', '--origin-owner-id', 'acme', '--categories', 'hris'], { env: harnessEnv(h) });
    // Loaded before the first question: a rejected key or an unreachable API must not cost a dialogue.
    await t.waitFor('Checking the API key and loading the provider list (Ctrl-C to stop)…');
    t.interrupt();
    await t.waitFor('Cancelled; nothing was created.');
    expect(await t.exitCode()).toBe(130);
    expect(t.text()).not.toContain('Could not load the provider list');
    expect(h.createBodies()).toEqual([]);
  });
});
