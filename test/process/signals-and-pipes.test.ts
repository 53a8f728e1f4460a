import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { createSession, requestsTo } from '../helpers/e2e.js';
import { useHarness } from '../helpers/harness.js';
import { BIN, cleanEnv } from '../helpers/process.js';

// What only a process shows: signals reaching main.ts, and stdout or stdin being pipes.
const h = useHarness({ process: true });

/** `session poll <id>` running, once it has read the session at least once. */
async function waiting(id: number) {
  const poll = h.spawn(['session', 'poll', String(id), '--interval', '100ms']);
  await poll.waitFor('stderr', /Waiting for the customer to connect/);
  await expect.poll(() => requestsTo(h.emulator.requests, 'GET', `/connect_sessions/${id}`).length, { timeout: 10_000 }).toBeGreaterThan(0);
  return poll;
}

describe('signals', () => {
  test('Ctrl-C (SIGINT) while waiting: exit 130, the session stays open, and how to resume', async () => {
    const { id } = await createSession(h);
    const poll = await waiting(id);
    poll.kill('SIGINT');
    const end = await poll.exited;
    expect(end.code).toBe(130);
    expect(end.signal).toBeNull();
    expect(end.stderr).toContain(`Resume with: stackone-connect session poll ${id}`);
  });

  test.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s while waiting ends the wait the same way, with 128 + its number, without a stack trace', async (signal, code) => {
    const { id } = await createSession(h);
    const poll = await waiting(id);
    poll.kill(signal);
    const end = await poll.exited;
    expect(end.code).toBe(code);
    expect(end.signal).toBeNull();
    expect(end.stderr).toContain(`Stopped waiting. Session ${id} stays open`);
    expect(end.stderr).not.toMatch(/\n\s+at /);
  });

  test('a second Ctrl-C while the first is handled leaves at once with 130', async () => {
    const { id } = await createSession(h);
    const poll = await waiting(id);
    poll.kill('SIGINT');
    poll.kill('SIGINT');
    expect((await poll.exited).code).toBe(130);
  });
});

describe('pipes', () => {
  test('stdout closed by its reader (`| head`): exit 0, nothing on stderr', async () => {
    await createSession(h);
    const child = spawn(process.execPath, [BIN, 'session', 'list', '--json'], {
      env: cleanEnv(h.env()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader is gone before the CLI writes a byte
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  test('stderr closed by its reader (`2>&1 >/dev/null | head -c1`): no crash, the exit code of the command', async () => {
    // A warning goes to stderr, and the create succeeds: exit 0, not a crash on the closed pipe.
    const child = spawn(
      process.execPath,
      [BIN, 'session', 'create', '--origin-owner-id', 'a', '--origin-owner-name', 'A', '--provider-version', '1', '--quiet'],
      {
        env: cleanEnv(h.env()),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stderr.destroy();
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hub\?token=\S+\n$/);
    expect(h.createBodies()).toHaveLength(1);
  });

  test('stdin and stdout as pipes: --metadata @- reads the pipe, and the output has no colour or spinner', async () => {
    const run = await h.cli(
      ['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--metadata', '@-', '--quiet'],
      {
        input: '{"crm_id":"42"}',
        env: { FORCE_COLOR: undefined },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hub\?token=\S+\n$/);
    expect(run.stdout + run.stderr).not.toContain('\u001b');
    expect(h.createBodies()).toEqual([{ origin_owner_id: 'acme', origin_owner_name: 'Acme', metadata: { crm_id: '42' } }]);
  });
});
