import { ExitCode, signalExitCode } from './core/errors.js';
import { abortableSleep } from './lib/sleep.js';
import { run } from './run.js';
import { nodeTimer, type Runtime } from './lib/runtime.js';

/** The process boundary: signals in, exit code out. The only process.exit of the program. */
async function main(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C while the first is being handled: leave at once.
    if (controller.signal.aborted) process.exit(signalExitCode(signal));
    controller.abort(signal);
  };
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
  const code = await run(process.argv.slice(2), runtime);
  // Let piped stdout drain before leaving: process.exit does not wait for it.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

await main();
