import type { Ora } from 'ora';
import type { Output } from './output.js';

/** Progress on stderr: a spinner on a TTY, otherwise one line per change. --quiet silences it. */
export interface Progress {
  /** The spinner's text (TTY only; elsewhere a line per change goes through note()). */
  update(text: string): void;
  /** A line that stays: above the spinner on a TTY, a plain line elsewhere. --quiet drops it. */
  note(line: string): void;
  /** Like note(), but a warning: printed even with --quiet. */
  alert(line: string): void;
  stop(): void;
}

export async function createProgress(out: Output): Promise<Progress> {
  const plain = (line: string) => out.stderr.write(`${line}\n`);
  if (out.mode === 'quiet') return { update() {}, note() {}, alert: plain, stop() {} };
  if (!out.stderrIsTTY) return { update() {}, note: plain, alert: plain, stop() {} };
  const { default: ora } = await import('ora');
  // discardStdin off: it makes the terminal raw, which stops a job run in the background (SIGTTOU);
  // Ctrl-C stays the terminal's SIGINT, handled like SIGTERM and SIGHUP.
  const spinner: Ora = ora({ stream: out.stderr, discardStdin: false, color: 'cyan' });
  let started = false;
  return {
    update(text) {
      spinner.text = text;
      if (!started) {
        spinner.start();
        started = true;
      }
    },
    // While it spins, ora hooks writes to its stream: it clears the spinner, lets the line through
    // and draws the spinner again below it, in that order.
    note: plain,
    alert: plain,
    stop() {
      if (started) spinner.stop();
      started = false;
    },
  };
}
