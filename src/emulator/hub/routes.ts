import { htmlReply, type Reply } from '../http.js';
import type { SessionRecord, Store } from '../state.js';
import { hubPage, problemPage, resultPage } from './render.js';

/** The session behind a token, or the page that says why there is none. */
function sessionFor(store: Store, token: string | null): SessionRecord | Reply {
  const session = token ? store.getByToken(token) : undefined;
  if (!session) return htmlReply(404, problemPage('invalid'));
  if (store.isExpired(session)) return htmlReply(410, problemPage('expired'));
  return session;
}

/**
 * The page at each auth_link_url (`GET /hub?token=…`) and its form (`POST /hub/attempt`, fields
 * token, provider, action = connect | fail | cancel). Plain HTML forms, so it works without JS.
 */
export function routeHub(store: Store, method: string, url: URL, rawBody: string, now: number): Reply {
  if (url.pathname === '/hub' && (method === 'GET' || method === 'HEAD')) {
    const found = sessionFor(store, url.searchParams.get('token'));
    if (!('id' in found)) return found;
    return htmlReply(200, hubPage(found, store.offeredProviders(found), now));
  }
  if (url.pathname === '/hub/attempt' && method === 'POST') {
    const form = new URLSearchParams(rawBody);
    const found = sessionFor(store, form.get('token'));
    if (!('id' in found)) return found;
    const provider = form.get('provider') || undefined;
    if (provider && !store.offeredProviders(found).includes(provider)) {
      return htmlReply(400, problemPage('bad-request', `This session cannot connect ${provider}.`));
    }
    const action = form.get('action');
    const attempt =
      action === 'connect'
        ? store.connect(found.id, provider)
        : action === 'fail'
          ? store.fail(found.id, { provider })
          : action === 'cancel'
            ? store.cancel(found.id, provider)
            : undefined;
    if (!attempt) return htmlReply(400, problemPage('bad-request', 'action must be one of connect, fail, cancel.'));
    return htmlReply(200, resultPage(found, attempt));
  }
  return htmlReply(404, problemPage('bad-request', `No hub page at ${method} ${url.pathname}.`));
}
