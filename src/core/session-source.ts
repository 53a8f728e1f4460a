import { CliError, ExitCode } from '../errors.js';
import { HttpError } from '../api/errors.js';
import type { ConnectSession } from '../api/types.js';

export interface SessionReader {
  getSession(id: string): Promise<ConnectSession>;
  authenticateSession(token: string): Promise<ConnectSession>;
}

/** Statuses that can mean "this deployment has no GET /connect_sessions/{id}" (it is new in 2026). */
const NO_GET = new Set([404, 405, 501]);

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
    return client.authenticateSession(token!);
  };
}
