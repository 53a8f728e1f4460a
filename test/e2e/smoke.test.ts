import { describe, expect, test } from 'vitest';
import { sessionIdFrom, useHarness } from '../helpers/emulator.js';

const h = useHarness();

describe('create then poll', () => {
  test('a created session is polled to the account id once the customer connects', async () => {
    const created = await h.cli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json']);
    expect(created.code).toBe(0);
    const id = sessionIdFrom(created.stdout);
    h.emulator.connect(id, { provider: 'bamboohr' });
    const polled = await h.cli(['session', 'poll', '--json', '--interval', '100ms']);
    expect(polled.code).toBe(0);
    const result = JSON.parse(polled.stdout) as { status: string; account_secure_id: string };
    expect(result.status).toBe('authenticated');
    expect(result.account_secure_id).toMatch(/\w+/);
  });
});
