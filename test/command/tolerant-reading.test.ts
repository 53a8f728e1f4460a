import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OWNER, oneJsonLine, RESULT_KEYS, type SessionResult } from '../helpers/e2e.js';
import { runInProcess } from '../helpers/in-process.js';
import { cleanEnv, tempConfigDir } from '../helpers/process.js';

/**
 * Answers the emulator never gives (it follows the schema), from a stub API: the CLI reads
 * responses tolerantly and checks only what it needs (docs/contract.md, "Output" and "Polling").
 */
const attempt = (extra: Record<string, unknown>) => ({
  id: 'att_1',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:01Z',
  account_secure_id: null,
  oauth_error_code: null,
  oauth_error_description: null,
  ...extra,
});
const session = (id: number, latest: unknown) => ({
  id,
  organization_id: 48213,
  project_id: 'p',
  origin_owner_id: 'cust-42',
  origin_owner_name: 'Acme Ltd',
  created_at: '2026-01-01T00:00:00Z',
  latest_connection_attempt: latest,
  a_field_from_the_future: { x: 1 },
});

const CREATED_UNKNOWN = {
  id: 901,
  organization_id: 48213,
  project_id: 'p',
  origin_owner_id: 'cust-42',
  origin_owner_name: 'Acme Ltd',
  created_at: '2026-01-01T00:00:00Z',
  token: 'tok_901',
  auth_link_url: 'https://hub.example/x?token=tok_901',
  type: 'unmapped_value',
  categories: ['hris', 'payroll-2027'],
  brand_new: [1, 2, 3],
  latest_connection_attempt: null,
};

const ROUTES: Record<string, unknown> = {
  'GET /connect_sessions/1': session(1, attempt({ status: 'in_progress' })),
  'GET /connect_sessions/2': session(2, attempt({ status: 'authenticated', account_secure_id: null })),
  'GET /connect_sessions/3': session(3, attempt({ status: 'authenticated', account_secure_id: 'acc_3' })),
};

let server: Server;
let url: string;
let createAnswer: unknown = CREATED_UNKNOWN;
beforeAll(async () => {
  server = createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    const body = key === 'POST /connect_sessions' ? createAnswer : ROUTES[key];
    res.writeHead(body === undefined ? 404 : key.startsWith('POST') ? 201 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { statusCode: 404, message: 'Not Found', timestamp: '2026-01-01T00:00:00Z' }));
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function cli(args: string[]) {
  const config = tempConfigDir();
  try {
    return await runInProcess(args, {
      env: cleanEnv({ STACKONE_BASE_URL: url, STACKONE_API_KEY: 'stub_Key_Abcdefgh', STACKONE_CONFIG_DIR: config.dir }),
    });
  } finally {
    config.cleanup();
  }
}

describe('responses are read tolerantly', () => {
  test('create: unknown fields and enum values are accepted, and --json prints the body unchanged', async () => {
    createAnswer = CREATED_UNKNOWN;
    const result = await cli(['session', 'create', ...OWNER, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine(result.stdout)).toStrictEqual(CREATED_UNKNOWN);
  });

  test.each([
    ['token', { ...CREATED_UNKNOWN, token: undefined }],
    ['auth_link_url', { ...CREATED_UNKNOWN, auth_link_url: '' }],
    ['a numeric id', { ...CREATED_UNKNOWN, id: undefined }],
    ['a numeric id', { ...CREATED_UNKNOWN, id: '901' }],
    // biome-ignore lint/correctness/noPrecisionLoss: an id beyond Number.MAX_SAFE_INTEGER is the case under test
    ['a numeric id', { ...CREATED_UNKNOWN, id: 9007199254740993 }],
  ])('create: an answer without %s is an error (exit 1) that says what was missing', async (field, answer) => {
    createAnswer = answer;
    const result = await cli(['session', 'create', ...OWNER]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`lacks ${field}`);
    expect(result.stdout).toBe('');
  });

  test('poll: an attempt status the CLI does not know counts as pending (the JSON keeps the attempt as returned)', async () => {
    const result = await cli(['session', 'poll', '1', '--interval', '100ms', '--timeout', '300ms', '--json']);
    expect(result.code, result.stderr).toBe(8);
    const json = oneJsonLine<SessionResult>(result.stdout);
    expect(Object.keys(json)).toEqual(RESULT_KEYS);
    expect(json.status).toBe('pending');
    expect(json.attempt).toStrictEqual(attempt({ status: 'in_progress' }));
  });

  test('poll: "authenticated" without account_secure_id is not done yet: the wait goes on', async () => {
    const result = await cli(['session', 'poll', '2', '--interval', '100ms', '--timeout', '300ms', '--json']);
    expect(result.code, result.stderr).toBe(8);
    expect(oneJsonLine<SessionResult>(result.stdout)).toMatchObject({ status: 'pending', account_secure_id: null });
  });

  test('poll: "authenticated" with account_secure_id is done (exit 0); unknown session fields do not matter', async () => {
    const result = await cli(['session', 'poll', '3', '--interval', '100ms', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(oneJsonLine<SessionResult>(result.stdout)).toMatchObject({ session_id: 3, status: 'authenticated', account_secure_id: 'acc_3' });
  });
});
