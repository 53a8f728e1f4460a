import { describe, expect, test } from 'vitest';
import { createSession, OWNER } from '../helpers/e2e.js';
import { useHarness } from '../helpers/harness.js';
import { closedPort } from '../helpers/network.js';
import type { CliResult } from '../helpers/process.js';

const h = useHarness();

type Row = [code: number, scenario: string, run: () => Promise<CliResult>, stderr?: RegExp];

// One scenario per row of the contract's exit code table (docs/contract.md, "Exit codes").
const rows: Row[] = [
  [0, 'created', () => h.cli(['session', 'create', ...OWNER])],
  [
    0,
    'authenticated',
    async () => {
      const { id } = await createSession(h);
      h.emulator.connect(id);
      return h.cli(['session', 'poll', String(id), '--interval', '100ms']);
    },
  ],
  [
    1,
    'server error (create is not retried after a 5xx)',
    () => {
      h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 502 }]);
      return h.cli(['session', 'create', ...OWNER]);
    },
    /502/,
  ],
  [
    1,
    'network unreachable',
    async () => h.cli(['session', 'status', '1'], { env: { STACKONE_BASE_URL: `http://127.0.0.1:${await closedPort()}` } }),
    /connection refused/,
  ],
  [
    1,
    'unexpected response (not JSON)',
    () => {
      h.emulator.injectFaults([{ method: 'GET', path: '/connect_sessions/', kind: 'non-json' }]);
      return h.cli(['session', 'status', '1']);
    },
    /not JSON/,
  ],
  [1, 'session not found', () => h.cli(['session', 'poll', '424242', '--interval', '100ms']), /not found/],
  [2, 'bad flag value; nothing sent', () => h.cli(['session', 'create', ...OWNER, '--type', 'sandbox']), /--type/],
  [2, 'missing flags; nothing sent', () => h.cli(['session', 'create']), /--origin-owner-id, --origin-owner-name/],
  [
    3,
    'attempt ended in error, with --fail-fast',
    async () => {
      const { id } = await createSession(h);
      h.emulator.fail(id);
      return h.cli(['session', 'poll', String(id), '--fail-fast', '--interval', '100ms']);
    },
  ],
  [
    3,
    'attempt cancelled, by session status',
    async () => {
      const { id } = await createSession(h);
      h.emulator.cancel(id);
      return h.cli(['session', 'status', String(id)]);
    },
  ],
  [4, 'no API key', () => h.cli(['session', 'create', ...OWNER], { env: { STACKONE_API_KEY: undefined } }), /No API key/],
  [
    4,
    'the API answered 401',
    () => h.cli(['session', 'create', ...OWNER], { env: { STACKONE_API_KEY: 'v1.eu1.not_this_Qw8eR4tY' } }),
    /rejected/,
  ],
  [
    4,
    'the API answered 403',
    () => {
      h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 403 }]);
      return h.cli(['session', 'create', ...OWNER]);
    },
    /not allowed/,
  ],
  [
    5,
    'the session expired before the customer connected',
    async () => {
      const { id } = await createSession(h, ['--expires-in', '1']);
      return h.cli(['session', 'poll', String(id), '--interval', '200ms']);
    },
    /Create a new session/,
  ],
  [
    8,
    '--timeout passed while pending',
    async () => {
      const { id } = await createSession(h);
      h.emulator.startAttempt(id);
      return h.cli(['session', 'poll', String(id), '--interval', '100ms', '--timeout', '400ms']);
    },
  ],
  [
    8,
    'session status of a session not yet connected',
    async () => {
      const { id } = await createSession(h);
      return h.cli(['session', 'status', String(id)]);
    },
  ],
  [
    130,
    'interrupted (Ctrl-C) while waiting',
    async () => {
      const { id } = await createSession(h);
      return h.drive(
        (o) => h.cli(['session', 'poll', String(id), '--interval', '100ms'], o),
        [
          {
            when: (err) => /Waiting for the customer/.test(err) && h.emulator.requests.some((r) => r.path === `/connect_sessions/${id}`),
            then: (child) => child.kill('SIGINT'),
          },
        ],
      );
    },
    /Resume with: stackone-connect session poll \d+/,
  ],
];

describe("exit codes (one scenario per row of the contract's table)", () => {
  test.each(rows)('exit %i: %s', async (code, _scenario, run, stderr) => {
    const result = await run();
    expect(result.code, result.stderr).toBe(code);
    if (stderr) expect(result.stderr).toMatch(stderr);
    if (code === 2 || (code === 4 && /No API key/.test(result.stderr))) expect(h.emulator.requests).toHaveLength(0);
  });

  test('every code of the table has a scenario', () => {
    expect([...new Set(rows.map(([code]) => code))]).toEqual([0, 1, 2, 3, 4, 5, 8, 130]);
  });
});
