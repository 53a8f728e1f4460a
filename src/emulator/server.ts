import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseJson } from '../lib/json.js';
import { checkAccess } from './auth.js';
import { scheduleAutoComplete } from './auto-complete.js';
import { CONTROL_PREFIX, routeControl } from './control.js';
import { FaultPlan, faultReply } from './faults.js';
import { crossOrigin, hostAllowed } from './guard.js';
import {
  emptyReply,
  errorReply,
  headerRecord,
  htmlReply,
  isJsonContentType,
  MAX_BODY_BYTES,
  queryRecord,
  type Reply,
  readBody,
  writeReply,
} from './http.js';
import { problemPage } from './hub/render.js';
import { routeHub } from './hub/routes.js';
import type { ApiContext } from './routes/context.js';
import { routeApi } from './routes/index.js';
import { Schedule } from './schedule.js';
import { Store } from './state.js';
import { Timers } from './timers.js';
import type { ConnectSessionView, Emulator, EmulatorOptions, RecordedRequest } from './types.js';

/** The URL clients should use: a wildcard listen address is reached through loopback. */
function listeningUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** The newest requests kept in the log; older ones are dropped, so a long run stays small. */
export const MAX_RECORDED_REQUESTS = 1000;
/** The part of a body the log keeps; a longer one is kept cut (as text) and marked so. */
export const MAX_RECORDED_BODY_BYTES = 64 * 1024;

/** What the log keeps of a body: all of a small one (parsed when JSON), the start of a large one. */
function recordedBody(rawBody: string): Pick<RecordedRequest, 'body' | 'rawBody' | 'bodyBytes' | 'bodyTruncated'> {
  const bytes = Buffer.byteLength(rawBody);
  if (bytes > MAX_RECORDED_BODY_BYTES) {
    // Cut on a character boundary: the decoder drops a partial trailing character.
    const start = new TextDecoder().decode(Buffer.from(rawBody).subarray(0, MAX_RECORDED_BODY_BYTES), { stream: true });
    return { body: start, rawBody: start, bodyBytes: bytes, bodyTruncated: true };
  }
  const parsed = rawBody === '' ? undefined : parseJson(rawBody);
  return { body: parsed === undefined ? null : parsed.ok ? parsed.value : rawBody, rawBody, bodyBytes: bytes, bodyTruncated: false };
}

/** Sends the status line and headers of the full reply but only half its body, then drops the socket. */
function truncate(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const body = Buffer.from(reply.body);
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length + 1) });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const schedule = new Schedule(options.now ?? Date.now);
  const now = schedule.now;
  const host = options.host ?? '127.0.0.1';
  const timers = new Timers();
  const plan = new FaultPlan(options, now, options.random ?? Math.random);
  let publicUrl = '';
  let allowedHost: (host: string | undefined) => boolean = () => false;
  const store = new Store(now, (token) => `${publicUrl}/hub?token=${encodeURIComponent(token)}`);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const ctx: ApiContext = {
    store,
    now,
    legacy: options.legacy === true,
    onSessionCreated: (session) => scheduleAutoComplete(options.autoComplete, session, store, schedule),
  };

  /** One API request: record it, apply faults, latency, the WAF, auth and the rate limit, route it. */
  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): Promise<string> {
    const method = req.method ?? 'GET';
    const headers = headerRecord(req);
    const query = queryRecord(url.searchParams);
    const record: RecordedRequest = { method, path: url.pathname, query, headers, ...recordedBody(rawBody), status: 0, at: now() };
    requests.push(record);
    if (requests.length > MAX_RECORDED_REQUESTS) requests.splice(0, requests.length - MAX_RECORDED_REQUESTS);
    const send = (reply: Reply): void => {
      record.status = reply.status;
      writeReply(res, reply);
    };

    const fault = plan.take(method, url.pathname);
    // A hung request is ended only by the client giving up, or by close().
    if (fault?.kind === 'hang') return 'hang';
    const wait = plan.latencyMs() + (fault?.kind === 'delay' ? (fault.delayMs ?? 1000) : 0);
    if (wait > 0) await (options.sleep ?? ((ms) => timers.sleep(ms)))(wait);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return 'reset';
    }
    if (fault && (fault.kind === 'status' || fault.kind === 'html' || fault.kind === 'non-json')) {
      send(faultReply(fault, now()));
      return `fault ${fault.kind}`;
    }
    const reply =
      checkAccess(headers, options.apiKey, now()) ??
      plan.rateLimited() ??
      (plan.randomError() ? errorReply(500, now()) : undefined) ??
      routeApi({ method, path: url.pathname, query: url.searchParams, headers, rawBody }, ctx);
    if (fault?.kind === 'truncate') {
      // The request was handled (a session may exist); only the response is lost half way.
      record.status = reply.status;
      truncate(res, reply);
      return 'truncated';
    }
    send(reply);
    return '';
  }

  /**
   * Requests no one but a client of this emulator sends: a Host it does not serve (DNS
   * rebinding), a write to the control API or the hub from a page of another origin, or a control
   * body that is not JSON (what a page can send without a preflight). See guard.ts.
   */
  function refuse(method: string, headers: Record<string, string>, rawBody: string, control: boolean, hub: boolean) {
    if (!allowedHost(headers.host)) {
      const host = headers.host ?? '';
      return {
        status: 403,
        note: 'foreign Host',
        message: `This emulator does not serve the host "${host}". Use ${emulator.url}, or start it with --public-url http://${host} to serve that name.`,
      };
    }
    if (!(control || hub) || method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
    const from = crossOrigin(headers, publicUrl);
    if (from)
      return {
        status: 403,
        note: 'cross-origin',
        message: `Refused ${from}: the emulator takes writes only from its own pages and from clients that are not browsers.`,
      };
    if (control && rawBody.trim() !== '' && !isJsonContentType(headers['content-type'])) {
      return { status: 415, note: 'not JSON', message: 'The control API takes JSON bodies only: send Content-Type: application/json.' };
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    let note = '';
    // Path only: query strings can carry hub tokens, and nothing else here is worth the risk.
    res.once('close', () => {
      const status = res.headersSent ? String(res.statusCode) : '---';
      const ms = Math.round(performance.now() - started);
      options.log?.(`${method} ${url.pathname} ${status} ${ms}ms${note ? ` (${note})` : ''}`);
    });
    try {
      const body = await readBody(req).then(
        (text) => ({ text }),
        () => undefined,
      );
      // The client went away (or would not stop sending): there is nobody to answer.
      if (!body) return void req.socket.destroy();
      schedule.runDue();
      const rawBody = body.text;
      if (rawBody === undefined) {
        note = `body over ${MAX_BODY_BYTES} bytes`;
        return writeReply(
          res,
          errorReply(413, now(), `Request body larger than ${MAX_BODY_BYTES} bytes`, { headers: { connection: 'close' } }),
        );
      }
      const path = url.pathname;
      const control = path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
      const hub = path === '/hub' || path.startsWith('/hub/');
      const refusal = refuse(method, headerRecord(req), rawBody, control, hub);
      if (refusal) {
        note = refusal.note;
        return writeReply(
          res,
          hub ? htmlReply(refusal.status, problemPage('bad-request', refusal.message)) : errorReply(refusal.status, now(), refusal.message),
        );
      }
      if (control) return writeReply(res, routeControl(emulator, store, method, path, rawBody, now()));
      if (hub) return writeReply(res, routeHub(store, method, url, rawBody, now()));
      // Browsers ask for it when they open the hub; it is not an API request.
      if (path === '/favicon.ico') return writeReply(res, emptyReply(204));
      note = await handleApi(req, res, url, rawBody);
    } catch (error) {
      note = `emulator error: ${error instanceof Error ? error.message : String(error)}`;
      writeReply(res, errorReply(500, now()));
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const url = listeningUrl(host, port);
  publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  allowedHost = hostAllowed(host, publicUrl);
  let closing: Promise<void> | undefined;

  /** Every library call first brings the sessions up to the clock, as a request would. */
  const current =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      schedule.runDue();
      return fn(...args);
    };
  /** What the API would answer to GET /connect_sessions/{id} after a change. */
  const viewAfter = (id: number, change: () => unknown): ConnectSessionView => {
    change();
    return store.view(store.get(id)!);
  };

  const emulator: Emulator = {
    url,
    publicUrl,
    port,
    host,
    requests,
    clearRequests: () => void requests.splice(0),
    sessions: current(() => store.all().map((s) => store.view(s, true))),
    session: current((id: number) => {
      const found = store.get(id);
      return found ? store.view(found, true) : undefined;
    }),
    connect: current((id: number, opts?: { provider?: string }) => viewAfter(id, () => store.connect(id, opts?.provider))),
    fail: current((id: number, opts?: { code?: string; description?: string; provider?: string }) =>
      viewAfter(id, () => store.fail(id, opts)),
    ),
    cancel: current((id: number) => viewAfter(id, () => store.cancel(id))),
    startAttempt: current((id: number, opts?: { provider?: string }) => viewAfter(id, () => store.startAttempt(id, opts?.provider))),
    expire: current((id: number) => viewAfter(id, () => store.expire(id))),
    injectFaults: (faults) => plan.inject(faults),
    clearFaults: () => plan.clear(),
    // Destroys every socket too: keep-alive and hung requests would otherwise hold close() open.
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        timers.clearAll();
        schedule.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
  return emulator;
}
