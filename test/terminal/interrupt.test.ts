import { afterEach, describe, expect, test } from 'vitest';
import { useHarness } from '../helpers/harness.js';
import { harnessEnv, keepScreen, killAllPtys, spawnPty } from '../helpers/pty.js';

const h = useHarness({ process: true });
afterEach(killAllPtys);

describe('Ctrl-C in interactive session create', () => {
  test.each([
    ['the first question', [] as string[], '? Customer id'],
    ['the provider list', ['--origin-owner-id', 'a', '--categories', 'hris'], '❯ none: let the customer choose'],
    [
      'the summary',
      ['--origin-owner-id', 'a', '--provider', 'p', '--categories', 'hris', '--type', 'test', '--expires-in', '1h', '--label', 'x'],
      '? Create this connect session?',
    ],
  ])('at %s: exit 130, nothing created', async (_where, args, prompt) => {
    const t = spawnPty(['session', 'create', ...args], { env: harnessEnv(h) });
    if (args.length > 0) {
      await t.answer('? Customer name', 'A');
    }
    await t.waitFor(prompt);
    t.interrupt();
    await t.waitFor('Cancelled; nothing was created.');
    expect(await t.exitCode()).toBe(130);
    expect(h.emulator.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(h.createBodies()).toEqual([]);
  });

  test.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s at a question: exit %i, nothing created', async (signal, code) => {
    const t = spawnPty(['session', 'create'], { env: harnessEnv(h) });
    await t.waitFor('? Customer id');
    t.kill(signal);
    await t.waitFor('Cancelled; nothing was created.');
    expect(await t.exitCode()).toBe(code);
    expect(h.emulator.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  test('while waiting for the customer: exit 130, the session stays open, and the command to resume', async () => {
    const t = spawnPty(['session', 'create', '--interval', '200ms'], { env: harnessEnv(h) });
    await t.answer('? Customer id', 'acme');
    await t.answer('? Customer name', 'Acme');
    await t.answer('? Categories');
    await t.answer('❯ none: let the customer choose');
    await t.answer('? Type:');
    await t.answer('? The link expires after:');
    await t.answer('? Label');
    await t.answer('? Create this connect session?');
    const id = Number(/\d+/.exec(await t.waitFor(/Session\s+\d+/))![0]);
    await t.waitFor('Waiting for the customer to open the link');
    h.emulator.startAttempt(id, { provider: 'hibob' });
    await t.waitFor('The customer is connecting');
    // Ctrl-C once the spinner has been drawn below that line, as a person would press it. In a
    // cooked terminal Ctrl-C discards output not yet shown; pressed in the very microseconds
    // between a redraw's clearing and its frame, it can leave half a frame on screen.
    await t.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] The customer is connecting[^\n]* elapsed/);
    t.interrupt();
    await t.waitFor(`Stopped waiting. Session ${id} stays open until it expires in`);
    await t.waitFor(`Resume with: stackone-connect session poll ${id}`);
    expect(await t.exitCode()).toBe(130);
    expect(h.createBodies()).toEqual([{ origin_owner_id: 'acme', origin_owner_name: 'Acme', type: 'production', expires_in: 1800 }]);
    const screen = await t.screen();
    keepScreen('interrupt-while-waiting', screen);
    expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    // The cursor ora hid while spinning is shown again.
    expect(t.raw().lastIndexOf('\u001b[?25h')).toBeGreaterThan(t.raw().lastIndexOf('\u001b[?25l'));
  });
});
