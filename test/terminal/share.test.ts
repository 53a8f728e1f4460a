import QRCode from 'qrcode';
import { afterEach, describe, expect, test } from 'vitest';
import { useHarness } from '../helpers/harness.js';
import { harnessEnv, keepScreen, killAllPtys, spawnPty } from '../helpers/pty.js';

const h = useHarness({ process: true });
afterEach(killAllPtys);

const CREATE = ['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme'];
const NO_DISPLAY = { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, SSH_CONNECTION: undefined, SSH_TTY: undefined, SSH_CLIENT: undefined };

/** The QR code drawn on the terminal, read back into dark/light modules (quiet zone included). */
function qrDrawn(raw: string): boolean[][] {
  const lines = raw
    .split(/\r?\n/)
    .filter((l) => l.startsWith('\u001b[30;107m'))
    .map((l) => l.replace(/\u001b\[[\d;]*m/g, ''));
  const rows: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line];
    rows.push(chars.map((c) => c === '█' || c === '▀'));
    rows.push(chars.map((c) => c === '█' || c === '▄'));
  }
  return rows;
}

describe('--qr, --open and --copy in a terminal', () => {
  test('--qr draws a code that encodes the link, with a light margin; --open refuses without a display; the link is printed', async () => {
    const t = spawnPty([...CREATE, '--qr', '--open'], { env: harnessEnv(h, NO_DISPLAY) });
    const link = await t.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\S+/);
    await t.waitFor('! Not opening a browser: there is no display. Send the link above instead.');
    expect(await t.exitCode()).toBe(0);
    keepScreen('qr', await t.screen());

    const { modules } = QRCode.create(link, { errorCorrectionLevel: 'L' });
    const drawn = qrDrawn(t.raw());
    const margin = 2;
    expect(drawn[0]).toHaveLength(modules.size + 2 * margin);
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        expect(drawn[row + margin]![col + margin], `module ${row},${col}`).toBe(modules.get(row, col) === 1);
      }
    }
    for (const edge of [drawn[0]!, drawn[1]!, drawn.map((r) => r[0]!), drawn.map((r) => r[1]!)]) {
      expect(edge.every((dark) => !dark)).toBe(true);
    }
  });

  test('--open over SSH says why it does not open a browser', async () => {
    const t = spawnPty([...CREATE, '--open'], {
      env: harnessEnv(h, { ...NO_DISPLAY, DISPLAY: ':0', SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22' }),
    });
    await t.waitFor('Send this link to the customer:');
    await t.waitFor('! Not opening a browser: this is an SSH session.');
    expect(await t.exitCode()).toBe(0);
  });

  test('--qr on a terminal too narrow for the code: a warning, the link still printed, exit 0', async () => {
    const t = spawnPty([...CREATE, '--qr'], { env: harnessEnv(h, NO_DISPLAY), cols: 30 });
    await t.waitFor('Send this link to the customer:');
    await t.waitFor(/Not drawing the QR code: the terminal is 30 columns wide and the QR code needs \d+/);
    expect(await t.exitCode()).toBe(0);
    expect(qrDrawn(t.raw())).toEqual([]);
  });

  test('--copy is best effort: copied, or a warning that says why, never an error', async () => {
    const t = spawnPty([...CREATE, '--copy'], { env: harnessEnv(h, NO_DISPLAY) });
    await t.waitFor(/Link copied to the clipboard\.|Could not copy the link: no clipboard is available here/);
    expect(await t.exitCode()).toBe(0);
  });
});
