import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/in-process.js';
import { startFakeApi } from '../helpers/network.js';
import { cleanEnv, tempConfigDir } from '../helpers/process.js';

/** Text a hostile or broken server (or file) could send to take over the terminal. */
const EVIL = {
  ansi: '\u001b[2J\u001b[31m',
  osc: '\u001b]0;owned\u0007',
  hyperlink: '\u001b]8;;https://evil.example\u001b\\',
  cr: '\rOVERWRITTEN',
  backspace: '\b\b\b',
  bidi: '\u202eexe.txt',
  c1: '\u009b31m',
};
const evil = (label: string) => `${label}${Object.values(EVIL).join('')}`;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let api: Awaited<ReturnType<typeof startFakeApi>>;
let config: ReturnType<typeof tempConfigDir>;

beforeAll(async () => {
  config = tempConfigDir();
  api = await startFakeApi((method, path) => {
    const session = {
      id: 77,
      origin_owner_id: evil('owner'),
      origin_owner_name: evil('Name'),
      provider: evil('provider'),
      latest_connection_attempt: {
        id: evil('attempt'),
        status: 'error',
        oauth_error_code: evil('code'),
        oauth_error_description: evil('description'),
      },
    };
    if (method === 'POST' && path === '/connect_sessions') {
      return {
        status: 201,
        body: {
          ...session,
          token: 'tok',
          auth_link_url: `https://hub.example/connect?token=${evil('t')}`,
          latest_connection_attempt: null,
        },
      };
    }
    if (path === '/connect_sessions/77') return { status: 200, body: session };
    if (path === '/connect_sessions/78')
      return {
        status: 200,
        body: {
          ...session,
          id: 78,
          latest_connection_attempt: { ...session.latest_connection_attempt, status: 'authenticated', account_secure_id: evil('acc') },
        },
      };
    return { status: 400, body: { statusCode: 400, message: evil('Bad things') } };
  });
});
afterAll(async () => {
  await api?.close();
  config?.cleanup();
});

const cli = (args: string[], input?: string) =>
  runInProcess(args, {
    env: cleanEnv({ STACKONE_BASE_URL: api.url, STACKONE_API_KEY: 'v1.eu1.hostile-test-key-123456', STACKONE_CONFIG_DIR: config.dir }),
    input,
  });

function expectClean(run: { stdout: string; stderr: string }) {
  expect(run.stdout).not.toMatch(CONTROL);
  expect(run.stderr).not.toMatch(CONTROL);
}

describe('text from the server or a file is printed without control characters', () => {
  test('create: owner, provider and link', async () => {
    const run = await cli(['session', 'create', '--origin-owner-id', 'x', '--origin-owner-name', 'y']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Name');
    expectClean(run);
  });

  test('create --json: the raw line carries no control characters, and parses to the API body unchanged', async () => {
    const run = await cli(['session', 'create', '--origin-owner-id', 'x', '--origin-owner-name', 'y', '--json']);
    expectClean(run);
    expect(JSON.parse(run.stdout).origin_owner_name).toBe(evil('Name'));
  });

  test('poll: a failed attempt with hostile error code and description', async () => {
    const run = await cli(['session', 'poll', '77', '--fail-fast', '--interval', '100ms']);
    expect(run.code).toBe(3);
    expect(run.stdout + run.stderr).toContain('description');
    expectClean(run);
  });

  test('status --quiet: a hostile account id', async () => {
    const run = await cli(['session', 'status', '78', '--quiet']);
    expect(run.code).toBe(0);
    // the carriage return became a space; everything else that steers the terminal is gone
    expect(run.stdout).toBe('acc OVERWRITTENexe.txt\n');
    expectClean(run);
  });

  test('list: what the history remembered from the server (the provider)', async () => {
    const run = await cli(['session', 'list']);
    expectClean(run);
    expect(run.stdout).toContain('provider');
  });

  test('an error message from the server', async () => {
    const run = await cli(['session', 'status', '99']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Bad things');
    expectClean(run);
  });

  test('a metadata file that is not JSON, and one whose name is hostile', async () => {
    const file = join(config.dir, '..', 'evil.json');
    writeFileSync(file, `${evil('{')}`);
    const run = await cli(['session', 'create', '--origin-owner-id', 'x', '--origin-owner-name', 'y', '--metadata', `@${file}`]);
    expect(run.code).toBe(2);
    expectClean(run);
    const named = await cli([
      'session',
      'create',
      '--origin-owner-id',
      'x',
      '--origin-owner-name',
      'y',
      '--metadata',
      `@${evil('missing')}.json`,
    ]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('missing');
    expectClean(named);
  });

  test('metadata from stdin with control characters in a key', async () => {
    const run = await cli(
      ['session', 'create', '--origin-owner-id', 'x', '--origin-owner-name', 'y', '--metadata', '@-'],
      `[${JSON.stringify(evil('k'))}]`,
    );
    expect(run.code).toBe(2);
    expectClean(run);
  });
});
