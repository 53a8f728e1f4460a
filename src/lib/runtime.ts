import type { Ask } from './ask.js';

/** What a command may touch of the process: injected so tests can run commands in-process. */
export interface Runtime {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Where relative paths given by the user (--metadata @file.json) start. */
  cwd: string;
  /** Aborted on Ctrl-C (SIGINT), SIGTERM and SIGHUP, with the signal's name as its reason. */
  signal: AbortSignal;
  /** The clock: every wait, timestamp and timer of a command goes through these three. */
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms` (and every `ms` with `repeat`); returns what cancels it. Never keeps the process alive. */
  timer(ms: number, fn: () => void, options?: { repeat?: boolean }): () => void;
  random(): number;
  /** The questions of interactive mode; default: @inquirer/prompts on stdin and stdout. */
  ask?: Ask;
}

/** The runtime's timer on Node's own timers (main.ts). */
export function nodeTimer(ms: number, fn: () => void, options: { repeat?: boolean } = {}): () => void {
  ms = Math.min(ms, 2 ** 31 - 1); // beyond this setTimeout fires at once; nothing here waits that long
  if (options.repeat) {
    const interval = setInterval(fn, ms);
    interval.unref();
    return () => clearInterval(interval);
  }
  const timeout = setTimeout(fn, ms);
  timeout.unref();
  return () => clearTimeout(timeout);
}

export const VERSION: string = __VERSION__;
export const USER_AGENT = `stackone-connect/${VERSION} (node ${process.version}; ${process.platform} ${process.arch})`;
