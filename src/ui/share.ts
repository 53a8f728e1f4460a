import type { Environment } from '../lib/env.js';
import { isLoopbackHost } from '../lib/net.js';
import type { Runtime } from '../lib/runtime.js';
import { sanitizeLine } from '../lib/text.js';
import type { Output } from './output.js';

export interface ShareFlags {
  open?: boolean;
  copy?: boolean;
  qr?: boolean;
}

/** Why a browser cannot be opened here, if it cannot: over SSH, or on Linux without a display. */
export function browserUnavailable(env: Environment, platform = process.platform): string | undefined {
  if (env.ssh) return 'this is an SSH session';
  if (platform === 'linux' && !env.display) return 'there is no display';
  return undefined;
}

/**
 * Why the server's link is not one to hand to the OS opener, if it is not: only https (and http
 * to this machine, the emulator) is a web page; `file:`, a bare path or `smb:` would open or run
 * whatever the server named.
 */
export function unopenableLink(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return `it is not an https:// link (${sanitizeLine(url.protocol)})`;
}

/** Light modules around the code: scanners need a margin, and a dark terminal gives none. */
const QUIET_ZONE = 2;
// Dark modules in black on a bright white background, whatever the terminal's theme: a code drawn
// in the terminal's own colours comes out inverted on dark themes, which many scanners reject.
const QR_COLOURS = '\u001b[30;107m';
const RESET = '\u001b[0m';

/**
 * The link as a QR code, two modules a character cell (upper and lower half blocks), or the
 * reason it cannot be drawn here.
 */
export async function renderQr(url: string, columns: number | undefined): Promise<{ text: string } | { problem: string }> {
  const { default: QRCode } = await import('qrcode');
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'L' });
  const width = modules.size + 2 * QUIET_ZONE;
  if (columns !== undefined && columns > 0 && width > columns) {
    return {
      problem: `the terminal is ${columns} columns wide and the QR code needs ${width}; widen the window and run again, or use --copy`,
    };
  }
  const dark = (row: number, col: number) =>
    row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.get(row, col) === 1;
  const lines: string[] = [];
  for (let row = -QUIET_ZONE; row < modules.size + QUIET_ZONE; row += 2) {
    let line = '';
    for (let col = -QUIET_ZONE; col < modules.size + QUIET_ZONE; col++) {
      const top = dark(row, col);
      const bottom = dark(row + 1, col);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(`${QR_COLOURS}${line}${RESET}`);
  }
  return { text: lines.join('\n') };
}

/**
 * --open / --copy / --qr: conveniences for a person at a terminal. Best effort: each failure is a
 * warning, never an error, and the link has already been printed.
 */
export async function shareLink(url: string, flags: ShareFlags, out: Output, runtime: Runtime, env: Environment): Promise<void> {
  if (!flags.open && !flags.copy && !flags.qr) return;
  if (!runtime.stdout.isTTY && !runtime.stderr.isTTY) {
    out.warn('--open, --copy and --qr work only in a terminal; the link is printed above.');
    return;
  }
  if (flags.qr) {
    try {
      // Drawn on stderr: a picture for a phone camera is not a result a script could read.
      const qr = runtime.stderr.isTTY ? await renderQr(url, runtime.stderr.columns) : { problem: 'stderr is not a terminal' };
      if ('text' in qr) out.stderr.write(`\n${qr.text}\n\n`);
      else out.warn(`Not drawing the QR code: ${qr.problem}.`);
    } catch (error) {
      out.warn(`Could not draw the QR code: ${(error as Error).message}`);
    }
  }
  if (flags.copy) {
    try {
      const { default: clipboard } = await import('clipboardy');
      await clipboard.write(url);
      out.info(`${out.errTheme.symbols.success} Link copied to the clipboard.`);
    } catch {
      out.warn('Could not copy the link: no clipboard is available here (on Linux it needs a display, or wl-copy/xsel).');
    }
  }
  if (flags.open) {
    const reason = unopenableLink(url) ?? browserUnavailable(env);
    if (reason) {
      out.warn(`Not opening a browser: ${reason}. Send the link above instead.`);
    } else {
      try {
        const { default: open } = await import('open');
        await open(url, { wait: false });
        out.info(`${out.errTheme.symbols.success} Opened the link in the browser.`);
      } catch (error) {
        out.warn(`Could not open a browser: ${(error as Error).message}`);
      }
    }
  }
}
