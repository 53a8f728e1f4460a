import { createFetch, type $Fetch } from 'ofetch';
import { CancelledError } from '../errors.js';
import { redactKey } from '../core/redact.js';
import { BadResponseError, HttpError, NetworkError, networkCode, parseRetryAfter } from './errors.js';
import { proxyFetch } from './proxy.js';
import { abortableSleep } from '../core/sleep.js';
import { parseJson } from '../core/json.js';
import type { ConnectSession, ConnectSessionCreate, ConnectSessionCreated, ConnectorMeta, LinkedAccount } from './types.js';

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  /** Per request, headers and body included. */
  timeoutMs: number;
  /** Ctrl-C: aborts the request in flight. */
  signal?: AbortSignal;
  /** --verbose: one line per request and response; never a key, token or body. */
  trace?: (line: string) => void;
  /** Told before each retry of a create (429 or refused connection). */
  onRetry?: (reason: string, delayMs: number, attempt: number, of: number) => void;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

type Query = Record<string, string | number | string[] | undefined>;
interface RequestSpec { method: 'GET' | 'POST'; path: string; body?: unknown; query?: Query; what: string }

/** Create is retried only where StackOne cannot have created anything (cli-contract.md, "Polling"). */
const CREATE_MAX_RETRIES = 5;
const CREATE_MAX_WAIT_MS = 60_000;
const REFUSED_MAX_RETRIES = 3;

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
      responseType: 'text',
      headers: {
        authorization: `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`,
        accept: 'application/json',
        'user-agent': options.userAgent,
      },
    });
  }

  /** POST /connect_sessions. Never sent twice unless the first cannot have reached the server. */
  async createSession(body: ConnectSessionCreate): Promise<ConnectSessionCreated> {
    for (let attempt = 0; ; attempt++) {
      try {
        const data = await this.#request({ method: 'POST', path: '/connect_sessions', body, what: 'Creating the connect session' });
        return requireCreated(data);
      } catch (error) {
        const delay = createRetryDelay(error, attempt);
        if (delay === undefined) throw error;
        const reason = error instanceof HttpError ? 'rate limited (429)' : 'connection refused';
        this.#options.onRetry?.(reason, delay, attempt + 1, error instanceof HttpError ? CREATE_MAX_RETRIES : REFUSED_MAX_RETRIES);
        await this.#sleep(delay, this.#options.signal);
      }
    }
  }

  async getSession(id: string): Promise<ConnectSession> {
    const data = await this.#request({ method: 'GET', path: `/connect_sessions/${encodeURIComponent(id)}`, what: 'Reading the session' });
    return requireObject(data, 'session');
  }

  /** Exchanges the session token for the session: the polling fallback on older deployments. */
  async authenticateSession(token: string): Promise<ConnectSession> {
    const data = await this.#request({ method: 'POST', path: '/connect_sessions/authenticate', body: { token }, what: 'Reading the session' });
    return requireObject(data, 'session');
  }

  async listAccounts(query: Query = {}): Promise<LinkedAccount[]> {
    const data = await this.#request({ method: 'GET', path: '/accounts', query, what: 'Listing accounts' });
    if (!Array.isArray(data)) throw new BadResponseError('The API answered GET /accounts with something other than a list.');
    return data as LinkedAccount[];
  }

  async listConnectors(query: Query = {}): Promise<ConnectorMeta[]> {
    const data = await this.#request({ method: 'GET', path: '/connectors/meta', query, what: 'Listing connectors' });
    if (!Array.isArray(data)) throw new BadResponseError('The API answered GET /connectors/meta with something other than a list.');
    return data as ConnectorMeta[];
  }

  async #request(spec: RequestSpec): Promise<unknown> {
    const { trace, signal, timeoutMs } = this.#options;
    const started = this.#now();
    const url = `${this.baseUrl}${spec.path}`;
    trace?.(`→ ${spec.method} ${url}${traceQuery(spec.query)} (key ${redactKey(this.#options.apiKey)})`);
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status = 0;
    let text: string;
    let headers: Headers;
    try {
      // The body is read inside the same signal: a server that stalls half way is a timeout too.
      const response = await this.#fetch.raw<string>(spec.path, {
        method: spec.method,
        body: spec.body as Record<string, unknown> | undefined,
        query: spec.query,
        signal: combined,
      });
      status = response.status;
      headers = response.headers;
      text = typeof response._data === 'string' ? response._data : '';
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      const { code, detail } = timeout.aborted
        ? { code: 'ETIMEDOUT', detail: `no complete answer within ${Math.round(timeoutMs / 1000)}s` }
        : networkCode(error);
      trace?.(`← ${spec.method} ${spec.path} failed after ${this.#now() - started} ms: ${code}${status ? ` (after ${status})` : ''}`);
      throw new NetworkError(code, detail, new URL(this.baseUrl).host);
    }
    trace?.(`← ${status} ${spec.method} ${spec.path} (${this.#now() - started} ms)`);

    const parsed = parseJson(text);
    if (status >= 400) {
      const message = parsed.ok ? messageOf(parsed.value) : undefined;
      throw new HttpError(status, message, parseRetryAfter(headers.get('retry-after'), this.#now()), spec.what);
    }
    if (!parsed.ok) {
      const type = headers.get('content-type') ?? 'no content type';
      throw new BadResponseError(`The API answered ${status} with a body that is not JSON (${type}, ${text.length} bytes).`, status);
    }
    return parsed.value;
  }
}

function createRetryDelay(error: unknown, attempt: number): number | undefined {
  if (error instanceof HttpError && error.status === 429 && attempt < CREATE_MAX_RETRIES) {
    return Math.min(error.retryAfterMs ?? 1000 * 2 ** attempt, CREATE_MAX_WAIT_MS);
  }
  // A refused connection is usually a wrong URL or a server still starting: a short grace, not a long wait.
  if (error instanceof NetworkError && error.refused && attempt < REFUSED_MAX_RETRIES) return 250 * 2 ** attempt;
  return undefined;
}

/** Only what the command needs is checked (cli-contract.md, "Output"). */
function requireCreated(data: unknown): ConnectSessionCreated {
  const session = requireObject(data, 'created session') as Partial<ConnectSessionCreated>;
  const missing = (['id', 'token', 'auth_link_url'] as const).filter((key) => {
    const value = session[key];
    return key === 'id' ? typeof value !== 'number' && typeof value !== 'string' : typeof value !== 'string' || value === '';
  });
  if (missing.length > 0) {
    throw new BadResponseError(
      `The API created a session but its answer lacks ${missing.join(', ')}; the session may exist without a usable link.`,
    );
  }
  return session as ConnectSessionCreated;
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
  const fetchImpl = await proxyFetch(options.env ?? process.env);
  return new StackOneClient(options, fetchImpl);
}
