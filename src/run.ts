import { type Command, CommanderError } from 'commander';
import { BadResponseError, HttpError, NetworkError } from './api/errors.js';
import { buildProgram } from './cli.js';
import { type GlobalFlags, reportContext } from './commands/context.js';
import { CliError, ExitCode, ExitWith, signalExitCode } from './core/errors.js';
import { readEnvironment } from './lib/env.js';
import type { Runtime } from './lib/runtime.js';
import { Interrupted } from './lib/sleep.js';
import { redactSecrets, sanitizeText } from './lib/text.js';
import { StoreError } from './store/errors.js';
import { colorLevel, createTheme } from './ui/theme.js';

/** Runs one command line; returns the exit code. Never exits the process: main.ts does. */
export async function run(argv: string[], runtime: Runtime): Promise<number> {
  const program = buildProgram(runtime);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    return report(error, runtime, program);
  }
}

interface Described {
  message: string;
  hint?: string | undefined;
  code: number;
}

/**
 * What an error means to the user: its message, the fix, the exit code (docs/contract.md, "Exit
 * codes"). Errors of the API and the local state are plain data until here, as in gh's ghcmd.
 */
function describe(error: unknown, bin: string): Described {
  if (error instanceof CliError) return { message: error.message, hint: error.suggestion, code: error.exitCode };
  if (error instanceof HttpError) {
    if (error.status === 401 || error.status === 403) {
      return {
        message: error.message,
        code: ExitCode.Auth,
        hint: `Check the key with \`${bin} auth status\`, or store a new one with \`${bin} auth login\`.`,
      };
    }
    if (error.status === 429)
      return {
        message: error.message,
        code: ExitCode.Error,
        hint: 'The API key is over its rate limit (1,000 requests a minute); wait and try again.',
      };
    return {
      message: error.message,
      code: ExitCode.Error,
      hint: error.status >= 500 ? 'StackOne had a problem answering; try again in a moment.' : undefined,
    };
  }
  if (error instanceof NetworkError) {
    const hint =
      error.code === 'ECONNREFUSED'
        ? `Check --base-url / STACKONE_BASE_URL, and that the server (or \`${bin} emulator\`) is running.`
        : error.delivered
          ? 'Check your network connection and proxy settings (HTTPS_PROXY, NO_PROXY).'
          : 'Nothing was sent. Check your network, DNS and proxy settings (HTTPS_PROXY, NO_PROXY), and --base-url.';
    return { message: error.message, code: ExitCode.Error, hint };
  }
  if (error instanceof BadResponseError) {
    return {
      message: error.message,
      code: ExitCode.Error,
      hint: "Run with --verbose to see the request; a proxy may be answering in the API's place.",
    };
  }
  if (error instanceof StoreError) return { message: error.message, hint: error.hint, code: ExitCode.Error };
  if (error instanceof Interrupted) return { message: 'Interrupted.', code: signalExitCode(error.reason) };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `Unexpected error: ${message}`, hint: 'Run again with --verbose for details.', code: ExitCode.Error };
}

/** The one place where an error becomes a message and an exit code. */
function report(error: unknown, runtime: Runtime, program: Command): number {
  if (error instanceof ExitWith) return error.exitCode;
  if (error instanceof CommanderError) {
    // Commander has printed its message (and help) already, in our style (cli.ts).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.Ok;
    // `help`, `help <command>`: asked for (0); help shown because a subcommand is missing: a usage error (2).
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return ExitCode.Usage;
  }
  // The context the command was given (its flags, the key it used); before that, the program's flags.
  const ctx = reportContext(runtime);
  const env = ctx?.env ?? readEnvironment(runtime.env);
  const flags: GlobalFlags = ctx?.flags ?? program.opts<GlobalFlags>();
  const theme = createTheme(colorLevel(runtime.stderr, env, flags.color !== false));
  const verbose = ctx?.verbose ?? (Boolean(flags.verbose) || env.debug);
  const secrets = [...(ctx?.secrets ?? []), env.apiKey, flags.apiKey];
  const clean = (text: string) => sanitizeText(redactSecrets(text, secrets));
  const bin = ctx?.bin ?? (env.npx ? 'npx stackone-connect' : 'stackone-connect');
  const described = describe(error, bin);
  // Errors raised below the commands name the CLI as `stackone-connect`; under npx, say `npx stackone-connect`.
  const named = (text: string) =>
    bin === 'stackone-connect'
      ? text
      : text.replace(/(?<!npx )\bstackone-connect (?=(?:session|auth|emulator|demo|completion|help)\b)/g, `${bin} `);
  const [message, hint, code] = [named(described.message), described.hint && named(described.hint), described.code];
  runtime.stderr.write(`${theme.error(`${theme.symbols.error} ${clean(message)}`)}\n`);
  if (hint) runtime.stderr.write(`  ${clean(hint)}\n`);
  const stack =
    error instanceof CliError && error.cause instanceof Error
      ? error.cause.stack
      : error instanceof Error && !(error instanceof CliError)
        ? error.stack
        : undefined;
  if (verbose && stack) runtime.stderr.write(`${theme.muted(clean(stack))}\n`);
  return code;
}
