/** Exit codes are part of the contract (docs/contract.md, "Exit codes"). */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  /** Bad or missing flags or values, or the summary was declined: nothing was sent. */
  Usage: 2,
  AttemptFailed: 3,
  Auth: 4,
  Expired: 5,
  Pending: 8,
  /** 128 + the signal's number, as shells and CI runners read it. */
  Hangup: 129,
  Interrupted: 130,
  Terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user can act on: a message, an exit code and, where there is one, the fix. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly suggestion: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCodeValue; suggestion?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? ExitCode.Error;
    this.suggestion = options.suggestion;
  }
}

/** Bad or missing flags or values; nothing was sent (exit 2). */
export class UsageError extends CliError {
  constructor(message: string, suggestion?: string) {
    super(message, { exitCode: ExitCode.Usage, suggestion });
  }
}

/** No API key, or the API answered 401/403 (exit 4). */
export class AuthError extends CliError {
  constructor(message: string, suggestion = 'Run `stackone-connect auth login`, or set STACKONE_API_KEY.') {
    super(message, { exitCode: ExitCode.Auth, suggestion });
  }
}

/** The exit code of a run ended by a signal: 130 for Ctrl-C (SIGINT), 143 for SIGTERM, 129 for SIGHUP. */
export function signalExitCode(signal: unknown): ExitCodeValue {
  return signal === 'SIGTERM' ? ExitCode.Terminated : signal === 'SIGHUP' ? ExitCode.Hangup : ExitCode.Interrupted;
}

/** Ctrl-C (or SIGTERM, SIGHUP), at a prompt or while waiting: 128 + the signal's number. */
export class CancelledError extends CliError {
  constructor(message = 'Interrupted.', suggestion?: string, signal?: unknown) {
    super(message, { exitCode: signalExitCode(signal), suggestion });
  }
}

/** The person said no to the summary of interactive mode: not an interruption; nothing was sent (exit 2). */
export class DeclinedError extends CliError {
  constructor() {
    super('Not created: the summary was declined. Nothing was sent.', {
      exitCode: ExitCode.Usage,
      suggestion: 'Run the command again to start over.',
    });
  }
}

/**
 * Ends a command with an exit code after its result has been printed (poll outcomes 3, 5, 8):
 * there is nothing more to say on stderr.
 */
export class ExitWith extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(exitCode: ExitCodeValue) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}
