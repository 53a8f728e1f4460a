import { CliError, ExitCode } from '../errors.js';
import { sanitizeLine } from '../core/sanitize.js';

/** The API answered with an error status. The server's `message` is kept. */
export class HttpError extends CliError {
  readonly status: number;
  readonly serverMessage: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, serverMessage: string | undefined, retryAfterMs: number | undefined, context: string) {
    const auth = status === 401 || status === 403;
    super(describeStatus(status, serverMessage, context), {
      exitCode: auth ? ExitCode.Auth : ExitCode.Error,
      suggestion: suggestionFor(status),
    });
    this.status = status;
    this.serverMessage = serverMessage;
    this.retryAfterMs = retryAfterMs;
  }
}

/** No usable HTTP answer: refused, reset, DNS, TLS or a request that outlived its timeout. */
export class NetworkError extends CliError {
  readonly code: string;
  constructor(code: string, detail: string, origin: string) {
    super(`Could not reach ${origin}: ${detail}`, {
      suggestion:
        code === 'ECONNREFUSED'
          ? 'Check --base-url / STACKONE_BASE_URL, and that the server (or `stackone-connect emulator`) is running.'
          : 'Check your network connection and proxy settings (HTTPS_PROXY, NO_PROXY).',
    });
    this.code = code;
  }
  /** The server cannot have seen the request: safe to send again, even a create. */
  get refused(): boolean {
    return this.code === 'ECONNREFUSED';
  }
}

/** An answer this tool cannot use: not JSON, truncated, or missing a field the command needs. */
export class BadResponseError extends CliError {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message, { suggestion: 'Run with --verbose to see the request; a proxy may be answering in the API\'s place.' });
    this.status = status;
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 412: 'Precondition Failed', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function describeStatus(status: number, serverMessage: string | undefined, context: string): string {
  const reason = REASONS[status] ?? 'Error';
  const detail = serverMessage && serverMessage !== reason ? `: ${sanitizeLine(serverMessage)}` : '';
  if (status === 401) return `The API key was rejected (${status} ${reason}${detail}).`;
  if (status === 403) return `The API key is not allowed to do this (${status} ${reason}${detail}).`;
  return `${context} failed: ${status} ${reason}${detail}`;
}

function suggestionFor(status: number): string | undefined {
  if (status === 401 || status === 403)
    return 'Check the key with `stackone-connect auth status`, or store a new one with `stackone-connect auth login`.';
  if (status === 429) return 'The API key is over its rate limit (1,000 requests a minute); wait and try again.';
  if (status >= 500) return 'StackOne had a problem answering; try again in a moment.';
  return undefined;
}

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The error code of a failed fetch: undici puts the system error in `cause` (sometimes nested). */
export function networkCode(error: unknown): { code: string; detail: string } {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const e = current as { name?: string; code?: unknown; message?: string; cause?: unknown };
    if (e.name === 'TimeoutError') return { code: 'ETIMEDOUT', detail: 'the request timed out' };
    if (typeof e.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(e.code)) {
      return { code: e.code, detail: NETWORK_DETAILS[e.code] ?? `${e.code}` };
    }
    current = e.cause;
  }
  // No system error code: the innermost message is the informative one ("bad port", ...).
  let innermost: unknown = error;
  while (innermost instanceof Error && innermost.cause instanceof Error) innermost = innermost.cause;
  const message = innermost instanceof Error ? innermost.message : String(innermost);
  return { code: 'ENETWORK', detail: sanitizeLine(message) };
}

const NETWORK_DETAILS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
  UND_ERR_SOCKET: 'the connection was closed unexpectedly',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server took too long to answer',
  UND_ERR_BODY_TIMEOUT: 'the server took too long to send its answer',
};
