import { errorReply, type Reply } from './http.js';

/**
 * StackOne's request gate: the WAF answers 403 to requests without a User-Agent, then HTTP Basic
 * with the API key as user name and an empty password: `Basic base64("<key>:")`.
 * Returns the refusal, or undefined when the request may pass.
 */
export function checkAccess(headers: Record<string, string>, apiKey: string | undefined, now: number): Reply | undefined {
  if (!headers['user-agent']) return errorReply(403, now);
  const key = basicKey(headers['authorization']);
  if (key === undefined || (apiKey !== undefined && key !== apiKey)) return errorReply(401, now);
  return undefined;
}

/** The key of a well-formed `Basic base64(key + ":")` header; undefined for anything else. */
export function basicKey(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // No colon means the client encoded the bare key; a password means it sent something else.
  if (colon <= 0 || colon !== decoded.length - 1) return undefined;
  return decoded.slice(0, colon);
}
