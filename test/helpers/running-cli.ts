import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, cleanEnv, type CliResult } from './cli.js';

/**
 * The built binary running in the background: a poll while a browser plays the customer, or the
 * emulator while scripts run against it. Its output can be awaited as it arrives (the link, a
 * reported failure), so tests wait for conditions, never for a fixed time.
 */
export interface RunningCli {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the first match in the stream; rejects if the process ends first or at timeoutMs. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The exit, with everything the process wrote. */
  exited: Promise<CliResult>;
  /** Sends a signal, as Ctrl-C (SIGINT) or a process manager (SIGTERM) would. */
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();

/** Kills whatever a failed test left running (call from afterEach). */
export function killRunningClis(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startCli(args: string[], env: Record<string, string>, options: { timeoutMs?: number } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const output = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  let ended = false;
  // A hang must fail the test with the output so far, not stall the suite.
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);

  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8').on('data', (chunk: string) => {
      output[stream] += chunk;
      for (const listener of listeners) listener();
    });
  }
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      running.delete(child);
      ended = true;
      for (const listener of listeners) listener();
      resolve({ code, signal, stdout: output.stdout, stderr: output.stderr });
    });
  });

  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const done = (): void => {
        listeners.delete(check);
        clearTimeout(timer);
      };
      const check = (): void => {
        const match = pattern.exec(output[stream]);
        if (match) {
          done();
          resolve(match);
        } else if (ended) {
          done();
          reject(new Error(`\`${args.join(' ')}\` ended before its ${stream} matched ${pattern}.\nstdout: ${output.stdout}\nstderr: ${output.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No ${pattern} on the ${stream} of \`${args.join(' ')}\` within ${timeoutMs}ms.\nstdout: ${output.stdout}\nstderr: ${output.stderr}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  return {
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    waitFor,
    exited,
    kill: (signal) => void child.kill(signal),
  };
}
