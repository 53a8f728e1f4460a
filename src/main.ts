import { enableCompileCache } from './compile-cache.js';
import { ExitCode } from './errors.js';
import { envFlag, type Runtime } from './runtime.js';

/** The process boundary: signals in, exit code out. The only process.exit of the program. */
async function main(argv: string[]): Promise<void> {
  // Loaded only now, so that `--version` below pays for none of it.
  const { abortableSleep, run } = await import('./program.js');
  const controller = new AbortController();
  // conf's atomically (through when-exit) sends every SIGINT/SIGTERM back to this process after
  // its own cleanup, expecting to die of it. That echo is not a second Ctrl-C: it must not cut
  // short the first one's message ("stays open; resume with ...").
  let echoes = 0;
  const kill = process.kill.bind(process);
  process.kill = ((pid: number, signal?: string | number) => {
    if (pid === process.pid && (signal === 'SIGINT' || signal === 'SIGTERM')) echoes++;
    return kill(pid, signal);
  }) as typeof process.kill;
  const onSignal = (signal: NodeJS.Signals) => {
    if (echoes > 0) {
      echoes--;
      return;
    }
    // A second Ctrl-C while the first is being handled: leave at once.
    if (controller.signal.aborted) process.exit(ExitCode.Interrupted);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const runtime: Runtime = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
    now: Date.now,
    sleep: abortableSleep,
    random: Math.random,
  };
  const code = await run(argv, runtime);
  // Let piped stdout drain before leaving: process.exit does not wait for it.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

// `stackone-connect ... | head`: a closed pipe is the reader's choice, not our error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.Ok);
  throw error;
});

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // The commonest question, answered before anything is loaded: the same line commander prints.
  process.stdout.write(`${__VERSION__}\n`);
} else {
  enableCompileCache(process.env);
  // --verbose prints stack traces: map them to the TypeScript sources (the maps ship in dist/).
  if (argv.includes('--verbose') || envFlag(process.env, 'STACKONE_DEBUG')) process.setSourceMapsEnabled(true);
  // Not a top-level await: the build makes this file CommonJS.
  void main(argv);
}
