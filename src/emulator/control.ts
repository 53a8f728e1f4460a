/**
 * The control API, for tests that drive the emulator from another process. No auth, never
 * recorded, never subject to faults. Errors use StackOne's shape too.
 *
 *   GET    /_emulator/health                       {"ok": true, "url": ...}
 *   GET    /_emulator/requests                     the newest 1000 RecordedRequests; authorization is "Basic <redacted>"
 *   DELETE /_emulator/requests                     204
 *   GET    /_emulator/sessions                     every session, with token and auth_link_url
 *   POST   /_emulator/sessions/{id}/connect        body {"provider"?}                      -> the session
 *   POST   /_emulator/sessions/{id}/fail           body {"code"?, "description"?, "provider"?}
 *   POST   /_emulator/sessions/{id}/cancel         body {}
 *   POST   /_emulator/sessions/{id}/start          body {"provider"?}   (a pending attempt)
 *   POST   /_emulator/sessions/{id}/expire         body {}
 *   POST   /_emulator/faults                       body Fault[] (consumed in order)         204
 *   DELETE /_emulator/faults                       204
 * Unknown session: 404; a connected session asked to fail, cancel or start: 409; expired session:
 * 410; bad body: 400; unknown route: 404; wrong method: 405. Bodies are JSON: server.ts refuses
 * others (415), and writes from another origin or to a Host the emulator does not serve (403).
 */

import { parseJson } from '../lib/json.js';
import { InvalidFaultError } from './faults.js';
import { emptyReply, errorReply, jsonReply, type Reply } from './http.js';
import { EmulatorStateError, type Store } from './state.js';
import type { Emulator, RecordedRequest } from './types.js';

export const CONTROL_PREFIX = '/_emulator';

type Opts = { provider?: string; code?: string; description?: string };

const ACTIONS: Record<string, (emulator: Emulator, id: number, opts: Opts) => void> = {
  connect: (e, id, o) => e.connect(id, pick(o, 'provider')),
  fail: (e, id, o) => e.fail(id, pick(o, 'provider', 'code', 'description')),
  cancel: (e, id) => e.cancel(id),
  start: (e, id, o) => e.startAttempt(id, pick(o, 'provider')),
  expire: (e, id) => e.expire(id),
};

function pick<K extends keyof Opts>(opts: Opts, ...keys: K[]): Pick<Opts, K> {
  const out: Pick<Opts, K> = {} as Pick<Opts, K>;
  for (const key of keys) if (opts[key] !== undefined) out[key] = opts[key];
  return out;
}

/** Over HTTP the key must not leak into logs or test reports: keep only the scheme. */
export function redact(request: RecordedRequest): RecordedRequest {
  const auth = request.headers.authorization;
  if (auth === undefined) return request;
  const scheme = /^\S+/.exec(auth)?.[0] ?? 'Basic';
  return { ...request, headers: { ...request.headers, authorization: `${scheme} <redacted>` } };
}

function parseOpts(rawBody: string): Opts | string {
  if (rawBody.trim() === '') return {};
  const parsed = parseJson(rawBody);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    return 'body must be a JSON object';
  }
  const opts = parsed.value as Record<string, unknown>;
  for (const key of ['provider', 'code', 'description']) {
    if (opts[key] !== undefined && typeof opts[key] !== 'string') return `${key} must be a string`;
  }
  return opts as Opts;
}

export function routeControl(emulator: Emulator, store: Store, method: string, path: string, rawBody: string, now: number): Reply {
  const sub = path.slice(CONTROL_PREFIX.length);
  const wrongMethod = (allow: string): Reply => errorReply(405, now, `Cannot ${method} ${path}`, { headers: { allow } });
  try {
    if (sub === '/health') return method === 'GET' ? jsonReply(200, { ok: true, url: emulator.url }) : wrongMethod('GET');
    if (sub === '/requests') {
      if (method === 'GET') return jsonReply(200, emulator.requests.map(redact));
      if (method === 'DELETE') {
        emulator.clearRequests();
        return emptyReply();
      }
      return wrongMethod('GET, DELETE');
    }
    if (sub === '/sessions') {
      return method === 'GET'
        ? jsonReply(
            200,
            store.all().map((s) => store.view(s, true)),
          )
        : wrongMethod('GET');
    }
    if (sub === '/faults') {
      if (method === 'DELETE') {
        emulator.clearFaults();
        return emptyReply();
      }
      if (method !== 'POST') return wrongMethod('POST, DELETE');
      const parsed = parseJson(rawBody);
      if (!parsed.ok) return errorReply(400, now, 'body must be a JSON array of faults');
      emulator.injectFaults(parsed.value as never);
      return emptyReply();
    }
    const action = /^\/sessions\/(\d+)\/([a-z]+)$/.exec(sub);
    const run = action?.[2] ? ACTIONS[action[2]] : undefined;
    if (action && run) {
      if (method !== 'POST') return wrongMethod('POST');
      const opts = parseOpts(rawBody);
      if (typeof opts === 'string') return errorReply(400, now, opts);
      const id = Number(action[1]);
      run(emulator, id, opts);
      const session = store.get(id);
      return jsonReply(200, session ? store.view(session, true) : null);
    }
    return errorReply(404, now, `No control route ${method} ${path}`);
  } catch (error) {
    if (error instanceof EmulatorStateError) return errorReply(error.status, now, error.message);
    if (error instanceof InvalidFaultError) return errorReply(400, now, error.message);
    throw error;
  }
}
