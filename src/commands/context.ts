import type { Command } from 'commander';
import { ExitWith, UsageError, type ExitCodeValue } from '../errors.js';
import { envFlag, type Runtime } from '../runtime.js';
import { parseDurationMs } from '../core/durations.js';
import { configDir } from '../store/config-dir.js';
import { Output } from '../ui/output.js';

/** The global flags (cli-contract.md, "Global flags and environment"), as commander parsed them. */
export interface GlobalFlags {
  profile?: string;
  apiKey?: string;
  baseUrl?: string;
  json?: boolean;
  quiet?: boolean;
  input?: boolean;
  color?: boolean;
  verbose?: boolean;
  requestTimeout?: string;
}

export interface CommandContext {
  runtime: Runtime;
  flags: GlobalFlags;
  out: Output;
  /** gh's CanPrompt: stdin and stdout are TTYs and nothing disabled prompting. */
  canPrompt: boolean;
  verbose: boolean;
  configDir: string;
  requestTimeoutMs: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function commandContext(command: Command, runtime: Runtime): CommandContext {
  const flags = command.optsWithGlobals<GlobalFlags>();
  const { env } = runtime;
  if (flags.json && flags.quiet) throw new UsageError('--json and --quiet cannot be used together.', 'Pick one: --json for a JSON object, --quiet for the value alone.');
  const verbose = Boolean(flags.verbose) || envFlag(env, 'STACKONE_DEBUG');
  const canPrompt =
    flags.input !== false &&
    !envFlag(env, 'STACKONE_NO_INPUT') &&
    !envFlag(env, 'CI') &&
    Boolean(runtime.stdin.isTTY) &&
    Boolean(runtime.stdout.isTTY);
  let requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  if (flags.requestTimeout !== undefined) {
    const ms = parseDurationMs(flags.requestTimeout);
    if (ms === undefined || ms <= 0) {
      throw new UsageError(`Invalid value "${flags.requestTimeout}" for --request-timeout.`, 'Use a duration such as 500ms, 10s or 1m.');
    }
    requestTimeoutMs = ms;
  }
  return {
    runtime,
    flags,
    out: new Output(runtime, { json: Boolean(flags.json), quiet: Boolean(flags.quiet), color: flags.color !== false, verbose }),
    canPrompt,
    verbose,
    configDir: configDir(env),
    requestTimeoutMs,
  };
}

/**
 * A commander action that returns an exit code: commander's actions return nothing, so a
 * non-zero code travels to main.ts as ExitWith (the result has been printed already).
 */
export function action<A extends unknown[]>(
  fn: (this: Command, ...args: A) => Promise<number | void>,
): (this: Command, ...args: A) => Promise<void> {
  return async function (this: Command, ...args: A) {
    const code = await fn.apply(this, args);
    if (typeof code === 'number' && code !== 0) throw new ExitWith(code as ExitCodeValue);
  };
}
