import { describe, expect, it } from 'vitest';
import type { ConnectorMeta } from '../../../src/api/types.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { offeredConnectors } from '../../../src/ui/prompt-choices.js';
import { call, conforms, createSession, emulator, expectStackOneError, json } from './helpers.js';

type Account = Record<string, unknown> & { id: string };

/** Five accounts: three owners, several providers. */
async function seed(emu: Emulator): Promise<void> {
  const plan: [string, string][] = [
    ['o1', 'bamboohr'],
    ['o1', 'hibob'],
    ['o2', 'bamboohr'],
    ['o2', 'greenhouse'],
    ['o3', 'salesforce'],
  ];
  for (const [owner, provider] of plan) {
    emu.connect((await createSession(emu, { origin_owner_id: owner, origin_owner_name: owner.toUpperCase(), provider })).id);
  }
}

async function list(emu: Emulator, query: string): Promise<Account[]> {
  const res = await call(emu, `/accounts${query}`);
  expect(res.status).toBe(200);
  return json<Account[]>(res);
}

describe('GET /accounts', () => {
  it('returns a bare array of LinkedAccounts', async () => {
    const emu = await emulator();
    expect(await list(emu, '')).toEqual([]);
    await seed(emu);
    const all = await list(emu, '');
    expect(all).toHaveLength(5);
    for (const account of all) conforms('LinkedAccount', account);
  });

  it("carries the fields of StackOne's linked-account model the emulator can know: categories, shared", async () => {
    const emu = await emulator();
    emu.connect((await createSession(emu, { provider: 'greenhouse' })).id);
    emu.connect((await createSession(emu, { provider: 'not-in-the-catalogue', categories: ['crm'] })).id);
    const [known, unknown] = await list(emu, '');
    expect(known).toMatchObject({
      provider: 'greenhouse',
      provider_name: 'Greenhouse',
      categories: ['ats'],
      shared: false,
      status_reasons: [],
    });
    expect(unknown).toMatchObject({ provider: 'not-in-the-catalogue', categories: ['crm'], shared: false });
    for (const account of [known, unknown]) conforms('LinkedAccount', account);
  });

  it('filters by origin_owner_id, providers[], status[] and account_ids[]', async () => {
    const emu = await emulator();
    await seed(emu);
    const all = await list(emu, '');
    expect((await list(emu, '?origin_owner_id=o1')).map((a) => a.provider)).toEqual(['bamboohr', 'hibob']);
    expect((await list(emu, '?providers[]=bamboohr&providers[]=salesforce')).map((a) => a.origin_owner_id)).toEqual(['o1', 'o2', 'o3']);
    expect(await list(emu, '?providers=greenhouse')).toHaveLength(1);
    expect(await list(emu, '?origin_owner_id=o2&providers=bamboohr')).toHaveLength(1);
    expect(await list(emu, '?status[]=active')).toHaveLength(5);
    expect(await list(emu, '?status[]=error')).toHaveLength(0);
    const ids = [all[1]!.id, all[3]!.id];
    expect((await list(emu, `?account_ids[]=${ids[0]}&account_ids[]=${ids[1]}`)).map((a) => a.id)).toEqual(ids);
  });

  it('never splits a filter value: a comma is part of the owner id, arrays repeat the key', async () => {
    const emu = await emulator();
    for (const [owner, provider] of [
      ['acme', 'bamboohr'],
      ['inc', 'hibob'],
      ['acme,inc', 'workday'],
    ] as const) {
      emu.connect((await createSession(emu, { origin_owner_id: owner, origin_owner_name: 'Owner', provider })).id);
    }
    expect((await list(emu, '?origin_owner_id=acme%2Cinc')).map((a) => a.provider)).toEqual(['workday']);
    expect((await list(emu, '?origin_owner_id=acme,inc')).map((a) => a.provider)).toEqual(['workday']);
    expect(await list(emu, '?providers=bamboohr,hibob')).toEqual([]);
    expect((await list(emu, '?providers=bamboohr&providers=hibob')).map((a) => a.origin_owner_id)).toEqual(['acme', 'inc']);
    expect(await list(emu, '?status=active,error')).toEqual([]);
    expect(await list(emu, '?origin_owner_id=%20acme')).toEqual([]);
  });

  it('pages from 1 with page_size (default 25)', async () => {
    const emu = await emulator();
    await seed(emu);
    const all = await list(emu, '');
    expect((await list(emu, '?page_size=2')).map((a) => a.id)).toEqual(all.slice(0, 2).map((a) => a.id));
    expect((await list(emu, '?page=1&page_size=2')).map((a) => a.id)).toEqual(all.slice(0, 2).map((a) => a.id));
    expect((await list(emu, '?page=3&page_size=2')).map((a) => a.id)).toEqual([all[4]!.id]);
    expect(await list(emu, '?page=4&page_size=2')).toEqual([]);
    // the spec types both as numbers: any number is accepted, only a non-number is refused
    expect((await list(emu, '?page=0&page_size=2')).map((a) => a.id)).toEqual(all.slice(0, 2).map((a) => a.id));
    expect((await list(emu, '?page=2&page_size=1.5')).map((a) => a.id)).toEqual([all[1]!.id]);
    expect(await list(emu, '?page=-3&page_size=0')).toHaveLength(5);
    const bad = await call(emu, '/accounts?page_size=abc');
    expect(bad.status).toBe(400);
    expectStackOneError(await json(bad), 400);
    expect((await call(emu, '/accounts?page=Infinity')).status).toBe(400);
  });

  it('paginates at 25 by default', async () => {
    const emu = await emulator();
    for (let i = 0; i < 27; i++) emu.connect((await createSession(emu, { origin_owner_id: `o${i}` })).id);
    expect(await list(emu, '')).toHaveLength(25);
    expect(await list(emu, '?page=2')).toHaveLength(2);
  });

  it('returns one account by id, 404 otherwise', async () => {
    const emu = await emulator();
    await seed(emu);
    const [first] = await list(emu, '');
    const res = await call(emu, `/accounts/${first!.id}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(first);
    const missing = await call(emu, '/accounts/00000000000000000000');
    expect(missing.status).toBe(404);
    expectStackOneError(await json(missing), 404);
  });
});

describe('GET /connectors/meta', () => {
  it('lists the enabled connectors over several categories, shaped as ConnectorsMeta', async () => {
    const emu = await emulator();
    const res = await call(emu, '/connectors/meta');
    expect(res.status).toBe(200);
    const connectors = await json<Record<string, unknown>[]>(res);
    expect(connectors.length).toBeGreaterThanOrEqual(8);
    for (const c of connectors) conforms('ConnectorsMeta', c);
    const providers = connectors.map((c) => c.provider);
    expect(providers).toEqual(
      expect.arrayContaining(['bamboohr', 'hibob', 'workday', 'personio', 'greenhouse', 'lever', 'salesforce', 'hubspot']),
    );
    expect(providers).not.toContain('deel');
    expect(new Set(connectors.map((c) => c.category)).size).toBeGreaterThanOrEqual(3);
  });

  it('has the keys of a real response (StackOne examples repo): no active or resources unless asked, snake_case models', async () => {
    const emu = await emulator();
    const [first] = await json<Record<string, unknown>[]>(await call(emu, '/connectors/meta'));
    expect(Object.keys(first!).sort()).toEqual(['category', 'models', 'provider', 'provider_name']);
    const employees = (first!.models as Record<string, Record<string, Record<string, unknown>>>).employees!;
    expect(employees.list).toMatchObject({
      api_path: '/unified/hris/employees',
      operation_type: 'read',
      output: { default_fields: expect.any(Array), expand_fields: [] },
    });
    expect(employees.get).toMatchObject({ api_path: '/unified/hris/employees/:id', operation_type: 'read' });
    expect(employees.create).toMatchObject({ operation_type: 'write', input: { default_fields: expect.any(Array) } });
    const text = JSON.stringify(first);
    for (const camel of ['apiPath', 'defaultFields', 'expandFields', 'operationType']) expect(text).not.toContain(camel);
  });

  it('include=inactive adds disabled connectors and says which are active; include=resources adds the logos', async () => {
    const emu = await emulator();
    const active = await json<unknown[]>(await call(emu, '/connectors/meta'));
    const all = await json<Record<string, unknown>[]>(await call(emu, '/connectors/meta?include=field_path,inactive'));
    expect(all.length).toBeGreaterThan(active.length);
    expect(all.find((c) => c.provider === 'deel')).toMatchObject({ active: false });
    expect(all.find((c) => c.provider === 'hibob')).toMatchObject({ active: true });
    expect(all.every((c) => !('resources' in c))).toBe(true);
    const withLogos = await json<Record<string, unknown>[]>(await call(emu, '/connectors/meta?include=resources'));
    for (const c of withLogos) conforms('ConnectorsMeta', c);
    expect(withLogos[0]).toMatchObject({ resources: { images: { logo_url: expect.stringMatching(/^https:\/\/app\.stackone\.com\//) } } });
    expect(withLogos[0]).not.toHaveProperty('active');
  });

  it('returns one connector by provider, 404 otherwise', async () => {
    const emu = await emulator();
    const res = await call(emu, '/connectors/meta/hibob');
    expect(res.status).toBe(200);
    const hibob = await json(res);
    conforms('ConnectorsMeta', hibob);
    expect(hibob).toMatchObject({ provider: 'hibob', provider_name: 'HiBob', category: 'hris' });
    expect(hibob).not.toHaveProperty('active');
    expect(await json(await call(emu, '/connectors/meta/hibob?include=resources,inactive'))).toMatchObject({
      active: true,
      resources: expect.any(Object),
    });
    expect((await call(emu, '/connectors/meta/nope')).status).toBe(404);
  });

  it("feeds the CLI's provider picker: every enabled provider of the chosen categories is offered", async () => {
    const emu = await emulator();
    const connectors = await json<ConnectorMeta[]>(await call(emu, '/connectors/meta'));
    expect([...offeredConnectors(connectors, ['hris']).keys()]).toEqual(['bamboohr', 'hibob', 'workday', 'personio']);
    expect([...offeredConnectors(connectors, []).keys()]).toHaveLength(11);
  });
});
