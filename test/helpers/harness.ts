import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { FakeClock } from './clock.js';
import { drive, type Step } from './e2e.js';
import { type InProcessOptions, type InProcessResult, type Running, runInProcess } from './in-process.js';
import { type CliOptions, type CliResult, cleanEnv, killRunningClis, type RunningCli, startCli, tempConfigDir } from './process.js';

export const TEST_KEY = 'v1.eu1.test_key_0123456789abcdef';

/** What a test may pass to one run, in-process or as a process. */
export type RunOptions = InProcessOptions & Omit<CliOptions, 'onStart' | 'onStderr'>;

export interface Harness {
  emulator: Emulator;
  /** The one clock of the in-process runs and of the emulator (in-process harnesses only). */
  clock: FakeClock;
  configDir: string;
  /** STACKONE_BASE_URL, STACKONE_API_KEY and STACKONE_CONFIG_DIR of this harness, plus `extra`. */
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  /** Runs `stackone-connect <args>` against this emulator: in this process, or as the built binary (`{ process: true }`). */
  cli(args: string[], options?: RunOptions): Promise<InProcessResult>;
  /** The built binary against this emulator, running in the background. */
  spawn(args: string[], options?: CliOptions): RunningCli;
  /** Every JSON body the CLI sent to POST /connect_sessions, in order. */
  createBodies(): unknown[];
  /** drive() on this harness's clock: steps are also checked each time the CLI sleeps. */
  drive(run: (options: RunOptions) => Promise<CliResult>, steps: Step[], options?: RunOptions): Promise<CliResult & { fired: number }>;
}

export interface HarnessOptions extends EmulatorOptions {
  /**
   * Runs of the built binary instead of in-process runs (for what only a process shows). The
   * emulator then keeps real time, as the binary does.
   */
  process?: boolean;
}

/**
 * The test environment of a file: one emulator on a free port, a fresh config directory and
 * request log per test, and (in-process) one fake clock shared by the CLI and the emulator.
 * Call at the top level of a test file.
 */
export function useHarness(options: HarnessOptions = {}): Harness {
  const { process: asProcess = false, ...emulatorOptions } = options;
  const clock = new FakeClock();
  const active = new Set<{ kill: () => void; done: Promise<unknown> }>();
  let emulator: Emulator | undefined;
  let config: { dir: string; cleanup: () => void } | undefined;
  const harness: Harness = {
    get emulator() {
      if (!emulator) throw new Error('the emulator is not started yet');
      return emulator;
    },
    get clock() {
      if (asProcess) throw new Error('a process harness keeps real time: it has no fake clock');
      return clock;
    },
    get configDir() {
      config ??= tempConfigDir();
      return config.dir;
    },
    env(extra = {}) {
      return { STACKONE_BASE_URL: harness.emulator.url, STACKONE_API_KEY: TEST_KEY, STACKONE_CONFIG_DIR: harness.configDir, ...extra };
    },
    cli(args, runOptions = {}) {
      const env = harness.env(runOptions.env);
      if (asProcess) {
        const { onStart, onStderr, ...rest } = runOptions;
        return startCli(args, {
          ...rest,
          env,
          onStart: onStart && ((child) => onStart({ stdout: '', stderr: '', kill: (s) => void child.kill(s) })),
          onStderr: onStderr && ((text, child) => onStderr(text, { stdout: '', stderr: '', kill: (s) => void child.kill(s) })),
        }).exited;
      }
      let handle: Running | undefined;
      const done = runInProcess(args, {
        clock,
        ...runOptions,
        env: cleanEnv(env),
        onStart: (r) => {
          handle = r;
          runOptions.onStart?.(r);
        },
      });
      // A run a failed test left waiting must not go on reading (and moving the clock) in the next test.
      const entry = { kill: () => handle?.kill('SIGKILL'), done: done.catch(() => undefined) };
      active.add(entry);
      return done.finally(() => active.delete(entry));
    },
    spawn(args, cliOptions = {}) {
      return startCli(args, { ...cliOptions, env: harness.env(cliOptions.env) });
    },
    createBodies() {
      return harness.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/connect_sessions').map((r) => r.body);
    },
    drive(run, steps, runOptions = {}) {
      return drive(run, steps, runOptions, asProcess ? undefined : clock);
    },
  };
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: TEST_KEY, ...(asProcess ? {} : { now: clock.now }), ...emulatorOptions });
  });
  afterEach(async () => {
    killRunningClis();
    for (const run of active) run.kill();
    await Promise.all([...active].map((run) => run.done));
    clock.onSleep = undefined;
    emulator?.clearRequests();
    emulator?.clearFaults();
    config?.cleanup();
    config = undefined;
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return harness;
}

/** The session id the CLI printed (--json create output, or the human "Session" row). */
export function sessionIdFrom(output: string): number {
  try {
    const parsed = JSON.parse(output.trim().split('\n')[0]!) as { id?: number; session_id?: number };
    const id = parsed.id ?? parsed.session_id;
    if (typeof id === 'number') return id;
  } catch {
    // human output
  }
  const match = /Session\s+(\d+)/.exec(output);
  if (!match) throw new Error(`no session id in output: ${output}`);
  return Number(match[1]);
}

export type { CliResult };
