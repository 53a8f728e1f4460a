import type { Environment } from '../lib/env.js';
import type { Runtime } from '../lib/runtime.js';
import { safeJson, sanitizeLine } from '../lib/text.js';
import { colorLevel, createTheme, type Theme } from './theme.js';

export type OutputMode = 'human' | 'json' | 'quiet';

/** A command's result in its three forms; only the one the user asked for is printed. */
export interface Result {
  human: () => string;
  json: unknown;
  /** --quiet: the one essential value, or nothing. */
  quiet: string | undefined;
}

/** stdout carries results; progress, warnings and errors go to stderr. */
export class Output {
  readonly mode: OutputMode;
  /** Colours for stdout and for stderr: either may be a TTY while the other is piped. */
  readonly theme: Theme;
  readonly errTheme: Theme;
  readonly #runtime: Runtime;
  readonly #verbose: boolean;

  constructor(runtime: Runtime, env: Environment, options: { json: boolean; quiet: boolean; color: boolean; verbose: boolean }) {
    this.#runtime = runtime;
    this.mode = options.json ? 'json' : options.quiet ? 'quiet' : 'human';
    this.theme = createTheme(colorLevel(runtime.stdout, env, options.color));
    this.errTheme = createTheme(colorLevel(runtime.stderr, env, options.color));
    this.#verbose = options.verbose;
  }

  get stderrIsTTY(): boolean {
    return Boolean(this.#runtime.stderr.isTTY);
  }

  result(result: Result): void {
    if (this.mode === 'json') this.#runtime.stdout.write(`${safeJson(result.json)}\n`);
    else if (this.mode === 'quiet') {
      if (result.quiet) this.#runtime.stdout.write(`${result.quiet.split('\n').map(sanitizeLine).join('\n')}\n`);
    } else this.#runtime.stdout.write(ensureNewline(result.human()));
  }

  /** Progress and notes on stderr; --quiet silences them. */
  info(text: string): void {
    if (this.mode !== 'quiet') this.#runtime.stderr.write(ensureNewline(text));
  }

  /** Why a command ends non-zero, when no error says it: on stderr, --quiet or not. */
  problem(text: string): void {
    this.#runtime.stderr.write(`${this.errTheme.error(`${this.errTheme.symbols.error} ${text}`)}\n`);
  }

  warn(text: string): void {
    this.#runtime.stderr.write(`${this.errTheme.warning(`${this.errTheme.symbols.warning} ${text}`)}\n`);
  }

  /** --verbose traces; callers never pass keys, tokens or links. */
  trace(text: string): void {
    if (this.#verbose) this.#runtime.stderr.write(`${this.errTheme.muted(text)}\n`);
  }

  get verbose(): boolean {
    return this.#verbose;
  }

  /** Raw stderr, for the spinner. */
  get stderr(): Runtime['stderr'] {
    return this.#runtime.stderr;
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
