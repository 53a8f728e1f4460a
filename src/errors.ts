/** Exit codes are part of the contract (cli-contract.md, "Exit codes"). */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  Usage: 2,
  AttemptFailed: 3,
  Auth: 4,
  Expired: 5,
  Pending: 8,
  Interrupted: 130,
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

/** Ctrl-C, at a prompt or while waiting (exit 130). */
export class CancelledError extends CliError {
  constructor(message = 'Interrupted.', suggestion?: string) {
    super(message, { exitCode: ExitCode.Interrupted, suggestion });
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
