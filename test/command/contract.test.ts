/**
 * The contract test: every body the CLI sends to POST /connect_sessions must satisfy StackOne's
 * official schema (the vendored OpenAPI document), checked here with our own ajv instance,
 * independently of the emulator's validator. And what the emulator answers must have the shapes
 * the official schema gives, so that the rest of the e2e suite tests against the real thing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import AjvModule, { type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { beforeAll, describe, expect, test } from 'vitest';
import { type Created, oneJsonLine, requestsTo, type SessionResult, waitingSessionId } from '../helpers/e2e.js';
import { TEST_KEY, useHarness } from '../helpers/harness.js';

// ajv and ajv-formats are CommonJS: the default import is module.exports; the class is its `default`.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

const SPEC_PATH = join(import.meta.dirname, '../../src/emulator/openapi/stackone-connect.openapi.json');
const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as {
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

let ajv: InstanceType<typeof Ajv>;
const validators = new Map<string, ValidateFunction>();
function schema(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.getSchema(`stackone.json#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    validators.set(name, validate);
  }
  return validate;
}

/** Violations of a value against a component schema of the official spec; [] when valid. */
function violations(name: string, value: unknown): string[] {
  const validate = schema(name);
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** What the schema does not say but the contract does: only fields the API defines, and never null. */
function contractViolations(body: Record<string, unknown>): string[] {
  const known = Object.keys(spec.components.schemas.ConnectSessionCreate!.properties ?? {});
  return [
    ...Object.keys(body)
      .filter((k) => !known.includes(k))
      .map((k) => `unknown field ${k}`),
    ...Object.entries(body)
      .filter(([, v]) => v === null)
      .map(([k]) => `${k} is null`),
  ];
}

beforeAll(() => {
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(spec, 'stackone.json');
});

const h = useHarness();

const OWNER = ['--origin-owner-id', 'cust-42', '--origin-owner-name', 'Acme Ltd'];
const ALL_CATEGORIES = [
  'ats',
  'hris',
  'hris-legacy',
  'crm',
  'iam',
  'marketing',
  'lms',
  'stackone',
  'documents',
  'ticketing',
  'screening',
  'messaging',
  'accounting',
  'scheduling',
];

describe('the validator itself', () => {
  test('rejects what the API would reject: camel-case categories, a string expires_in, a missing owner name, a wrong type', () => {
    const ok = { origin_owner_id: 'a', origin_owner_name: 'b' };
    expect(violations('ConnectSessionCreate', ok)).toEqual([]);
    expect(violations('ConnectSessionCreate', { ...ok, categories: ['hrisLegacy'] })).not.toEqual([]);
    expect(violations('ConnectSessionCreate', { ...ok, categories: ['stackOne'] })).not.toEqual([]);
    expect(violations('ConnectSessionCreate', { ...ok, expires_in: '3600' })).not.toEqual([]);
    expect(violations('ConnectSessionCreate', { origin_owner_id: 'a' })).not.toEqual([]);
    expect(violations('ConnectSessionCreate', { ...ok, type: 'TEST' })).not.toEqual([]);
    expect(violations('ConnectSessionCreate', { ...ok, multiple: 'true' })).not.toEqual([]);
    expect(violations('ConnectSessionCreate', { ...ok, metadata: '{"a":1}' })).not.toEqual([]);
    expect(contractViolations({ ...ok, provider: null })).toEqual(['provider is null']);
    expect(contractViolations({ ...ok, expiresIn: 5 })).toEqual(['unknown field expiresIn']);
  });
});

describe('every body the CLI sends satisfies ConnectSessionCreate', () => {
  test('across many flag combinations (every flag at least once, every category)', async () => {
    const base = dirname(h.configDir);
    const metaFile = join(base, 'meta.json');
    writeFileSync(metaFile, '{"crm":{"id":42,"tags":["a"]}}');
    const runs: { args: string[]; input?: string }[] = [
      { args: [] },
      { args: ['--categories', ALL_CATEGORIES.join(',')] },
      { args: ['--categories', 'hrisLegacy', '--categories', 'stackOne', '--categories', 'ATS,Crm'] },
      { args: ['--categories', 'HRIS-LEGACY,StackOne,scheduling'] },
      { args: ['--provider', 'bamboohr', '--provider-version', '2'] },
      { args: ['--origin-username', 'jane@acme.test', '--label', 'Main HR'] },
      { args: ['--account-id', 'acc_1', '--multiple'] },
      { args: ['--expires-in', '3600'] },
      { args: ['--expires-in', '90s'] },
      { args: ['--expires-in', '30m'] },
      { args: ['--expires-in', '12h'] },
      { args: ['--expires-in', '7d'] },
      { args: ['--metadata', '{"plan":"gold","seats":10,"nested":{"ok":true}}'] },
      { args: ['--metadata', `@${metaFile}`] },
      { args: ['--metadata', '@-'], input: '{"from":"stdin"}' },
      { args: ['--metadata', '{}'] },
      { args: ['--type', 'TEST'] },
      { args: ['--type', 'Production'] },
      { args: ['--integration-id', 'int_1'] },
      { args: ['--connector-profile-id', 'cp_1'] },
      {
        args: [
          '--categories',
          'hris,ats',
          '--provider',
          'hibob',
          '--provider-version',
          '1',
          '--origin-username',
          'u',
          '--account-id',
          'acc_2',
          '--expires-in',
          '1h',
          '--metadata',
          '{"k":"v"}',
          '--multiple',
          '--label',
          'l',
          '--type',
          'test',
          '--integration-id',
          'i',
          '--connector-profile-id',
          'c',
        ],
      },
    ];
    for (const { args, input } of runs) {
      const result = await h.cli(['session', 'create', ...OWNER, ...args, '--json'], input === undefined ? {} : { input });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      // The create response the CLI printed unchanged has the official shape too.
      expect(violations('ConnectSessionTokenAuthLink', oneJsonLine(result.stdout))).toEqual([]);
    }

    const bodies = h.createBodies() as Record<string, unknown>[];
    expect(bodies).toHaveLength(runs.length);
    bodies.forEach((body, i) => {
      const problems = [...violations('ConnectSessionCreate', body), ...contractViolations(body)];
      expect(problems, `${runs[i]!.args.join(' ')} sent ${JSON.stringify(body)}`).toEqual([]);
    });

    // Every field of the schema was exercised, and every category was sent.
    const sentFields = new Set(bodies.flatMap((b) => Object.keys(b)));
    expect([...sentFields].sort()).toEqual(Object.keys(spec.components.schemas.ConnectSessionCreate!.properties!).sort());
    const sentCategories = new Set(bodies.flatMap((b) => (b.categories as string[] | undefined) ?? []));
    expect([...sentCategories].sort()).toEqual([...ALL_CATEGORIES].sort());
    for (const body of bodies) expect(typeof (body.expires_in ?? 0)).toBe('number');
  });
});

describe('what the emulator answers has the official shapes', () => {
  const auth = { authorization: `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`, 'user-agent': 'contract-test' };
  const getSession = async (id: number) => (await fetch(`${h.emulator.url}/connect_sessions/${id}`, { headers: auth })).json();

  test('GET /connect_sessions/{id} is a ConnectSession in every state of the attempt', async () => {
    const created = oneJsonLine<Created>(
      (await h.cli(['session', 'create', ...OWNER, '--categories', 'hris', '--metadata', '{"a":1}', '--json'])).stdout,
    );
    const seen: unknown[] = [await getSession(created.id)];
    h.emulator.startAttempt(created.id);
    seen.push(await getSession(created.id));
    h.emulator.fail(created.id);
    seen.push(await getSession(created.id));
    h.emulator.cancel(created.id);
    seen.push(await getSession(created.id));
    h.emulator.connect(created.id);
    seen.push(await getSession(created.id));
    for (const session of seen) expect(violations('ConnectSession', session)).toEqual([]);
    expect((seen.at(-1) as { latest_connection_attempt: { status: string } }).latest_connection_attempt.status).toBe('authenticated');
  });

  test('POST /connect_sessions/authenticate answers a ConnectSession', async () => {
    const created = oneJsonLine<Created>((await h.cli(['session', 'create', ...OWNER, '--json'])).stdout);
    const res = await fetch(`${h.emulator.url}/connect_sessions/authenticate`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ token: created.token }),
    });
    expect(res.status).toBe(201);
    expect(violations('ConnectSession', await res.json())).toEqual([]);
  });

  test("the attempt the CLI prints (session poll --json) is the API's LatestConnectionAttempt, unchanged", async () => {
    let id: number | undefined;
    const result = await h.drive(
      (o) => h.cli(['session', 'create', ...OWNER, '--wait', '--interval', '100ms', '--json'], o),
      [{ when: (err) => (id = waitingSessionId(err)) !== undefined, then: () => h.emulator.connect(id!) }],
    );
    expect(result.code, result.stderr).toBe(0);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(violations('LatestConnectionAttempt', json.attempt)).toEqual([]);
    expect(json.attempt).toStrictEqual(((await getSession(id!)) as { latest_connection_attempt: unknown }).latest_connection_attempt);
    // The wait read the session the official way.
    expect(requestsTo(h.emulator.requests, 'GET', `/connect_sessions/${id}`).length).toBeGreaterThan(0);
  });
});
