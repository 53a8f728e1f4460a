import { describe, expect, it } from 'vitest';
import { EmulatorStateError } from '../../../src/emulator/index.js';
import { call, conforms, createSession, emulator, getSession, json } from './helpers.js';

type Attempt = {
  id: string;
  created_at: string;
  updated_at: string;
  status: string;
  account_secure_id: string | null;
  oauth_error_code: string | null;
  oauth_error_description: string | null;
};

async function attempt(emu: Awaited<ReturnType<typeof emulator>>, id: number): Promise<Attempt> {
  const session = await getSession(emu, id);
  conforms('ConnectSession', session);
  return session.latest_connection_attempt as Attempt;
}

async function accounts(emu: Awaited<ReturnType<typeof emulator>>, query = ''): Promise<Record<string, unknown>[]> {
  return json<Record<string, unknown>[]>(await call(emu, `/accounts${query}`));
}

describe('connection attempts', () => {
  it('goes pending -> error -> (new attempt) authenticated, moving timestamps', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['hris'] });
    emu.startAttempt(s.id);
    const pending = await attempt(emu, s.id);
    expect(pending).toMatchObject({ status: 'pending', account_secure_id: null, oauth_error_code: null });
    expect(pending.created_at).toBe(pending.updated_at);

    emu.fail(s.id);
    const failed = await attempt(emu, s.id);
    expect(failed).toMatchObject({
      id: pending.id,
      status: 'error',
      oauth_error_code: 'access_denied',
      oauth_error_description: 'The user denied access',
    });
    expect(Date.parse(failed.updated_at)).toBeGreaterThan(Date.parse(pending.updated_at));

    emu.connect(s.id);
    const done = await attempt(emu, s.id);
    // a retry after a failure is a new attempt that replaces the latest
    expect(done.id).not.toBe(failed.id);
    expect(done.status).toBe('authenticated');
    expect(done.oauth_error_code).toBeNull();
    expect(done.account_secure_id).toMatch(/^\d{20}$/);
    expect(Date.parse(done.updated_at)).toBeGreaterThan(Date.parse(failed.updated_at));

    const [account] = await accounts(emu);
    conforms('LinkedAccount', account);
    expect(account).toMatchObject({
      id: done.account_secure_id,
      provider: 'bamboohr',
      provider_name: 'BambooHR',
      status: 'active',
      origin_owner_id: 'cust-42',
    });
  });

  it('moves updated_at on every change even when the clock stands still', async () => {
    const emu = await emulator({ now: () => Date.parse('2026-03-01T10:00:00Z') });
    const s = await createSession(emu);
    emu.startAttempt(s.id);
    const pending = await attempt(emu, s.id);
    emu.fail(s.id);
    const failed = await attempt(emu, s.id);
    expect(Date.parse(failed.updated_at)).toBeGreaterThan(Date.parse(pending.updated_at));
    expect(failed.created_at).toBe(pending.created_at);
  });

  it('finishes the pending attempt when connecting, rather than starting another', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    emu.startAttempt(s.id, { provider: 'greenhouse' });
    const pending = await attempt(emu, s.id);
    emu.connect(s.id);
    const done = await attempt(emu, s.id);
    expect(done.id).toBe(pending.id);
    expect(done.created_at).toBe(pending.created_at);
    expect(done.updated_at).not.toBe(pending.updated_at);
    expect((await accounts(emu))[0]).toMatchObject({ provider: 'greenhouse' });
  });

  it('records custom fail codes and cancellations', async () => {
    const emu = await emulator();
    const s = await createSession(emu);
    emu.fail(s.id, { code: 'invalid_scope', description: 'Scope missing' });
    expect(await attempt(emu, s.id)).toMatchObject({
      status: 'error',
      oauth_error_code: 'invalid_scope',
      oauth_error_description: 'Scope missing',
    });
    emu.cancel(s.id);
    expect(await attempt(emu, s.id)).toMatchObject({ status: 'cancelled', account_secure_id: null, oauth_error_code: null });
  });

  it('uses the session provider over a chosen one, else the chosen one, else the first of the categories', async () => {
    const emu = await emulator();
    const fixed = await createSession(emu, { provider: 'workday', origin_owner_id: 'o1' });
    emu.connect(fixed.id, { provider: 'hibob' });
    const chosen = await createSession(emu, { categories: ['crm'], origin_owner_id: 'o2' });
    emu.connect(chosen.id, { provider: 'hubspot' });
    const byCategory = await createSession(emu, { categories: ['ats'], origin_owner_id: 'o3' });
    emu.connect(byCategory.id);
    const list = await accounts(emu);
    expect(list.map((a) => [a.origin_owner_id, a.provider])).toEqual([
      ['o1', 'workday'],
      ['o2', 'hubspot'],
      ['o3', 'greenhouse'],
    ]);
  });

  it('updates the account of the same owner id + name + provider instead of creating one', async () => {
    const emu = await emulator();
    const first = await createSession(emu, { provider: 'bamboohr' });
    emu.connect(first.id);
    const before = (await accounts(emu))[0]!;
    const second = await createSession(emu, { provider: 'bamboohr', label: 'Renamed' });
    emu.connect(second.id);
    const list = await accounts(emu);
    expect(list).toHaveLength(1);
    expect(list[0]!.id).toBe(before.id);
    expect(list[0]!.label).toBe('Renamed');
    expect(Date.parse(String(list[0]!.updated_at))).toBeGreaterThan(Date.parse(String(before.updated_at)));
    expect((await attempt(emu, second.id)).account_secure_id).toBe(before.id);

    // a different name, or a different provider, is another account
    emu.connect((await createSession(emu, { provider: 'bamboohr', origin_owner_name: 'Acme GmbH' })).id);
    emu.connect((await createSession(emu, { provider: 'hibob' })).id);
    expect(await accounts(emu)).toHaveLength(3);
  });

  it('creates another account for the same owner and provider when the session allows multiple', async () => {
    const emu = await emulator();
    emu.connect((await createSession(emu, { provider: 'bamboohr' })).id);
    const multi = await createSession(emu, { provider: 'bamboohr', multiple: true });
    emu.connect(multi.id);
    const list = await accounts(emu);
    expect(list).toHaveLength(2);
    expect((await attempt(emu, multi.id)).account_secure_id).toBe(list[1]!.id);
  });

  it('updates the given account in edit mode (account_id), with its provider', async () => {
    const emu = await emulator();
    emu.connect((await createSession(emu, { provider: 'personio' })).id);
    const [original] = await accounts(emu);
    const edit = await createSession(emu, { account_id: original!.id, origin_owner_id: 'someone-else', multiple: true });
    emu.connect(edit.id, { provider: 'hibob' });
    const list = await accounts(emu);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: original!.id, provider: 'personio' });
    expect((await attempt(emu, edit.id)).account_secure_id).toBe(original!.id);
  });

  it('keeps a connected session connected: fail, cancel and startAttempt throw a 409, connect again reconnects', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['hris'] });
    const connected = emu.connect(s.id, { provider: 'hibob' }).latest_connection_attempt!;
    for (const undo of [() => emu.cancel(s.id), () => emu.fail(s.id), () => emu.startAttempt(s.id)]) {
      expect(undo).toThrow(
        expect.objectContaining({ name: 'EmulatorStateError', status: 409, message: expect.stringMatching(/already connected/) }),
      );
    }
    expect(await attempt(emu, s.id)).toEqual(connected);
    // a reconnection is a new attempt; the same owner and provider keep the same account
    const again = emu.connect(s.id).latest_connection_attempt!;
    expect(again.id).not.toBe(connected.id);
    expect(again).toMatchObject({ status: 'authenticated', account_secure_id: connected.account_secure_id });
    expect(await accounts(emu)).toHaveLength(1);
  });

  it('a pending attempt without a provider is finished by the provider chosen then, not replaced', async () => {
    const emu = await emulator();
    const s = await createSession(emu, { categories: ['ats'] });
    const pending = emu.startAttempt(s.id).latest_connection_attempt!;
    const done = emu.connect(s.id, { provider: 'lever' }).latest_connection_attempt!;
    expect(done.id).toBe(pending.id);
    expect((await accounts(emu))[0]).toMatchObject({ provider: 'lever' });
  });

  it('throws EmulatorStateError for unknown and expired sessions', async () => {
    const emu = await emulator();
    expect(() => emu.connect(1)).toThrow(EmulatorStateError);
    const s = await createSession(emu);
    emu.expire(s.id);
    expect(() => emu.connect(s.id)).toThrow(/expired/);
    expect(() => emu.startAttempt(s.id)).toThrow(EmulatorStateError);
  });
});
