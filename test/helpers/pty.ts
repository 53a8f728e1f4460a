import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import type { Harness } from './harness.js';
import { BIN, cleanEnv } from './process.js';

/** Key sequences as a terminal sends them. */
export const KEYS = {
  enter: '\r',
  up: '\u001b[A',
  down: '\u001b[B',
  space: ' ',
  backspace: '\u007f',
  tab: '\t',
  ctrlC: '\u0003',
} as const;

export interface PtyOptions {
  /** Extra environment over cleanEnv() (no STACKONE_*, no CI, FORCE_COLOR=0). */
  env?: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
  /** Default for waitFor(). */
  waitMs?: number;
}

export interface PtyRun {
  /** Everything drawn so far with escape sequences removed (a stream, not a screen). */
  text(): string;
  raw(): string;
  /**
   * Waits until the pattern is drawn after the end of the previous match (so a test reads the
   * screen in order); fails with what was drawn, never hangs past timeoutMs.
   */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until the rendered screen (not the stream) shows the pattern; resolves with the screen. */
  waitForScreen(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for a question, then answers it: the text typed and Enter (Enter alone: the default). */
  answer(question: string | RegExp, typed?: string): Promise<void>;
  /** Sends keys as typed; for text and KEYS values alike. */
  write(keys: string): void;
  press(key: keyof typeof KEYS, times?: number): void;
  /** Ctrl-C as the terminal sends it: a keystroke in raw mode, SIGINT from the line discipline otherwise. */
  interrupt(): void;
  /** Sends a signal to the process (as `kill` would), not through the terminal. */
  kill(signal: NodeJS.Signals): void;
  /** The exit code; SIGKILLs the process and fails after timeoutMs. */
  exitCode(timeoutMs?: number): Promise<number>;
  /** The screen as a terminal shows it (scrollback and viewport), through a headless xterm. */
  screen(): Promise<string>;
}

const running = new Map<pty.IPty, Promise<unknown>>();

/**
 * Kills whatever a failed test left running, and waits until it is gone so that it sends no more
 * requests into the next test: call from afterEach.
 */
export async function killAllPtys(): Promise<void> {
  const gone = [...running].map(([child, exited]) => {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
    return exited;
  });
  running.clear();
  await Promise.race([Promise.all(gone), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
}

/** With PTY_SCREEN_DIR set, keeps a final screen as <name>.txt there (to review how the UI looks). */
export function keepScreen(name: string, screen: string): void {
  const dir = process.env.PTY_SCREEN_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.txt`), `${screen}\n`);
}

/** The environment of a run against the harness's emulator, with its temporary config dir. */
export function harnessEnv(h: Harness, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return h.env(extra);
}

/** Runs the built binary (`node bin/stackone-connect.js ...`) in a pseudo-terminal. */
export function spawnPty(args: string[], options: PtyOptions = {}): PtyRun {
  return start(process.execPath, [BIN, ...args], options);
}

/**
 * Runs a bash script in a pseudo-terminal, where `cli` runs the built binary: for the CLI with
 * only some of its streams on the terminal (`cli session create | cat`, `cli ... < /dev/null`).
 */
export function spawnShellPty(script: string, options: PtyOptions = {}): PtyRun {
  const env = { ...options.env, CLI_NODE: process.execPath, CLI_BIN: BIN };
  return start('bash', ['--noprofile', '--norc', '-c', `cli() { "$CLI_NODE" "$CLI_BIN" "$@"; }\n${script}`], { ...options, env });
}

/** Runs any program in a pseudo-terminal (an interactive shell, for completion tests). */
export function spawnTerminal(file: string, args: string[], options: PtyOptions = {}): PtyRun {
  return start(file, args, options);
}

type Exit = { exitCode: number; signal?: number };

function start(file: string, args: string[], options: PtyOptions): PtyRun {
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 40;
  const env = cleanEnv({ TERM: 'xterm-256color', ...options.env });
  const child = pty.spawn(file, args, { name: 'xterm-256color', cols, rows, env: env as Record<string, string> });

  const term = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  let raw = '';
  let searchFrom = 0;
  let exit: Exit | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };

  // Waiters look again whenever the terminal has drawn (xterm parses asynchronously) or exited.
  child.onData((data) => {
    raw += data;
    term.write(data, notify);
  });
  const exited = new Promise<Exit>((resolve) => {
    child.onExit((event) => {
      exit = event;
      running.delete(child);
      term.write('', notify);
      resolve(event);
    });
  });
  running.set(child, exited);
  const text = () => stripVTControlCharacters(raw).replace(/\r/g, '');
  const screenNow = () => {
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines.join('\n');
  };

  /** Resolves with what find() returns once it returns something; fails on exit or timeout. */
  const waitUntil = <T>(find: () => T | undefined, what: string, shown: () => string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (exit) {
          done();
          reject(new Error(`the process exited (${exit.exitCode}) before ${what} was drawn; it drew:\n${shown()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what} was not drawn within ${timeoutMs} ms; the terminal shows:\n${shown()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const run: PtyRun = {
    text,
    raw: () => raw,
    waitFor(pattern, timeoutMs = options.waitMs ?? 8000) {
      return waitUntil(
        () => {
          const haystack = text().slice(searchFrom);
          const match =
            typeof pattern === 'string'
              ? haystack.includes(pattern)
                ? { index: haystack.indexOf(pattern), text: pattern }
                : undefined
              : (() => {
                  const m = pattern.exec(haystack);
                  return m ? { index: m.index, text: m[0] } : undefined;
                })();
          if (!match) return undefined;
          searchFrom += match.index + match.text.length;
          return match.text;
        },
        String(pattern),
        () => text().slice(-1500),
        timeoutMs,
      );
    },
    waitForScreen(pattern, timeoutMs = options.waitMs ?? 8000) {
      return waitUntil(
        () => {
          const screen = screenNow();
          const found = typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen);
          return found ? screen : undefined;
        },
        String(pattern),
        () => screenNow().split('\n').slice(-15).join('\n'),
        timeoutMs,
      );
    },
    async answer(question, typed = '') {
      await run.waitFor(question);
      child.write(`${typed}${KEYS.enter}`);
    },
    write(keys) {
      child.write(keys);
    },
    press(key, times = 1) {
      for (let i = 0; i < times; i++) child.write(KEYS[key]);
    },
    interrupt() {
      child.write(KEYS.ctrlC);
    },
    kill(signal) {
      child.kill(signal);
    },
    async exitCode(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`the process did not exit within ${timeoutMs} ms; the terminal shows:\n${text().slice(-1500)}`));
        }, timeoutMs);
      });
      try {
        return (await Promise.race([exited, late])).exitCode;
      } finally {
        clearTimeout(timer);
      }
    },
    async screen() {
      await new Promise<void>((resolve) => term.write('', resolve));
      return screenNow();
    },
  };
  return run;
}
