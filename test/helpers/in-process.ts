import { PassThrough, Writable } from 'node:stream';
import type { Runtime } from '../../src/lib/runtime.js';
import { run } from '../../src/run.js';
import type { Ask } from '../../src/ui/prompts.js';
import { type AskStep, type ScriptedAsk, scriptedAsk } from './ask.js';
import { FakeClock } from './clock.js';
import { OutputWatch } from './output-watch.js';
import type { CliResult } from './process.js';

/** Which streams are terminals: all three with `true`. */
export interface Terminal {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Width of stdout and stderr when they are terminals (default 100). */
  columns?: number;
}

/** A run of the CLI in this process, as tests see it while it runs. */
export interface Running {
  readonly stdout: string;
  readonly stderr: string;
  /** Ctrl-C (SIGINT), a process manager (SIGTERM) or a closed terminal (SIGHUP), as main.ts passes them on. */
  kill(signal?: NodeJS.Signals): void;
}

export interface InProcessOptions {
  /** The whole environment of the run (nothing is inherited from the test process). */
  env?: Record<string, string | undefined>;
  /** The working directory of the run (default: the test process's). */
  cwd?: string;
  /** What stdin holds; it ends after that (default: empty). */
  input?: string;
  tty?: boolean | Terminal;
  /** Drives now/sleep/timers (default: a new one). */
  clock?: FakeClock;
  /** Answers to interactive questions, in order (or an Ask of the test's own). */
  answers?: AskStep[] | Ask;
  onStart?: (run: Running) => void;
  /** Each write to stderr / stdout, as it happens (synchronously). */
  onStderr?: (text: string, run: Running) => void;
  onStdout?: (text: string, run: Running) => void;
}

export interface InProcessResult extends CliResult {
  /** The scripted Ask, when `answers` was a list: which questions were asked. */
  ask?: ScriptedAsk;
}

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns: number | undefined;
  constructor(
    tty: boolean,
    columns: number,
    private readonly onText: (text: string) => void,
  ) {
    super({ decodeStrings: false });
    this.isTTY = tty;
    this.columns = tty ? columns : undefined;
  }
  override _write(chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    this.text += text;
    this.onText(text);
    done();
  }
}

function terminal(tty: InProcessOptions['tty']): Required<Terminal> {
  const all = tty === true;
  const t: Terminal = typeof tty === 'object' ? tty : {};
  return { stdin: all || Boolean(t.stdin), stdout: all || Boolean(t.stdout), stderr: all || Boolean(t.stderr), columns: t.columns ?? 100 };
}

/**
 * Runs `stackone-connect <argv>` through `run(argv, runtime)` in this process: test streams, the
 * given TTY flags and environment, one fake clock, scripted answers. What main.ts adds (signals
 * to the abort signal, the exit code) is mirrored; everything else is the real CLI.
 */
export async function runInProcess(argv: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  const tty = terminal(options.tty);
  const clock = options.clock ?? new FakeClock();
  const controller = new AbortController();
  const handle: Running = {
    get stdout() {
      return stdout.text;
    },
    get stderr() {
      return stderr.text;
    },
    kill(signal = 'SIGTERM') {
      controller.abort(signal);
    },
  };
  const stdout = new Capture(tty.stdout, tty.columns, (text) => options.onStdout?.(text, handle));
  const stderr = new Capture(tty.stderr, tty.columns, (text) => options.onStderr?.(text, handle));
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = tty.stdin;
  // A terminal's stdin stays open; piped input ends after what it holds.
  if (!tty.stdin) stdin.end(options.input ?? '');
  else if (options.input !== undefined) stdin.write(options.input);

  const ask = Array.isArray(options.answers) ? scriptedAsk(options.answers) : options.answers;
  const runtime: Runtime = {
    stdin,
    stdout,
    stderr,
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
    signal: controller.signal,
    now: clock.now,
    sleep: clock.sleep,
    timer: clock.timer,
    random: () => 0.5,
    ...(ask ? { ask } : {}),
  };
  options.onStart?.(handle);
  const code = await run(argv, runtime);
  stdin.destroy();
  return {
    code,
    signal: null,
    stdout: stdout.text,
    stderr: stderr.text,
    ...(Array.isArray(options.answers) ? { ask: ask as ScriptedAsk } : {}),
  };
}

export interface Started extends Running {
  /** Resolves with the first match in the stream as soon as it is written; rejects if the run ends first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<InProcessResult>;
}

/** runInProcess() in the background: for a command that runs until stopped (the emulator) or is played against. */
export function startInProcess(argv: string[], options: InProcessOptions = {}): Started {
  const watch = new OutputWatch(argv.join(' '), 10_000);
  let handle: Running | undefined;
  const exited = runInProcess(argv, {
    ...options,
    onStart: (run) => {
      handle = run;
      options.onStart?.(run);
    },
    onStdout: (text, run) => {
      watch.append('stdout', text);
      options.onStdout?.(text, run);
    },
    onStderr: (text, run) => {
      watch.append('stderr', text);
      options.onStderr?.(text, run);
    },
  }).finally(() => watch.end());
  return {
    get stdout() {
      return watch.output.stdout;
    },
    get stderr() {
      return watch.output.stderr;
    },
    kill: (signal) => handle?.kill(signal),
    waitFor: (stream, pattern, timeoutMs) => watch.waitFor(stream, pattern, timeoutMs),
    exited,
  };
}
