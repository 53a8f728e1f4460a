import { parseJson } from '../../lib/json.js';
import { errorReply, isJsonContentType, jsonReply, type Reply } from '../http.js';
import type { SessionInput } from '../types.js';
import { type Violation, validateAgainst } from '../validation.js';
import type { ApiRequest, Handler } from './context.js';

const FIELDS = [
  'origin_owner_id',
  'origin_owner_name',
  'categories',
  'provider',
  'provider_version',
  'origin_username',
  'account_id',
  'expires_in',
  'metadata',
  'multiple',
  'label',
  'type',
  'integration_id',
  'connector_profile_id',
] as const;

/** The JSON body, or the 400 StackOne gives for a body it cannot read. */
function jsonBody(req: ApiRequest, now: number): { value: unknown } | { reply: Reply } {
  if (!isJsonContentType(req.headers['content-type'])) {
    return { reply: errorReply(400, now, 'Request body must be JSON (Content-Type: application/json)') };
  }
  const parsed = parseJson(req.rawBody);
  if (!parsed.ok) return { reply: errorReply(400, now, 'Request body is not valid JSON') };
  return { value: parsed.value };
}

function badRequest(violations: Violation[], now: number): Reply {
  return errorReply(400, now, violations.map((v) => v.message).join('; '), {
    data: { statusCode: 400, message: 'Validation failed', errors: violations },
  });
}

export const createSession: Handler = (req, ctx) => {
  const now = ctx.now();
  const body = jsonBody(req, now);
  if ('reply' in body) return body.reply;
  // Only the schema's rules: an empty owner id or an expires_in of 0 is valid there, so it is here.
  const violations = validateAgainst('ConnectSessionCreate', body.value);
  if (violations.length > 0) return badRequest(violations, now);

  // Known fields only, and null means "not given", as the API treats optional nulls.
  const raw = body.value as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  for (const field of FIELDS) if (raw[field] !== undefined && raw[field] !== null) input[field] = raw[field];
  const session = ctx.store.createSession(input as unknown as SessionInput);
  ctx.onSessionCreated(session);
  return jsonReply(201, ctx.store.view(session, true));
};

export const getSession: Handler = (_req, ctx, [id]) => {
  const session = id && /^\d+$/.test(id) ? ctx.store.get(Number(id)) : undefined;
  if (!session) return errorReply(404, ctx.now(), `Connect session ${id ?? ''} not found`);
  return jsonReply(200, ctx.store.view(session));
};

export const authenticateSession: Handler = (req, ctx) => {
  const now = ctx.now();
  const body = jsonBody(req, now);
  if ('reply' in body) return body.reply;
  const violations = validateAgainst('ConnectSessionAuthenticate', body.value);
  if (violations.length > 0) return badRequest(violations, now);
  const token = (body.value as { token: string }).token;
  // A token that is unknown (the empty one too) or expired is a failed authentication, as in StackOne's hub.
  const session = ctx.store.getByToken(token as string);
  if (!session || ctx.store.isExpired(session)) return errorReply(401, now);
  return jsonReply(201, ctx.store.view(session));
};
