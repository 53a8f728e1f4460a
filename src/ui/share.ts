import type { Runtime } from '../runtime.js';
import type { Output } from './output.js';

export interface ShareFlags {
  open?: boolean;
  copy?: boolean;
  qr?: boolean;
}

/** Why a browser cannot be opened here, if it cannot: over SSH, or on Linux without a display. */
export function browserUnavailable(env: NodeJS.ProcessEnv, platform = process.platform): string | undefined {
  if (env.SSH_CONNECTION || env.SSH_TTY || env.SSH_CLIENT) return 'this is an SSH session';
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display';
  return undefined;
}

/**
 * --open / --copy / --qr: conveniences for a person at a terminal. Best effort: each failure is a
 * warning, never an error, and the link has already been printed.
 */
export async function shareLink(url: string, flags: ShareFlags, out: Output, runtime: Runtime): Promise<void> {
  if (!flags.open && !flags.copy && !flags.qr) return;
  if (!runtime.stdout.isTTY && !runtime.stderr.isTTY) {
    out.warn('--open, --copy and --qr work only in a terminal; the link is printed above.');
    return;
  }
  if (flags.qr) {
    try {
      const { default: QRCode } = await import('qrcode');
      const code = await QRCode.toString(url, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
      out.stderr.write(`\n${code}\n`);
    } catch (error) {
      out.warn(`Could not draw the QR code: ${(error as Error).message}`);
    }
  }
  if (flags.copy) {
    try {
      const { default: clipboard } = await import('clipboardy');
      await clipboard.write(url);
      out.info(`${out.err.symbols.success} Link copied to the clipboard.`);
    } catch {
      out.warn('Could not copy the link: no clipboard is available here (on Linux it needs a display, or wl-copy/xsel).');
    }
  }
  if (flags.open) {
    const reason = browserUnavailable(runtime.env);
    if (reason) {
      out.warn(`Not opening a browser: ${reason}. Send the link above instead.`);
    } else {
      try {
        const { default: open } = await import('open');
        await open(url, { wait: false });
        out.info(`${out.err.symbols.success} Opened the link in the browser.`);
      } catch (error) {
        out.warn(`Could not open a browser: ${(error as Error).message}`);
      }
    }
  }
}
