import { errorReply, type Reply } from './http.js';

/**
 * StackOne's request gate: the WAF answers 403 to requests without a User-Agent, then HTTP Basic
 * with the API key as user name and an empty password: `Basic base64("<key>:")`.
 * Returns the refusal, or undefined when the request may pass.
 */
export function checkAccess(headers: Record<string, string>, apiKey: string | undefined, now: number): Reply | undefined {
  if (!headers['user-agent']) return errorReply(403, now);
  const key = basicKey(headers.authorization);
  if (key === undefined || (apiKey !== undefined && key !== apiKey)) return errorReply(401, now);
  return undefined;
}

/**
 * The key of a Basic header: `base64(key + ":")`, as the docs show, or `base64(key)` with no colon,
 * as StackOne's own hub client and example apps send it to the real API. A non-empty password
 * means the client sent something else; undefined for that and anything malformed.
 */
export function basicKey(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(0, colon);
  if (key === '' || (colon >= 0 && colon !== decoded.length - 1)) return undefined;
  return key;
}
