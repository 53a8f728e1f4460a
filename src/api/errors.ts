import { STATUS_CODES } from 'node:http';
import { sanitizeLine } from '../lib/text.js';

/**
 * What went wrong talking to the API, as plain data: the status, the server's message, when to
 * try again, and whether the request may have reached the server. Which exit code and hint each
 * gets is decided where errors are reported (run.ts).
 */

/** The API answered with an error status. The server's `message` is kept. */
export class HttpError extends Error {
  readonly status: number;
  readonly serverMessage: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** What was being done: "Creating the connect session". */
  readonly operation: string;
  /** An answer came back: the request reached the server. */
  readonly delivered = true;

  constructor(status: number, serverMessage: string | undefined, retryAfterMs: number | undefined, operation: string) {
    super(describeStatus(status, serverMessage, operation));
    this.name = 'HttpError';
    this.status = status;
    this.serverMessage = serverMessage;
    this.retryAfterMs = retryAfterMs;
    this.operation = operation;
  }
}

/** No usable HTTP answer: DNS, refused, TLS, reset, or a request that outlived its timeout. */
export class NetworkError extends Error {
  readonly code: string;
  readonly host: string;
  /**
   * Whether the request may have reached the server. Nothing can have before the connection
   * (and TLS) was up: a name that does not resolve, a refused or unreachable address, a failed
   * handshake. After that, a reset or a timeout may have come after the server acted.
   */
  readonly delivered: boolean;

  constructor(code: string, detail: string, host: string, delivered: boolean) {
    super(`Could not reach ${host}: ${detail}`);
    this.name = 'NetworkError';
    this.code = code;
    this.host = host;
    this.delivered = delivered;
  }
}

/** An answer this tool cannot use: not JSON, too large, too deep, a redirect, or missing a field the command needs. */
export class BadResponseError extends Error {
  readonly status: number | undefined;
  /** An answer came back: the request reached the server. */
  readonly delivered = true;

  constructor(message: string, status?: number) {
    super(message);
    this.name = 'BadResponseError';
    this.status = status;
  }
}

function describeStatus(status: number, serverMessage: string | undefined, operation: string): string {
  const reason = STATUS_CODES[status] ?? 'Error';
  const detail = serverMessage && serverMessage !== reason ? `: ${sanitizeLine(serverMessage)}` : '';
  if (status === 401) return `The API key was rejected (${status} ${reason}${detail}).`;
  if (status === 403) return `The API key is not allowed to do this (${status} ${reason}${detail}).`;
  return `${operation} failed: ${status} ${reason}${detail}`;
}

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Failures that happen before a request can have left this machine (connect, DNS, TLS). */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'UND_ERR_PRX_TLS',
  'ERR_PROXY_TUNNEL',
]);

const DETAILS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENETDOWN: 'the network is down',
  EPIPE: 'the connection was closed',
  UND_ERR_SOCKET: 'the connection was closed unexpectedly',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server took too long to answer',
  UND_ERR_BODY_TIMEOUT: 'the server took too long to send its answer',
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another name",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate chain is not trusted (self-signed)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate could not be verified",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's TLS certificate could not be verified",
  ERR_SSL_WRONG_VERSION_NUMBER: 'the TLS handshake failed (is it an https:// server?)',
  EPROTO: 'the TLS handshake failed',
};

/** The error code of a failed fetch (undici puts the system error in `cause`, sometimes nested), and whether the request may have been sent. */
export function classifyNetworkError(error: unknown): { code: string; detail: string; delivered: boolean } {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    const e = current as { name?: string; code?: unknown; message?: string; cause?: unknown };
    if (typeof e.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code) && e.code !== 'ABORT_ERR') {
      return { code: e.code, detail: DETAILS[e.code] ?? e.code, delivered: !NOT_SENT.has(e.code) };
    }
    if (typeof e.message === 'string' && /^Proxy response \(\d+\) !== 200 when HTTP Tunneling/.test(e.message)) {
      return { code: 'ERR_PROXY_TUNNEL', detail: `the proxy refused the tunnel (${sanitizeLine(e.message)})`, delivered: false };
    }
    current = e.cause;
  }
  // No system error code: the innermost message is the informative one ("bad port", ...).
  let innermost: unknown = error;
  while (innermost instanceof Error && innermost.cause instanceof Error) innermost = innermost.cause;
  const message = innermost instanceof Error ? innermost.message : String(innermost);
  // fetch refuses a port of its block list (1, 9, 25, 6000 ...) before it opens a connection.
  if (message === 'bad port') return { code: 'ERR_BAD_PORT', detail: 'bad port (fetch does not connect to it)', delivered: false };
  return { code: 'ENETWORK', detail: sanitizeLine(message), delivered: true };
}
