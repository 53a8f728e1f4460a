import { errorReply, type Reply } from '../http.js';
import { getAccount, listAccounts, notImplemented } from './accounts.js';
import { authenticateSession, createSession, getSession } from './connect-sessions.js';
import { getConnector, listConnectors } from './connectors.js';
import type { ApiContext, ApiRequest, Handler } from './context.js';

interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
  /** Absent from older deployments (the `legacy` option). */
  recent?: boolean;
}

// Exact paths come before patterns, so GET /connect_sessions/authenticate is a 405, not a lookup.
const ROUTES: Route[] = [
  { pattern: /^\/connect_sessions$/, methods: { POST: createSession } },
  { pattern: /^\/connect_sessions\/authenticate$/, methods: { POST: authenticateSession } },
  { pattern: /^\/connect_sessions\/([^/]+)$/, methods: { GET: getSession }, recent: true },
  { pattern: /^\/accounts$/, methods: { GET: listAccounts } },
  { pattern: /^\/accounts\/([^/]+)$/, methods: { GET: getAccount, PATCH: notImplemented, DELETE: notImplemented } },
  { pattern: /^\/connectors\/meta$/, methods: { GET: listConnectors } },
  { pattern: /^\/connectors\/meta\/([^/]+)$/, methods: { GET: getConnector } },
];

function decode(values: string[]): string[] | undefined {
  try {
    return values.map((v) => decodeURIComponent(v));
  } catch {
    return undefined;
  }
}

/** Dispatches an authenticated API request: 404 for unknown paths, 405 for a wrong method. */
export function routeApi(req: ApiRequest, ctx: ApiContext): Reply {
  const notFound = (): Reply => errorReply(404, ctx.now(), `Cannot ${req.method} ${req.path}`);
  for (const route of ROUTES) {
    if (route.recent && ctx.legacy) continue;
    const match = route.pattern.exec(req.path);
    if (!match) continue;
    const handler = route.methods[req.method];
    if (!handler) {
      return errorReply(405, ctx.now(), `Cannot ${req.method} ${req.path}`, {
        headers: { allow: Object.keys(route.methods).join(', ') },
      });
    }
    const params = decode(match.slice(1));
    return params ? handler(req, ctx, params) : notFound();
  }
  return notFound();
}
