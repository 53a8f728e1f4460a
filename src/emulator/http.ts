import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * StackOne's default messages: the `message` examples of the spec's error schemas where it has
 * one (ForbiddenResponse "Forbidden resource", RequestTimedOutResponse "Request timed out", ...),
 * the HTTP reason phrase otherwise.
 */
const MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden resource',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request timed out',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too many requests',
  500: 'Internal server error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function defaultMessage(status: number): string {
  return MESSAGES[status] ?? 'Error';
}

/** What a route handler answers; the server writes it (or mangles it, for faults). */
export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body: JSON.stringify(value), headers: { 'content-type': 'application/json; charset=utf-8', ...headers } };
}

/** `{statusCode, message, timestamp}`, StackOne's error shape; 400 may add `data`. */
export function errorReply(
  status: number,
  timestamp: number,
  message = defaultMessage(status),
  extra: { data?: unknown; headers?: Record<string, string> } = {},
): Reply {
  const body: Record<string, unknown> = { statusCode: status, message, timestamp: new Date(timestamp).toISOString() };
  if (extra.data !== undefined) body.data = extra.data;
  return jsonReply(status, body, extra.headers);
}

export function htmlReply(status: number, html: string): Reply {
  return { status, body: html, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } };
}

export function emptyReply(status = 204): Reply {
  return { status, body: '', headers: {} };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const headers = { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) };
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/** The largest request body read: a connect session body is a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this much, a client still sending is cut off: draining has to end somewhere. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * The whole request body as text, or `undefined` when it is over MAX_BODY_BYTES: the rest is read
 * and dropped (kept nowhere), so the client can be answered 413 rather than see a reset.
 */
export function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAIN_BYTES) {
        req.destroy();
        reject(new Error('body too large to drain'));
      } else if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      } else {
        chunks.length = 0;
      }
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Repeated keys become arrays, as StackOne's array parameters repeat the key. */
export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** JSON text -> value, without throwing. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const type = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}
