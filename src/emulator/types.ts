/** Public types of the emulator (re-exported by index.ts; part of `stackone-connect/emulator`). */

export type AttemptOutcome = 'connect' | 'fail' | 'cancel';

export interface EmulatorOptions {
  /** Default 0: any free port, so parallel test suites never collide (the CLI's default is 4010). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** When set, only this key is accepted; otherwise any non-empty key. */
  apiKey?: string;
  /** Added to every API request: a fixed delay, or a random one in [min, max]. */
  latencyMs?: number | [min: number, max: number];
  /** 0..1: that share of API requests answer 500 (StackOne error shape). */
  errorRate?: number;
  /** 429 + Retry-After beyond `limit` API requests per window. */
  rateLimit?: { limit: number; windowMs: number; retryAfterSeconds?: number };
  /** Sessions finish by themselves: a pending attempt at afterMs / 2, the outcome at afterMs. */
  autoComplete?: { afterMs: number; outcome?: AttemptOutcome; provider?: string };
  /** An older deployment: GET /connect_sessions/{id} answers 404. */
  legacy?: boolean;
  /**
   * Base of auth_link_url; default the listening URL. Its host name is also served: requests
   * must name a loopback host, the listening address (any of the machine's with a wildcard
   * `host`), or this one (DNS rebinding protection).
   */
  publicUrl?: string;
  /**
   * Clock for timestamps, expiry, rate-limit windows and auto-complete: a fake clock drives all
   * of them exactly (auto-complete steps happen when the emulator is next asked, at their time).
   */
  now?: () => number;
  /** Randomness for errorRate and latency ranges, so tests can be deterministic. */
  random?: () => number;
  /**
   * How latency and `delay` faults wait (default: real timers, cancelled by close()): a test can
   * record or skip the waits instead of spending them.
   */
  sleep?: (ms: number) => Promise<void>;
  /** One line per request (method, path, status, ms); never headers, tokens or bodies. */
  log?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** The JSON body parsed, or the text when it is not JSON; null when empty. Cut when bodyTruncated. */
  body: unknown;
  /** The body as received, or its first MAX_RECORDED_BODY_BYTES (64 KiB) when bodyTruncated. */
  rawBody: string;
  /** The size of the whole body in bytes. */
  bodyBytes: number;
  /** True when the log kept only the start of a body over 64 KiB. */
  bodyTruncated: boolean;
  /** 0 while unanswered, and for requests that never got a response (reset, hang). */
  status: number;
  at: number;
}

export interface Fault {
  method?: string;
  /** A prefix such as '/connect_sessions/'; default any API request. */
  path?: string;
  /** Default 1. */
  times?: number;
  kind: 'status' | 'html' | 'reset' | 'truncate' | 'non-json' | 'delay' | 'hang';
  /** 'status' (StackOne error body, default 500) and 'html' (proxy error page, default 502). */
  status?: number;
  /** Seconds; adds a Retry-After header. */
  retryAfter?: number;
  /** 'delay': answer normally after this long. */
  delayMs?: number;
}

export interface Emulator {
  url: string;
  /** The base of every auth_link_url: `publicUrl`, else `url`. */
  publicUrl: string;
  port: number;
  host: string;
  /** The API requests (not hub pages or control calls) in order of arrival: the newest 1000. */
  requests: RecordedRequest[];
  clearRequests(): void;
  /** Every session, with its token and auth_link_url (as `GET /_emulator/sessions`). */
  sessions(): ConnectSessionView[];
  /** One session with its token and auth_link_url, or undefined. */
  session(sessionId: number): ConnectSessionView | undefined;
  /** The customer connects; returns the session as `GET /connect_sessions/{id}` shows it. */
  connect(sessionId: number, opts?: { provider?: string }): ConnectSessionView;
  /** The attempt fails (default `access_denied`); returns the session as the API shows it. */
  fail(sessionId: number, opts?: { code?: string; description?: string; provider?: string }): ConnectSessionView;
  cancel(sessionId: number): ConnectSessionView;
  /** A pending attempt: the customer is in the hub. */
  startAttempt(sessionId: number, opts?: { provider?: string }): ConnectSessionView;
  expire(sessionId: number): ConnectSessionView;
  injectFaults(faults: Fault[]): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export type AttemptStatus = 'pending' | 'authenticated' | 'error' | 'cancelled';

/** A connect session as the API serves it; `token` and `auth_link_url` only where the API gives them. */
export interface ConnectSessionView {
  id: number;
  organization_id: string;
  project_id: string;
  categories: string[] | null;
  provider: string | null;
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  account_id: string | null;
  label: string | null;
  created_at: string;
  metadata: Record<string, unknown> | null;
  external_trigger_token: string;
  type: string;
  integration_id: string | null;
  connector_profile_id: string | null;
  token?: string;
  auth_link_url?: string;
  latest_connection_attempt: AttemptView | null;
}

/** StackOne's LatestConnectionAttempt, as served. */
export interface AttemptView {
  id: string;
  created_at: string;
  updated_at: string;
  status: AttemptStatus;
  account_secure_id: string | null;
  oauth_error_code: string | null;
  oauth_error_description: string | null;
}

/** StackOne's LinkedAccount, as served. */
export interface LinkedAccount {
  id: string;
  provider: string;
  provider_name: string | null;
  categories: string[];
  shared: boolean;
  status: 'active' | 'inactive' | 'suspended' | 'archived' | 'expired' | 'error';
  status_reasons: { code: string | null; description: string | null; timestamp: string }[];
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  label: string | null;
  type: string | null;
  created_at: string;
  updated_at: string;
}

/** The fields a client may send to POST /connect_sessions (after validation). */
export interface SessionInput {
  origin_owner_id: string;
  origin_owner_name: string;
  categories?: string[] | null;
  provider?: string | null;
  provider_version?: string | null;
  origin_username?: string | null;
  account_id?: string | null;
  expires_in?: number | null;
  metadata?: Record<string, unknown> | null;
  multiple?: boolean | null;
  label?: string | null;
  type?: string | null;
  integration_id?: string | null;
  connector_profile_id?: string | null;
}
