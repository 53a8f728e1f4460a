import { htmlReply, type Reply } from '../http.js';
import { EmulatorStateError, type SessionRecord, type Store } from '../state.js';
import { hubHref, hubPage, problemPage, resultPage } from './render.js';

/** The session behind a token, or the page that says why there is none. */
function sessionFor(store: Store, token: string | null): SessionRecord | Reply {
  const session = token ? store.getByToken(token) : undefined;
  if (!session) return htmlReply(404, problemPage('invalid'));
  if (store.isExpired(session)) return htmlReply(410, problemPage('expired'));
  return session;
}

/** After a POST, the page to show is fetched with GET: reloading it sends nothing again. */
function seeOther(location: string): Reply {
  return { status: 303, body: '', headers: { location, 'cache-control': 'no-store' } };
}

const resultHref = (token: string): string => `/hub/result?token=${encodeURIComponent(token)}`;

function page(store: Store, session: SessionRecord, now: number, status = 200, problem?: string): Reply {
  const fixed = store.fixedProvider(session) !== undefined;
  return htmlReply(status, hubPage(session, { providers: store.offeredProviders(session), fixed, now, ...(problem ? { problem } : {}) }));
}

/**
 * The page at each auth_link_url (`GET /hub?token=…`), its form (`POST /hub/attempt`, fields
 * token, provider, action = connect | fail | cancel) and the result (`GET /hub/result?token=…`),
 * reached by a 303 after the form (post/redirect/get). Plain HTML forms: it works without JS.
 */
export function routeHub(store: Store, method: string, url: URL, rawBody: string, now: number): Reply {
  const reading = method === 'GET' || method === 'HEAD';
  if (url.pathname === '/hub' && reading) {
    const found = sessionFor(store, url.searchParams.get('token'));
    return 'id' in found ? page(store, found, now) : found;
  }
  if (url.pathname === '/hub/result' && reading) {
    const token = url.searchParams.get('token');
    const session = token ? store.getByToken(token) : undefined;
    // A customer who connected sees so even once the link has expired.
    if (session?.attempt?.status === 'authenticated') return htmlReply(200, resultPage(session, session.attempt));
    const found = sessionFor(store, token);
    if (!('id' in found)) return found;
    const attempt = found.attempt;
    return attempt && attempt.status !== 'pending' ? htmlReply(200, resultPage(found, attempt)) : seeOther(hubHref(found.token));
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
    if (action === 'connect' && !provider && store.fixedProvider(found) === undefined) {
      return page(store, found, now, 400, 'Choose the software to connect, then click Connect.');
    }
    try {
      if (action === 'connect') store.connect(found.id, provider);
      else if (action === 'fail') store.fail(found.id, { provider });
      else if (action === 'cancel') store.cancel(found.id, provider);
      else return htmlReply(400, problemPage('bad-request', 'action must be one of connect, fail, cancel.'));
    } catch (error) {
      // Fail or Cancel from a page opened before the customer connected elsewhere: connected stays.
      if (error instanceof EmulatorStateError && error.status === 409 && found.attempt) {
        return htmlReply(409, resultPage(found, found.attempt));
      }
      throw error;
    }
    return seeOther(resultHref(found.token));
  }
  return htmlReply(404, problemPage('bad-request', `No hub page at ${method} ${url.pathname}.`));
}
