import { enableCompileCache } from './compile-cache.js';
import { ExitCode, signalExitCode } from './core/errors.js';
import { envSwitch } from './lib/env.js';
import type { Runtime } from './lib/runtime.js';

/** The process boundary: signals in, exit code out. The only process.exit of the program. */
async function main(argv: string[]): Promise<void> {
  // Loaded only now, so that `--version` below pays for none of it.
  const { abortableSleep, nodeTimer, run } = await import('./program.js');
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C while the first is being handled: leave at once.
    if (controller.signal.aborted) process.exit(signalExitCode(signal));
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal: stop as for SIGTERM (129), saying what stays open, instead of dying silently.
  process.on('SIGHUP', onSignal);
  const runtime: Runtime = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    now: Date.now,
    sleep: abortableSleep,
    timer: nodeTimer,
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
// stderr closed by its reader (`2>&1 >/dev/null | head -c1`): progress and errors have nowhere
// to go, and that must not turn into a crash; the exit code still says what happened.
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
});

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // The commonest question, answered before anything is loaded: the same line commander prints.
  process.stdout.write(`${__VERSION__}\n`);
} else {
  enableCompileCache(process.env);
  // --verbose prints stack traces: map them to the TypeScript sources (the maps ship in dist/).
  if (argv.includes('--verbose') || envSwitch(process.env, 'STACKONE_DEBUG')) process.setSourceMapsEnabled(true);
  // Not a top-level await: the build makes this file CommonJS.
  void main(argv);
}
