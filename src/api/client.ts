import { STATUS_CODES } from 'node:http';
import { type $Fetch, createFetch } from 'ofetch';
import { parseJson } from '../lib/json.js';
import { abortableSleep, Interrupted } from '../lib/sleep.js';
import { displayUrl, redactKey } from '../lib/text.js';
import { BadResponseError, classifyNetworkError, HttpError, NetworkError, parseRetryAfter } from './errors.js';
import { proxyFetch } from './proxy.js';
import type { ConnectorMeta, ConnectSession, ConnectSessionCreate, ConnectSessionCreated, LinkedAccount } from './types.js';

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  /** Per request, headers and body included. */
  timeoutMs: number;
  /** Ctrl-C: aborts the request in flight (Interrupted, with the signal's reason). */
  signal?: AbortSignal;
  /** --verbose: one line per request and response; never a key, token or body. */
  trace?: (line: string) => void;
  /** Told before each retry of a create (429, or a failure before anything was sent). */
  onRetry?: (reason: string, delayMs: number, attempt: number, of: number) => void;
  proxy?: { https?: string; http?: string; no?: string };
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

type Query = Record<string, string | number | string[] | undefined>;
interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  query?: Query;
  operation: string;
}

/** Create is retried only where StackOne cannot have created anything (docs/contract.md, "Retries"). */
const CREATE_MAX_RETRIES = 5;
const CREATE_MAX_WAIT_MS = 60_000;
const NOT_SENT_MAX_RETRIES = 3;
/** Far above any StackOne answer (a few KB); an endless or decompression-bomb body stops here. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export class StackOneClient {
  readonly baseUrl: string;
  readonly #options: ClientOptions;
  readonly #fetch: $Fetch;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: ClientOptions, fetchImpl: typeof globalThis.fetch = globalThis.fetch) {
    this.#options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#fetch = createFetch({ fetch: fetchImpl }).create({
      baseURL: this.baseUrl,
      retry: false, // retries are decided here and in core/poll.ts, never behind our back
      ignoreResponseError: true,
      responseType: 'stream', // read here, with a size limit
      // StackOne does not redirect: a 3xx is an unexpected answer, never a reason to send the
      // key, a token or a create's body somewhere else.
      redirect: 'manual',
      headers: {
        authorization: `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`,
        accept: 'application/json',
        'user-agent': options.userAgent,
      },
    });
  }

  /**
   * POST /connect_sessions. Never sent twice unless the first cannot have reached the server;
   * `retry: false` sends it once and leaves even those retries to the caller (a campaign paces
   * every row's retries together).
   */
  async createSession(body: ConnectSessionCreate, options: { retry?: boolean } = {}): Promise<ConnectSessionCreated> {
    for (let attempt = 0; ; attempt++) {
      try {
        const data = await this.#request({ method: 'POST', path: '/connect_sessions', body, operation: 'Creating the connect session' });
        return requireCreated(data);
      } catch (error) {
        const delay = options.retry === false ? undefined : createRetryDelay(error, attempt);
        if (delay === undefined) throw error;
        const rateLimited = error instanceof HttpError;
        this.#options.onRetry?.(
          rateLimited ? 'rate limited (429)' : `not sent (${(error as NetworkError).message})`,
          delay,
          attempt + 1,
          rateLimited ? CREATE_MAX_RETRIES : NOT_SENT_MAX_RETRIES,
        );
        await this.#sleep(delay, this.#options.signal);
      }
    }
  }

  async getSession(id: string): Promise<ConnectSession> {
    const data = await this.#request({
      method: 'GET',
      path: `/connect_sessions/${encodeURIComponent(id)}`,
      operation: 'Reading the session',
    });
    return requireSession(data, id);
  }

  /** Exchanges the session token for the session: the polling fallback on older deployments. */
  async authenticateSession(token: string, id?: string): Promise<ConnectSession> {
    const data = await this.#request({
      method: 'POST',
      path: '/connect_sessions/authenticate',
      body: { token },
      operation: 'Reading the session',
    });
    return requireSession(data, id);
  }

  async listAccounts(query: Query = {}): Promise<LinkedAccount[]> {
    const data = await this.#request({ method: 'GET', path: '/accounts', query, operation: 'Listing accounts' });
    if (!Array.isArray(data)) throw new BadResponseError('The API answered GET /accounts with something other than a list.');
    return data as LinkedAccount[];
  }

  async getAccount(id: string): Promise<LinkedAccount> {
    const data = await this.#request({
      method: 'GET',
      path: `/accounts/${encodeURIComponent(id)}`,
      operation: 'Reading the linked account',
    });
    return requireObject(data, 'linked account') as LinkedAccount;
  }

  async listConnectors(query: Query = {}): Promise<ConnectorMeta[]> {
    const data = await this.#request({ method: 'GET', path: '/connectors/meta', query, operation: 'Listing connectors' });
    if (!Array.isArray(data)) throw new BadResponseError('The API answered GET /connectors/meta with something other than a list.');
    return data as ConnectorMeta[];
  }

  async #request(spec: RequestSpec): Promise<unknown> {
    const { trace, signal, timeoutMs } = this.#options;
    const started = this.#now();
    const host = new URL(this.baseUrl).host;
    trace?.(`→ ${spec.method} ${this.baseUrl}${spec.path}${traceQuery(spec.query)} (key ${redactKey(this.#options.apiKey)})`);
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status = 0;
    let headers: Headers | undefined;
    let text: string;
    try {
      const response = await this.#fetch.raw<ReadableStream<Uint8Array> | undefined>(spec.path, {
        method: spec.method,
        body: spec.body as Record<string, unknown> | undefined,
        query: spec.query,
        signal: combined,
      });
      status = response.status;
      headers = response.headers;
      // The body is read inside the same signal: a server that stalls half way is a timeout too.
      text = await readLimited(response._data, headers.get('content-length'));
    } catch (error) {
      if (signal?.aborted) throw new Interrupted(signal.reason);
      if (error instanceof BadResponseError) {
        trace?.(`← ${status} ${spec.method} ${spec.path}: ${error.message}`);
        throw new BadResponseError(error.message, status);
      }
      const failure = timeout.aborted
        ? // Past its time limit the request may well have been handled: it counts as delivered.
          { code: 'ETIMEDOUT', detail: `no complete answer within ${Math.round(timeoutMs / 1000)}s`, delivered: true }
        : classifyNetworkError(error);
      const delivered = failure.delivered || status > 0;
      trace?.(
        `← ${spec.method} ${spec.path} failed after ${this.#now() - started} ms: ${failure.code}${status ? ` (after ${status})` : ''}${delivered ? '' : ' (nothing was sent)'}`,
      );
      throw new NetworkError(failure.code, failure.detail, host, delivered);
    }
    if (status >= 300 && status < 400) {
      const location = headers.get('location');
      const where = location ? ` to ${displayUrl(new URL(location, `${this.baseUrl}/`).toString())}` : '';
      trace?.(`← ${status} ${spec.method} ${spec.path}${where} (${this.#now() - started} ms): not followed`);
      throw new BadResponseError(
        `The API answered ${status} ${STATUS_CODES[status] ?? ''}${where}; StackOne does not redirect, so it was not followed.`.replace(
          ' ;',
          ';',
        ),
        status,
      );
    }
    trace?.(`← ${status} ${spec.method} ${spec.path} (${this.#now() - started} ms)`);

    const parsed = parseJson(text);
    if (status >= 400) {
      const message = parsed.ok ? messageOf(parsed.value) : undefined;
      throw new HttpError(status, message, parseRetryAfter(headers.get('retry-after'), this.#now()), spec.operation);
    }
    if (!parsed.ok) {
      if (parsed.reason === 'depth')
        throw new BadResponseError(`The API answered ${status} with JSON nested too deeply to be a StackOne answer.`, status);
      const type = headers.get('content-type') ?? 'no content type';
      throw new BadResponseError(
        `The API answered ${status} with a body that is not JSON (${type}, ${Buffer.byteLength(text)} bytes).`,
        status,
      );
    }
    return parsed.value;
  }
}

/** The body as text, refused past MAX_RESPONSE_BYTES (counted after decompression). */
async function readLimited(body: ReadableStream<Uint8Array> | undefined, contentLength: string | null): Promise<string> {
  const tooLarge = () =>
    new BadResponseError(
      `The API's answer is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; no StackOne answer is: it was not read.`,
    );
  // Cancelled, not awaited: a cancel can wait on the other side of the stream (a tee), and the
  // answer is refused either way.
  if (contentLength !== null && Number(contentLength) > MAX_RESPONSE_BYTES) {
    body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function createRetryDelay(error: unknown, attempt: number): number | undefined {
  if (error instanceof HttpError && error.status === 429 && attempt < CREATE_MAX_RETRIES) {
    return Math.min(error.retryAfterMs ?? 1000 * 2 ** attempt, CREATE_MAX_WAIT_MS);
  }
  // Nothing was sent (a refused connection is usually a server still starting, a DNS failure a
  // flaky resolver): a short grace, not a long wait.
  if (error instanceof NetworkError && !error.delivered && attempt < NOT_SENT_MAX_RETRIES) return 250 * 2 ** attempt;
  return undefined;
}

/** A session id the CLI can keep: a whole number that a JavaScript number holds exactly. */
export function isSessionId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Only what the command needs is checked (docs/contract.md, "Output"). */
function requireCreated(data: unknown): ConnectSessionCreated {
  const session = requireObject(data, 'created session') as Partial<ConnectSessionCreated>;
  const missing = (['id', 'token', 'auth_link_url'] as const).filter((key) => {
    const value = session[key];
    return key === 'id' ? !isSessionId(value) : typeof value !== 'string' || value === '';
  });
  if (missing.length > 0) {
    throw new BadResponseError(
      `The API created a session but its answer lacks ${missing.map((k) => (k === 'id' ? 'a numeric id' : k)).join(', ')}; the session may exist without a usable link.`,
    );
  }
  return session as ConnectSessionCreated;
}

/** The session asked for: an answer about another one is not an answer. */
function requireSession(data: unknown, id: string | undefined): ConnectSession {
  const session = requireObject(data, 'session') as ConnectSession;
  if (id !== undefined && session.id !== undefined && String(session.id) !== id) {
    throw new BadResponseError(
      `The API answered about session ${isSessionId(session.id) ? session.id : 'with another id'} when asked for session ${id}.`,
    );
  }
  return session;
}

function requireObject(data: unknown, what: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BadResponseError(`The API answered with something other than a ${what} object.`);
  }
  return data as Record<string, unknown>;
}

function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.filter((m) => typeof m === 'string').join('; ');
  return undefined;
}

function traceQuery(query: Query | undefined): string {
  if (!query) return '';
  const entries = Object.entries(query).filter(([, v]) => v !== undefined);
  return entries.length ? `?${entries.map(([k, v]) => `${k}=${String(v)}`).join('&')}` : '';
}

/** The client, with a proxy-aware fetch when HTTPS_PROXY / HTTP_PROXY are set. */
export async function createClient(options: ClientOptions): Promise<StackOneClient> {
  const fetchImpl = await proxyFetch(options.proxy ?? {});
  return new StackOneClient(options, fetchImpl);
}
