import { mkdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { sessionIdFrom, TEST_KEY, useHarness } from '../helpers/harness.js';
import { startCli, tempConfigDir } from '../helpers/process.js';

// Every command once through the built binary and main.ts: the bundle loads each lazy part, and
// the exit code the command returns is the process's. (What each command does is tested in-process.)
const h = useHarness({ process: true });

describe('smoke: every command of the built binary', () => {
  test('--version and --help exit 0', async () => {
    const version = await h.cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await h.cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('session');
  });

  test('session create, poll, status and list', async () => {
    const created = await h.cli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const id = sessionIdFrom(created.stdout);
    const pending = await h.cli(['session', 'status', String(id), '--quiet']);
    expect(pending.code).toBe(8); // a state, not an error: through main.ts unchanged
    h.emulator.connect(id, { provider: 'bamboohr' });
    const polled = await h.cli(['session', 'poll', '--json', '--interval', '100ms']);
    expect(polled.code, polled.stderr).toBe(0);
    expect(JSON.parse(polled.stdout)).toMatchObject({ status: 'authenticated', account_secure_id: expect.any(String) });
    const listed = await h.cli(['session', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });

  test('a campaign from stdin, its board, and list --status', async () => {
    const { dir, cleanup } = tempConfigDir();
    try {
      mkdirSync(dir);
      const campaign = await h.cli(['session', 'create', '--from-file', '-', '--output', 'results.csv', '--json'], {
        cwd: dir,
        input: 'origin_owner_id,origin_owner_name\nacme,Acme\nglobex,Globex\n',
      });
      expect(campaign.code, campaign.stderr).toBe(0);
      expect(JSON.parse(campaign.stdout)).toMatchObject({ rows: 2, created: 2 });
      for (const s of h.emulator.sessions().slice(-2)) h.emulator.connect(s.id);
      const board = await h.cli(['session', 'poll', '--all', '--from-file', 'results.csv', '--quiet'], { cwd: dir });
      expect(board.code, board.stderr).toBe(0);
      expect(board.stdout.trimEnd().split('\n')).toHaveLength(2);
      const listed = await h.cli(['session', 'list', '--status', 'authenticated', '--quiet']);
      expect(listed.stdout.trimEnd().split('\n')).toHaveLength(2);
    } finally {
      cleanup();
    }
  });

  test('auth login, status, switch and logout', async () => {
    const env = { STACKONE_API_KEY: undefined };
    const login = await h.cli(['auth', 'login', '--api-key-stdin', '--profile', 'eu'], { env, input: `${TEST_KEY}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect((await h.cli(['auth', 'status'], { env })).code).toBe(0);
    expect((await h.cli(['auth', 'switch', 'eu'], { env })).code).toBe(0);
    expect((await h.cli(['auth', 'logout'], { env })).code).toBe(0);
    const none = await h.cli(['auth', 'status'], { env });
    expect(none.code).toBe(4);
  });

  test('completion, a usage error and an unknown command', async () => {
    const bash = await h.cli(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -o default -F');
    expect((await h.cli(['session', 'create', '--type', 'staging'])).code).toBe(2);
    expect((await h.cli(['sesion'])).code).toBe(2);
  });

  test('demo runs the whole flow offline', async () => {
    const demo = await h.cli(['demo', '--after', '300ms', '--json']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(JSON.parse(demo.stdout)).toMatchObject({ status: 'authenticated' });
  });

  test('emulator prints its exports, serves, and exits 0 on SIGTERM', async () => {
    const emulator = startCli(['emulator', '--port', '0']);
    const [, url] = await emulator.waitFor('stdout', /^export STACKONE_BASE_URL=(\S+)\n/);
    expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);
    emulator.kill('SIGTERM');
    expect((await emulator.exited).code).toBe(0);
  });
});
