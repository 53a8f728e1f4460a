import type { Command } from 'commander';
import { parseBoundedDuration } from '../core/durations.js';
import { type ExitCodeValue, ExitWith, UsageError } from '../core/errors.js';
import { type Environment, readEnvironment } from '../lib/env.js';
import type { Runtime } from '../lib/runtime.js';
import { configDir } from '../store/config-dir.js';
import { Output } from '../ui/output.js';

/** The global flags (docs/contract.md, "Global flags and environment"), as commander parsed them. */
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

/** Everything a command needs of the run, built once (in a commander hook) before its action. */
export interface CommandContext {
  runtime: Runtime;
  flags: GlobalFlags;
  /** The environment variables the CLI reads, read once. */
  env: Environment;
  out: Output;
  /** gh's CanPrompt: stdin and stdout are TTYs and nothing disabled prompting. */
  canPrompt: boolean;
  verbose: boolean;
  configDir: string;
  requestTimeoutMs: number;
  /** The key in use, session tokens: never printed, and redacted from any error that quotes them. */
  secrets: Set<string>;
  /** The command as the user runs it, for hints: `stackone-connect`, or `npx stackone-connect` under npx. */
  bin: string;
  /** The API of this run is gone when it ends (the demo's emulator): no hint to come back to it. */
  ephemeral?: boolean;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const MAX_REQUEST_TIMEOUT_MS = 10 * 60_000;

/** The context of the command about to run, kept for the error report once it has run (run.ts). */
const contexts = new WeakMap<Runtime, CommandContext>();

/** What the error report knows of the run: the context, once built, else the raw flags. */
export function reportContext(runtime: Runtime): CommandContext | undefined {
  return contexts.get(runtime);
}

/** Builds the context for `command` (its own flags and the program's): the preAction hook of cli.ts. */
export function buildContext(command: Command, runtime: Runtime): CommandContext {
  const flags = command.optsWithGlobals<GlobalFlags>();
  const env = readEnvironment(runtime.env);
  const verbose = Boolean(flags.verbose) || env.debug;
  const secrets = new Set<string>([flags.apiKey, env.apiKey].filter((s): s is string => Boolean(s)));
  const context: CommandContext = {
    runtime,
    flags,
    env,
    out: new Output(runtime, env, { json: Boolean(flags.json), quiet: Boolean(flags.quiet), color: flags.color !== false, verbose }),
    canPrompt: flags.input !== false && !env.noInput && Boolean(runtime.stdin.isTTY) && Boolean(runtime.stdout.isTTY),
    verbose,
    configDir: configDir(env),
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    secrets,
    bin: env.npx ? 'npx stackone-connect' : 'stackone-connect',
  };
  // Kept before the checks below, so that their errors are reported in the run's own style.
  contexts.set(runtime, context);
  if (flags.json && flags.quiet)
    throw new UsageError('--json and --quiet cannot be used together.', 'Pick one: --json for a JSON object, --quiet for the value alone.');
  if (flags.requestTimeout !== undefined) {
    context.requestTimeoutMs = parseBoundedDuration(flags.requestTimeout, '--request-timeout', {
      min: 1,
      max: MAX_REQUEST_TIMEOUT_MS,
      examples: '500ms, 10s or 1m',
    });
  }
  return context;
}

/** The context the hook built for this run. */
export function commandContext(command: Command, runtime: Runtime): CommandContext {
  return contexts.get(runtime) ?? buildContext(command, runtime);
}

/**
 * A commander action that returns an exit code: commander's actions return nothing, so a
 * non-zero code travels to main.ts as ExitWith (the result has been printed already).
 */
export function action<A extends unknown[]>(
  // biome-ignore lint/suspicious/noConfusingVoidType: an action returns its exit code, or nothing for 0
  fn: (this: Command, ...args: A) => Promise<number | void>,
): (this: Command, ...args: A) => Promise<void> {
  return async function (this: Command, ...args: A) {
    const code = await fn.apply(this, args);
    if (typeof code === 'number' && code !== 0) throw new ExitWith(code as ExitCodeValue);
  };
}
