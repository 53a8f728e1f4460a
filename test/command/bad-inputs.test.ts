import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fault } from '../../src/emulator/index.js';
import { useHarness } from '../helpers/harness.js';
import { closedPort, startFakeApi } from '../helpers/network.js';

/**
 * Every bad input a user, an environment or a server can give: each has its exit code and a
 * message that says what is wrong, never a stack trace, and (for usage and key errors) sends nothing.
 */
const h = useHarness();
let fake: Awaited<ReturnType<typeof startFakeApi>>;
let refused: number;

beforeAll(async () => {
  refused = await closedPort();
  fake = await startFakeApi((method, path) => {
    if (path === '/connect_sessions' && method === 'POST') return { status: 201, body: { id: 5, origin_owner_id: 'a' } };
    if (path === '/connect_sessions/7')
      return { status: 200, body: '<html><body>Welcome to the captive portal</body></html>', headers: { 'content-type': 'text/html' } };
    if (path === '/connect_sessions/8') return { status: 200, body: '[1,2,3]' };
    return { status: 418, body: { statusCode: 418, message: 'I am a teapot' } };
  });
});
afterAll(() => fake?.close());

const owner = ['--origin-owner-id', 'acme', '--origin-owner-name', 'Acme'];
const create = (...flags: string[]) => ['session', 'create', ...owner, ...flags];

interface Case {
  name: string;
  args: string[];
  code: number;
  message: RegExp;
  env?: Record<string, string>;
  input?: string;
  faults?: Fault[];
  files?: Record<string, string | null>;
  /** Requests that may reach the API (default: none for exit 2 and 4). */
  sends?: boolean;
}

const cases: Case[] = [
  // flags
  {
    name: 'no required flags',
    args: ['session', 'create'],
    code: 2,
    message: /Missing required flags: --origin-owner-id, --origin-owner-name/,
  },
  {
    name: 'one required flag missing',
    args: ['session', 'create', '--origin-owner-id', 'x'],
    code: 2,
    message: /Missing required flag: --origin-owner-name/,
  },
  {
    name: 'blank owner name',
    args: ['session', 'create', '--origin-owner-id', 'x', '--origin-owner-name', '  '],
    code: 2,
    message: /--origin-owner-name/,
  },
  {
    name: 'unknown category',
    args: create('--categories', 'hris,payroll'),
    code: 2,
    message: /Unknown category "payroll" for --categories[\s\S]*ats, hris, hris-legacy/,
  },
  { name: 'empty categories', args: create('--categories', ','), code: 2, message: /--categories needs at least one/ },
  { name: 'bad type', args: create('--type', 'staging'), code: 2, message: /Invalid value "staging" for --type[\s\S]*production, test/ },
  { name: 'expires-in zero', args: create('--expires-in', '0'), code: 2, message: /--expires-in[\s\S]*90s, 30m, 12h, 7d/ },
  {
    name: 'expires-in fractional',
    args: create('--expires-in', '1.5s'),
    code: 2,
    message: /--expires-in: it must be a positive whole number of seconds/,
  },
  { name: 'expires-in words', args: create('--expires-in', 'tomorrow'), code: 2, message: /Invalid value "tomorrow" for --expires-in/ },
  { name: 'expires-in negative', args: create('--expires-in=-5'), code: 2, message: /Invalid value "-5" for --expires-in/ },
  { name: 'metadata array', args: create('--metadata', '[1]'), code: 2, message: /--metadata must be a JSON object, not an array/ },
  { name: 'metadata null', args: create('--metadata', 'null'), code: 2, message: /not null/ },
  { name: 'metadata number', args: create('--metadata', '42'), code: 2, message: /not a number/ },
  { name: 'metadata invalid JSON', args: create('--metadata', '{crm: 1}'), code: 2, message: /--metadata is not valid JSON/ },
  {
    name: 'metadata missing file',
    args: create('--metadata', '@nope.json'),
    code: 2,
    message: /Cannot read --metadata file nope\.json: no such file/,
  },
  {
    name: 'metadata file not JSON',
    args: create('--metadata', '@bad.json'),
    files: { 'bad.json': 'crm_id=42\n' },
    code: 2,
    message: /--metadata file bad\.json is not valid JSON/,
  },
  {
    name: 'metadata file is a directory',
    args: create('--metadata', '@adir'),
    files: { adir: null },
    code: 2,
    message: /Cannot read --metadata file adir: EISDIR/,
  },
  {
    name: 'metadata stdin empty',
    args: create('--metadata', '@-'),
    input: '',
    code: 2,
    message: /--metadata @- \(stdin\) is not valid JSON/,
  },
  { name: 'metadata @ alone', args: create('--metadata', '@'), code: 2, message: /--metadata @ needs a file name/ },
  { name: 'empty provider', args: create('--provider', ''), code: 2, message: /--provider must not be empty/ },
  { name: 'empty label', args: create('--label', ' '), code: 2, message: /--label must not be empty/ },
  {
    name: 'interval too short',
    args: create('--wait', '--interval', '10ms'),
    code: 2,
    message: /Invalid value "10ms" for --interval: it must be from 100ms to 1h 00m\.\n {2}Examples: 2s, 500ms or 1m\./,
  },
  {
    name: 'interval words',
    args: ['session', 'poll', '1', '--interval', 'often'],
    code: 2,
    message: /Invalid value "often" for --interval/,
  },
  {
    name: 'timeout zero',
    args: ['session', 'poll', '1', '--timeout', '0'],
    code: 2,
    message: /Invalid value "0" for --timeout: it must be from 1ms to 365d\./,
  },
  { name: '--json with --quiet', args: [...create(), '--json', '--quiet'], code: 2, message: /--json and --quiet cannot be used together/ },
  { name: 'unknown flag', args: create('--colour'), code: 2, message: /^✗ Unknown option '--colour'\.\n {2}Add --help for usage\.\n$/ },
  {
    name: 'unknown command',
    args: ['sesion', 'create'],
    code: 2,
    message: /^✗ Unknown command 'sesion'\.\n {2}\(Did you mean session\?\)/,
  },
  {
    name: 'flag without its value',
    args: ['session', 'create', '--origin-owner-id'],
    code: 2,
    message: /Option '--origin-owner-id <id>' argument missing\./,
  },
  { name: 'non-numeric session id', args: ['session', 'status', 'abc'], code: 2, message: /Invalid session id "abc": it must be a number/ },
  { name: 'status without an id', args: ['session', 'status'], code: 2, message: /Missing required argument 'id'\./ },
  {
    name: 'poll with nothing to poll',
    args: ['session', 'poll'],
    code: 2,
    message: /No session to poll: none was created with profile "default"/,
  },
  { name: 'list --limit 0', args: ['session', 'list', '--limit', '0'], code: 2, message: /Invalid value "0" for --limit/ },
  {
    name: 'bad --request-timeout',
    args: ['session', 'status', '1', '--request-timeout', 'fast'],
    code: 2,
    message: /Invalid value "fast" for --request-timeout/,
  },
  {
    name: 'auth switch with no profile stored',
    args: ['auth', 'switch', 'nope'],
    code: 2,
    message: /No profiles are stored yet\.\n {2}Store one first: stackone-connect auth login --profile nope/,
  },
  { name: 'auth login without a terminal', args: ['auth', 'login'], code: 2, message: /No API key given and no terminal to ask for one/ },
  {
    name: 'auth login with an empty stdin key',
    args: ['auth', 'login', '--api-key-stdin'],
    input: '\n',
    code: 2,
    message: /--api-key-stdin read an empty key/,
  },
  {
    name: 'auth login with a bad profile name',
    args: ['auth', 'login', '--profile', '../x', '--api-key-stdin'],
    input: 'k',
    code: 2,
    message: /Invalid profile name "\.\.\/x"/,
  },
  { name: 'completion for an unknown shell', args: ['completion', 'powershell'], code: 2, message: /powershell/ },
  {
    name: 'emulator with a bad port',
    args: ['emulator', '--port', 'x'],
    code: 2,
    message: /--port must be a whole number from 0 to 65535/,
  },
  {
    name: 'emulator with a bad error rate',
    args: ['emulator', '--error-rate', '2'],
    code: 2,
    message: /--error-rate must be a number from 0 to 1/,
  },
  { name: 'demo with a bad delay', args: ['demo', '--after', 'later'], code: 2, message: /Invalid value "later" for --after/ },
  // environment
  {
    name: 'plain http to a remote host (env)',
    args: create(),
    env: { STACKONE_BASE_URL: 'http://api.stackone.com' },
    code: 2,
    message: /STACKONE_BASE_URL uses plain http:\/\/ for a host that is not this machine/,
  },
  {
    name: 'plain http to a remote host (flag)',
    args: [...create(), '--base-url', 'http://10.1.2.3:8080'],
    code: 2,
    message: /--base-url uses plain http:\/\//,
  },
  {
    name: 'base URL that is not a URL',
    args: create(),
    env: { STACKONE_BASE_URL: 'api.stackone.com' },
    code: 2,
    message: /STACKONE_BASE_URL is not a valid URL/,
  },
  {
    name: 'base URL with credentials',
    args: create(),
    env: { STACKONE_BASE_URL: 'https://me:pw@api.stackone.com' },
    code: 2,
    message: /must not contain a user name or password/,
  },
  {
    name: 'base URL of another scheme',
    args: create(),
    env: { STACKONE_BASE_URL: 'ftp://api.stackone.com' },
    code: 2,
    message: /must be an https:\/\/ URL/,
  },
  {
    name: 'no API key anywhere',
    args: create(),
    env: { STACKONE_API_KEY: '' },
    code: 4,
    message: /No API key for profile "default"[\s\S]*auth login/,
  },
  {
    name: 'a profile without a key',
    args: create(),
    env: { STACKONE_API_KEY: '', STACKONE_PROFILE: 'eu' },
    code: 4,
    message: /No API key for profile "eu"/,
  },
  { name: 'empty --api-key', args: [...create(), '--api-key', ''], code: 2, message: /--api-key must not be empty/ },
  // local files
  {
    name: 'corrupt session history (a line that is not JSON)',
    args: ['session', 'list'],
    files: { 'config/sessions.jsonl': '{"kind":"session"\n{"kind":"status"}\n' },
    code: 1,
    message: /session history file .*sessions\.jsonl has a line that is not valid JSON \(at byte 0\)[\s\S]*left untouched/,
  },
  {
    name: 'corrupt session history of an earlier version',
    args: ['session', 'list'],
    files: { 'config/sessions.json': '{"sessions": [' },
    code: 1,
    message: /session history file .*sessions\.json is not valid JSON[\s\S]*left untouched/,
  },
  {
    name: 'corrupt configuration',
    args: create(),
    env: { STACKONE_API_KEY: '' },
    files: { 'config/config.json': 'profiles: {}' },
    code: 1,
    message: /configuration file .*config\.json is not valid JSON/,
  },
  {
    name: 'history of the wrong shape',
    args: ['session', 'list'],
    files: { 'config/sessions.json': '{"sessions": 3}' },
    code: 1,
    message: /has no valid "sessions" list/,
  },
  {
    name: 'history that is a directory',
    args: ['session', 'list'],
    files: { 'config/sessions.jsonl': null },
    code: 1,
    message: /sessions\.jsonl is (a directory|not a regular file)/,
  },
  {
    name: 'history that is a directory (create: before anything is sent)',
    args: create(),
    files: { 'config/sessions.jsonl': null },
    code: 1,
    message: /sessions\.jsonl is (a directory|not a regular file)/,
  },
  // API responses
  {
    name: 'the key is rejected (401)',
    args: ['session', 'status', '1'],
    faults: [{ kind: 'status', status: 401 }],
    code: 4,
    message: /The API key was rejected \(401 Unauthorized\)/,
    sends: true,
  },
  {
    name: 'access denied (403)',
    args: ['session', 'status', '1'],
    faults: [{ kind: 'status', status: 403 }],
    code: 4,
    message: /not allowed to do this \(403 Forbidden/,
    sends: true,
  },
  { name: 'an unknown session (404)', args: ['session', 'status', '424242'], code: 1, message: /Session 424242 not found/, sends: true },
  {
    name: 'the API refuses the body (400)',
    args: create(),
    faults: [{ kind: 'status', status: 400 }],
    code: 1,
    message: /Creating the connect session failed: 400 Bad Request/,
    sends: true,
  },
  {
    name: 'a create that fails after it was sent (500)',
    args: create(),
    faults: [{ kind: 'status', status: 500 }],
    code: 1,
    message: /500 Internal Server Error[\s\S]*a session may or may not exist/,
    sends: true,
  },
  {
    name: 'a create answered by a proxy page (502)',
    args: create(),
    faults: [{ kind: 'html', status: 502 }],
    code: 1,
    message: /502 Bad Gateway[\s\S]*may or may not exist/,
    sends: true,
  },
  {
    name: 'a create whose answer is cut off',
    args: create(),
    faults: [{ kind: 'truncate' }],
    code: 1,
    message: /may or may not exist/,
    sends: true,
  },
  {
    name: 'a create whose connection is reset',
    args: create(),
    faults: [{ kind: 'reset' }],
    code: 1,
    message: /connection (was )?(reset|closed)[\s\S]*may or may not exist/,
    sends: true,
  },
  {
    name: 'a create that outlives the request timeout',
    args: [...create(), '--request-timeout', '300ms'],
    faults: [{ kind: 'hang' }],
    code: 1,
    message: /no complete answer within[\s\S]*may or may not exist/,
    sends: true,
  },
  {
    name: 'a create answer without token and link',
    args: create(),
    env: { STACKONE_BASE_URL: 'FAKE' },
    code: 1,
    message: /lacks token, auth_link_url/,
    sends: true,
  },
  {
    name: 'a session answer that is an HTML page',
    args: ['session', 'status', '7'],
    env: { STACKONE_BASE_URL: 'FAKE' },
    code: 1,
    message: /answered 200 with a body that is not JSON \(text\/html/,
    sends: true,
  },
  {
    name: 'a session answer that is not an object',
    args: ['session', 'status', '8'],
    env: { STACKONE_BASE_URL: 'FAKE' },
    code: 1,
    message: /something other than a session object/,
    sends: true,
  },
  {
    name: 'an unexpected status (418)',
    args: ['session', 'status', '9'],
    env: { STACKONE_BASE_URL: 'FAKE' },
    code: 1,
    message: /Reading the session failed: 418 I'm a Teapot: I am a teapot/,
    sends: true,
  },
  {
    name: 'nothing listening',
    args: create(),
    env: { STACKONE_BASE_URL: 'REFUSED' },
    code: 1,
    message: /Could not reach 127\.0\.0\.1:\d+: connection refused/,
    sends: true,
  },
  {
    name: 'a poll at an address that never answers (a configuration error, not an outage)',
    args: ['session', 'poll', '1', '--interval', '100ms'],
    env: { STACKONE_BASE_URL: 'REFUSED' },
    code: 1,
    message:
      /connection refused\. Retrying in [\s\S]*✗ Could not reach 127\.0\.0\.1:\d+: connection refused \(3 tries, no answer since the wait began\)\.\n {2}Check --base-url/,
    sends: true,
  },
  {
    name: 'a port fetch refuses to use',
    args: create(),
    env: { STACKONE_BASE_URL: 'http://127.0.0.1:9' },
    code: 1,
    message: /Could not reach 127\.0\.0\.1:9: bad port \(fetch does not connect to it\)\. Nothing was sent: no session was created\./,
    sends: true,
  },
  {
    name: 'a host name that does not resolve',
    args: ['session', 'status', '1'],
    env: { STACKONE_BASE_URL: 'https://api.stackone.invalid' },
    code: 1,
    message: /Could not reach api\.stackone\.invalid: the host name could not be resolved/,
    sends: true,
  },
];

describe(`${cases.length} bad inputs`, () => {
  test('there are at least 40 of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  test.each(cases)('$name -> exit $code', async (c) => {
    for (const [path, content] of Object.entries(c.files ?? {})) {
      const full = path.startsWith('config/') ? join(h.configDir, path.slice('config/'.length)) : join(h.configDir, '..', path);
      mkdirSync(join(full, content === null ? '' : '..'), { recursive: true });
      if (content !== null) writeFileSync(full, content);
    }
    if (c.faults) h.emulator.injectFaults(c.faults);
    const env = { ...c.env };
    if (env.STACKONE_BASE_URL === 'FAKE') env.STACKONE_BASE_URL = fake.url;
    if (env.STACKONE_BASE_URL === 'REFUSED') env.STACKONE_BASE_URL = `http://127.0.0.1:${refused}`;
    const run = await h.cli(c.args, { env, input: c.input, cwd: join(h.configDir, '..'), timeoutMs: 20_000 });
    expect(run.stderr).toMatch(c.message);
    expect(run.code).toBe(c.code);
    expect(run.stdout).toBe('');
    // no stack trace without --verbose
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.stderr).not.toMatch(/Unexpected error/);
    if (!c.sends) expect(h.emulator.requests).toEqual([]);
  });
});
