import { HttpError } from '../api/errors.js';
import type { ConnectSession } from '../api/types.js';
import { CliError, ExitCode } from './errors.js';
import { EXPIRY_SKEW_MS } from './expiry.js';

export interface SessionReader {
  getSession(id: string): Promise<ConnectSession>;
  authenticateSession(token: string, id?: string): Promise<ConnectSession>;
}

/** Statuses that can mean "this deployment has no GET /connect_sessions/{id}" (it is new in 2026). */
const NO_GET = new Set([404, 405, 501]);

/**
 * POST /connect_sessions/authenticate refused the session token (401) after the key itself was
 * accepted: the session has expired, or the token is not this session's. Callers that know the
 * session's expiry turn this into "expired" (exit 5); otherwise it is an error (exit 1).
 */
export class TokenRefusedError extends CliError {
  constructor(id: string) {
    super(`The API refused the token of session ${id} (401): the session has expired, or the token is not this session's.`, {
      exitCode: ExitCode.Error,
      suggestion: 'Check --token, or create a new session with `stackone-connect session create`.',
    });
  }
}

/** Whether a refused token is explained by the session's (known) expiry. */
export function refusedForExpiry(error: unknown, expiresAt: number | undefined, now: number): boolean {
  return error instanceof TokenRefusedError && expiresAt !== undefined && now >= expiresAt - EXPIRY_SKEW_MS;
}

export function sessionNotFound(id: string): CliError {
  return new CliError(`Session ${id} not found.`, {
    exitCode: ExitCode.Error,
    suggestion: 'Check the id with `stackone-connect session list`; sessions belong to the project of the API key in use.',
  });
}

/**
 * Reads one session: GET by id, falling back for the rest of the run to
 * POST /connect_sessions/authenticate when the GET is missing and the session's token is known.
 */
export function sessionFetcher(
  client: SessionReader,
  id: string,
  token: string | undefined,
  onFallback?: (status: number) => void,
): () => Promise<ConnectSession> {
  let byToken = false;
  return async () => {
    if (!byToken) {
      try {
        return await client.getSession(id);
      } catch (error) {
        if (!(error instanceof HttpError) || !NO_GET.has(error.status)) throw error;
        if (!token) {
          if (error.status === 404) throw sessionNotFound(id);
          throw new CliError(error.message, {
            exitCode: ExitCode.Error,
            suggestion: 'This deployment cannot read sessions by id: poll a session created on this machine, or pass its --token.',
          });
        }
        byToken = true;
        onFallback?.(error.status);
      }
    }
    try {
      return await client.authenticateSession(token!, id);
    } catch (error) {
      // The key passed (the GET got past auth to a 404/405/501): a 401 here is the token
      // refused, as an expired session's token is. Not an API-key problem (exit 4).
      if (error instanceof HttpError && error.status === 401) throw new TokenRefusedError(id);
      throw error;
    }
  };
}
