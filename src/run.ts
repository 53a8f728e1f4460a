import { CommanderError } from 'commander';
import { CliError, ExitCode, ExitWith } from './errors.js';
import { StoreError } from './store/errors.js';
import { buildProgram } from './cli.js';
import { redactSecrets } from './core/redact.js';
import { sanitizeText } from './core/sanitize.js';
import { envFlag, type Runtime } from './runtime.js';
import { colorLevel, createTheme } from './ui/theme.js';

/** Runs one command line; returns the exit code. Never exits the process: main.ts does. */
export async function run(argv: string[], runtime: Runtime): Promise<number> {
  try {
    await buildProgram(runtime).parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    return report(error, argv, runtime);
  }
}

/** The one place where an error becomes a message and an exit code. */
function report(error: unknown, argv: string[], runtime: Runtime): number {
  if (error instanceof ExitWith) return error.exitCode;
  if (error instanceof CommanderError) {
    // Commander has printed its message (and help) already.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.Ok;
    if (error.code === 'commander.executeSubCommandAsync') return error.exitCode;
    return ExitCode.Usage;
  }
  const theme = createTheme(colorLevel(runtime.stderr, runtime.env, !argv.includes('--no-color')));
  const verbose = argv.includes('--verbose') || envFlag(runtime.env, 'STACKONE_DEBUG');
  const secrets = [runtime.env.STACKONE_API_KEY, flagValue(argv, '--api-key'), flagValue(argv, '--token')];
  const clean = (text: string) => sanitizeText(redactSecrets(text, secrets));
  if (error instanceof StoreError) {
    runtime.stderr.write(`${theme.error(`${theme.symbols.error} ${clean(error.message)}`)}\n`);
    if (error.hint) runtime.stderr.write(`  ${clean(error.hint)}\n`);
    return ExitCode.Error;
  }
  if (error instanceof CliError) {
    runtime.stderr.write(`${theme.error(`${theme.symbols.error} ${clean(error.message)}`)}\n`);
    if (error.suggestion) runtime.stderr.write(`  ${clean(error.suggestion)}\n`);
    if (verbose && error.cause instanceof Error && error.cause.stack) runtime.stderr.write(`${theme.muted(clean(error.cause.stack))}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  runtime.stderr.write(`${theme.error(`${theme.symbols.error} Unexpected error: ${clean(message)}`)}\n`);
  if (verbose && error instanceof Error && error.stack) runtime.stderr.write(`${theme.muted(clean(error.stack))}\n`);
  else runtime.stderr.write('  Run again with --verbose for details.\n');
  return ExitCode.Error;
}

function flagValue(argv: string[], flag: string): string | undefined {
  const index = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (index < 0) return undefined;
  const arg = argv[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}
