import { describe, expect, test } from 'vitest';
import { type CreateFlags, type FileReader, parseCategories, parseCreateFlags, requireOwner } from '../../src/core/create-body.js';
import { UsageError } from '../../src/core/errors.js';

const files = (content: Record<string, string> = {}, stdin = ''): FileReader => ({
  readFile: async (path) => {
    if (path in content) return content[path]!;
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  },
  readStdin: async () => stdin,
});

const required = { originOwnerId: 'acme', originOwnerName: 'Acme' };

/** The body the flags make, the owner required (as a create without prompts does). */
async function buildCreateBody(flags: CreateFlags, reader: FileReader) {
  const { body, warnings } = await parseCreateFlags(flags, reader);
  return { body: requireOwner(body), warnings };
}

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('buildCreateBody', () => {
  test('only the required fields when nothing else is given (no nulls, no defaults)', async () => {
    const { body, warnings } = await buildCreateBody(required, files());
    expect(body).toStrictEqual({ origin_owner_id: 'acme', origin_owner_name: 'Acme' });
    expect(warnings).toEqual([]);
  });

  test('every flag maps to its body field', async () => {
    const { body, warnings } = await buildCreateBody(
      {
        ...required,
        categories: ['hris,ATS', 'hrisLegacy', 'stackOne'],
        provider: 'BambooHR',
        providerVersion: '2.0',
        originUsername: 'jane@acme.test',
        accountId: 'acc_1',
        expiresIn: '7d',
        metadata: '{"crm_id":"42"}',
        multiple: true,
        label: 'Production HR',
        type: 'TEST',
        integrationId: 'int_1',
        connectorProfileId: 'cp_1',
      },
      files(),
    );
    expect(body).toStrictEqual({
      origin_owner_id: 'acme',
      origin_owner_name: 'Acme',
      categories: ['hris', 'ats', 'hris-legacy', 'stackone'],
      provider: 'bamboohr',
      provider_version: '2.0',
      origin_username: 'jane@acme.test',
      account_id: 'acc_1',
      expires_in: 604_800,
      metadata: { crm_id: '42' },
      multiple: true,
      label: 'Production HR',
      type: 'test',
      integration_id: 'int_1',
      connector_profile_id: 'cp_1',
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/--provider-version is deprecated/);
  });

  test('lists every missing required flag in one error, checked last (interactive mode fills them first)', async () => {
    const { body } = await parseCreateFlags({ label: 'x' }, files());
    expect(body).toEqual({ label: 'x' });
    const error = await usageError(Promise.resolve().then(() => requireOwner(body)));
    expect(error.message).toBe('Missing required flags: --origin-owner-id, --origin-owner-name.');
    expect(error.exitCode).toBe(2);
    // A blank owner is a missing one: named with the others (or asked for, in a terminal).
    expect((await usageError(buildCreateBody({ originOwnerId: 'a', originOwnerName: '  ' }, files()))).message).toBe(
      'Missing required flag: --origin-owner-name.',
    );
  });

  test('reads a --metadata file once', async () => {
    let reads = 0;
    const counting: FileReader = {
      readFile: async () => {
        reads++;
        return '{"a":1}';
      },
      readStdin: async () => '',
    };
    await buildCreateBody({ ...required, metadata: '@meta.json' }, counting);
    expect(reads).toBe(1);
  });

  test('durations: compound forms, a bare number under a minute warns that it is seconds, and limits', async () => {
    expect((await buildCreateBody({ ...required, expiresIn: '1h30m' }, files())).body.expires_in).toBe(5400);
    const short = await buildCreateBody({ ...required, expiresIn: '30' }, files());
    expect(short.body.expires_in).toBe(30);
    expect(short.warnings).toEqual(['--expires-in 30 means 30 seconds: the link expires almost at once. Write 30m for minutes.']);
    expect((await buildCreateBody({ ...required, expiresIn: '90' }, files())).warnings).toEqual([]);
    expect((await buildCreateBody({ ...required, expiresIn: '30s' }, files())).warnings).toEqual([]);
    const huge = await usageError(buildCreateBody({ ...required, expiresIn: '200000000d' }, files()));
    expect(huge.message).toBe('Invalid value "200000000d" for --expires-in: it must be at most 365d.');
  });

  test('metadata from a file and from stdin', async () => {
    const fromFile = await buildCreateBody({ ...required, metadata: '@meta.json' }, files({ 'meta.json': '{"a":1}' }));
    expect(fromFile.body.metadata).toEqual({ a: 1 });
    const fromStdin = await buildCreateBody({ ...required, metadata: '@-' }, files({}, '{"b":[1,2]}\n'));
    expect(fromStdin.body.metadata).toEqual({ b: [1, 2] });
  });

  test.each([
    [{ metadata: '[1,2]' }, /must be a JSON object, not an array/],
    [{ metadata: 'null' }, /must be a JSON object, not null/],
    [{ metadata: '"text"' }, /must be a JSON object, not a string/],
    [{ metadata: '{oops' }, /--metadata is not valid JSON/],
    [{ metadata: '@missing.json' }, /Cannot read --metadata file missing.json: no such file/],
    [{ metadata: '@' }, /needs a file name/],
    [{ categories: ['hris,payroll'] }, /Unknown category "payroll" for --categories/],
    [{ categories: [','] }, /needs at least one category/],
    [{ type: 'prod' }, /Invalid value "prod" for --type/],
    [{ expiresIn: '1.5s' }, /--expires-in: it must be a positive whole number of seconds/],
    [{ expiresIn: '0' }, /--expires-in/],
    [{ provider: ' ' }, /--provider must not be empty/],
    [{ label: '' }, /--label must not be empty/],
  ])('rejects %j', async (flags, message) => {
    const error = await usageError(buildCreateBody({ ...required, ...flags }, files()));
    expect(error.message).toMatch(message);
  });

  test('a bad category names the accepted values in its suggestion', async () => {
    const error = await usageError(buildCreateBody({ ...required, categories: ['nope'] }, files()));
    expect(error.suggestion).toBe(
      'Use one or more of: ats, hris, hris-legacy, crm, iam, marketing, lms, stackone, documents, ticketing, screening, messaging, accounting, scheduling.',
    );
  });
});

describe('parseCategories', () => {
  test('is case-insensitive and drops duplicates', () => {
    expect(parseCategories(['HRIS', 'hris,Crm', 'HRIS-LEGACY', 'hrislegacy'])).toEqual(['hris', 'crm', 'hris-legacy']);
  });
});
