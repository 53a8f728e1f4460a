import { describe, expect, test } from 'vitest';
import { createSession, historyOf, oneJsonLine, RESULT_KEYS, requestsTo, type SessionResult } from '../helpers/e2e.js';
import { useHarness } from '../helpers/harness.js';

const h = useHarness();

const status = (args: string[], options?: Parameters<typeof h.cli>[1]) => h.cli(['session', 'status', ...args], options);

/** Exactly one API request: GET /connect_sessions/{id}. */
function expectOneRead(id: number) {
  expect(h.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /connect_sessions/${id}`]);
}

describe('session status: one request, the exit code says the state', () => {
  test('a connected session exits 0 and prints the account id and the auth link', async () => {
    const created = await createSession(h, ['--provider', 'bamboohr']);
    h.emulator.connect(created.id);
    h.emulator.clearRequests();
    const result = await status([String(created.id)]);
    expect(result.code, result.stderr).toBe(0);
    expectOneRead(created.id);
    const [record] = historyOf(h.configDir);
    expect(result.stdout).toContain(record!.account_secure_id as string);
    expect(result.stdout).toContain(created.auth_link_url);
    expect(record!.status).toBe('authenticated');
  });

  test('a session the customer has not opened exits 8 (still pending)', async () => {
    const { id } = await createSession(h);
    h.emulator.clearRequests();
    const result = await status([String(id), '--json']);
    expect(result.code, result.stderr).toBe(8);
    expectOneRead(id);
    expect(oneJsonLine<SessionResult>(result.stdout)).toMatchObject({ status: 'pending', attempt: null, account_secure_id: null });
  });

  test('a pending attempt exits 8', async () => {
    const { id } = await createSession(h);
    h.emulator.startAttempt(id);
    h.emulator.clearRequests();
    const result = await status([String(id), '--json']);
    expect(result.code, result.stderr).toBe(8);
    expectOneRead(id);
    expect(oneJsonLine<SessionResult>(result.stdout).attempt).toMatchObject({ status: 'pending' });
  });

  test('a failed attempt exits 3 and reports the OAuth error', async () => {
    const { id } = await createSession(h);
    h.emulator.fail(id, { code: 'access_denied', description: 'The user denied access' });
    h.emulator.clearRequests();
    const result = await status([String(id)]);
    expect(result.code, result.stderr).toBe(3);
    expectOneRead(id);
    expect(result.stdout).toMatch(/^✗ The connection attempt failed: access_denied \(The user denied access\)\.$/m);
  });

  test('a cancelled attempt exits 3', async () => {
    const { id } = await createSession(h);
    h.emulator.cancel(id);
    h.emulator.clearRequests();
    const result = await status([String(id), '--json']);
    expect(result.code, result.stderr).toBe(3);
    expectOneRead(id);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('cancelled');
  });

  test('a session of the history whose expiry has passed exits 5 (status expired)', async () => {
    const { id } = await createSession(h, ['--expires-in', '1']);
    h.clock.advance(1000);
    h.emulator.clearRequests();
    const result = await status([String(id), '--json']);
    expect(result.code, result.stderr).toBe(5);
    expectOneRead(id);
    expect(oneJsonLine<SessionResult>(result.stdout).status).toBe('expired');
  });

  test("--json has exactly the contract's keys with session_id a number; --quiet prints the account id alone", async () => {
    const created = await createSession(h);
    h.emulator.connect(created.id);
    const json = oneJsonLine<SessionResult>((await status([String(created.id), '--json'])).stdout);
    expect(Object.keys(json)).toEqual(RESULT_KEYS);
    expect(json).toMatchObject({ session_id: created.id, status: 'authenticated', auth_link_url: created.auth_link_url });
    const quiet = await status([String(created.id), '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe(`${json.account_secure_id}\n`);
  });

  test('--quiet prints nothing for a session that is not connected', async () => {
    const { id } = await createSession(h);
    const result = await status([String(id), '--quiet']);
    expect(result.code, result.stderr).toBe(8);
    expect(result.stdout).toBe('');
  });

  test('a non-numeric id exits 2 and sends nothing', async () => {
    const result = await status(['latest']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/Invalid session id "latest"/);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('no id at all exits 2 and sends nothing', async () => {
    const result = await status([]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/Missing required argument 'id'\./);
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('an unknown session exits 1 "not found"', async () => {
    const result = await status(['123456789']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/Session 123456789 not found/);
    expectOneRead(123456789);
  });

  test('a server error is not retried: exit 1 after one request', async () => {
    const { id } = await createSession(h);
    h.emulator.clearRequests();
    h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'status', status: 500 }]);
    const result = await status([String(id)]);
    expect(result.code, result.stderr).toBe(1);
    expectOneRead(id);
  });

  test('a rejected key exits 4', async () => {
    const { id } = await createSession(h);
    h.emulator.clearRequests();
    h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'status', status: 401 }]);
    const result = await status([String(id)]);
    expect(result.code, result.stderr).toBe(4);
    expectOneRead(id);
  });

  test('the last known status is remembered in the history (session list shows it)', async () => {
    const { id } = await createSession(h);
    h.emulator.fail(id);
    expect((await status([String(id)])).code).toBe(3);
    const list = oneJsonLine<{ session_id: number; status: string }[]>((await h.cli(['session', 'list', '--json'])).stdout);
    expect(list.find((s) => s.session_id === id)?.status).toBe('error');
    expect(requestsTo(h.emulator.requests, 'GET', /^\/connect_sessions\//)).toHaveLength(1);
  });
});
