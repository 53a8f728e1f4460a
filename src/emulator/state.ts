import { AccountBook } from './accounts.js';
import { CATALOGUE, providersFor } from './catalogue.js';
import { newAttemptId, newExternalTriggerToken, newToken } from './ids.js';
import type { AttemptStatus, AttemptView, ConnectSessionView, LinkedAccount, SessionInput } from './types.js';

/** A control call the session's state does not allow; `status` is what the control API answers. */
export class EmulatorStateError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 410,
  ) {
    super(message);
    this.name = 'EmulatorStateError';
  }
}

export interface AttemptRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
  status: AttemptStatus;
  /** null until someone chose one (a customer who cancels before picking). */
  provider: string | null;
  accountSecureId: string | null;
  errorCode: string | null;
  errorDescription: string | null;
}

export interface SessionRecord {
  id: number;
  token: string;
  input: SessionInput;
  createdAt: number;
  expiresAt: number;
  externalTriggerToken: string;
  attempt: AttemptRecord | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The latest time a Date can hold: a huge expires_in means "never", not an invalid date. */
const MAX_TIME = 8.64e15;

/** expires_in is any number the schema allows: 0 or less is expired at once, fractions are kept. */
function expiry(createdAt: number, seconds: number): number {
  return Math.min(createdAt + seconds * 1000, MAX_TIME);
}

// Realistic-looking identifiers of the emulated organisation and project.
const ORGANIZATION_ID = '48213';
const PROJECT_ID = 'emulator-project';
const FIRST_SESSION_ID = 58_210;

/** Sessions, their connection attempts and the linked accounts they produce. */
export class Store {
  private readonly sessions = new Map<number, SessionRecord>();
  private readonly byToken = new Map<string, SessionRecord>();
  private readonly accounts = new AccountBook();
  private nextId = FIRST_SESSION_ID;
  private lastStamp = 0;

  constructor(
    private readonly now: () => number,
    private readonly linkFor: (token: string) => string,
  ) {}

  /** A strictly increasing time, so updated_at moves on every change even within a millisecond. */
  private stamp(): number {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  createSession(input: SessionInput): SessionRecord {
    const createdAt = this.now();
    const session: SessionRecord = {
      id: this.nextId++,
      token: newToken(),
      input,
      createdAt,
      expiresAt: expiry(createdAt, input.expires_in ?? 1800),
      externalTriggerToken: newExternalTriggerToken(),
      attempt: null,
    };
    this.sessions.set(session.id, session);
    this.byToken.set(session.token, session);
    return session;
  }

  get(id: number): SessionRecord | undefined {
    return this.sessions.get(id);
  }

  getByToken(token: string): SessionRecord | undefined {
    return this.byToken.get(token);
  }

  all(): SessionRecord[] {
    return [...this.sessions.values()];
  }

  isExpired(session: SessionRecord): boolean {
    return this.now() >= session.expiresAt;
  }

  /** The session as GET /connect_sessions/{id} serves it; with the secrets as POST serves it. */
  view(session: SessionRecord, withSecrets = false): ConnectSessionView {
    const i = session.input;
    return {
      id: session.id,
      organization_id: ORGANIZATION_ID,
      project_id: PROJECT_ID,
      categories: i.categories ?? null,
      provider: i.provider ?? null,
      origin_owner_id: i.origin_owner_id,
      origin_owner_name: i.origin_owner_name,
      origin_username: i.origin_username ?? null,
      account_id: i.account_id ?? null,
      label: i.label ?? null,
      created_at: iso(session.createdAt),
      metadata: i.metadata ?? null,
      external_trigger_token: session.externalTriggerToken,
      type: i.type ?? 'production',
      integration_id: i.integration_id ?? null,
      connector_profile_id: i.connector_profile_id ?? null,
      ...(withSecrets ? { token: session.token, auth_link_url: this.linkFor(session.token) } : {}),
      latest_connection_attempt: session.attempt ? attemptView(session.attempt) : null,
    };
  }

  /** Providers the customer may pick: the session's own, the edited account's, else by category. */
  offeredProviders(session: SessionRecord): string[] {
    const fixed = this.fixedProvider(session);
    if (fixed) return [fixed];
    return providersFor(session.input.categories).map((c) => c.provider);
  }

  /** The one provider a session allows, when it names one (or edits an account): nothing to choose. */
  fixedProvider(session: SessionRecord): string | undefined {
    return session.input.provider ?? this.editedProvider(session);
  }

  /** In edit mode the customer reconnects the account's own provider. */
  private editedProvider(session: SessionRecord): string | undefined {
    const id = session.input.account_id;
    return id ? this.accounts.providerOf(id) : undefined;
  }

  private live(id: number): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw new EmulatorStateError(`No connect session ${id}`, 404);
    if (this.isExpired(session)) throw new EmulatorStateError(`Connect session ${id} has expired`, 410);
    return session;
  }

  /**
   * The provider of an attempt: the session's own (or the edited account's), else the one chosen,
   * else the one a pending attempt already has; null when nobody has chosen yet.
   */
  private providerFor(session: SessionRecord, chosen: string | undefined): string | null {
    const fixed = this.fixedProvider(session);
    const pending = session.attempt?.status === 'pending' ? session.attempt.provider : null;
    return fixed ?? chosen ?? pending ?? null;
  }

  /**
   * An authenticated attempt is final: failing, cancelling or restarting it would tell a poller
   * that a connected customer is not connected. Connecting again (a reconnection) is allowed.
   */
  private notConnected(session: SessionRecord, what: string): void {
    const attempt = session.attempt;
    if (attempt?.status !== 'authenticated') return;
    throw new EmulatorStateError(
      `Connect session ${session.id} is already connected (account ${attempt.accountSecureId ?? ''}): it cannot ${what}`,
      409,
    );
  }

  /** A new pending attempt, replacing the latest one, as a retry does in StackOne's hub. */
  private newAttempt(session: SessionRecord, provider: string | undefined): AttemptRecord {
    const at = this.stamp();
    session.attempt = {
      id: newAttemptId(),
      createdAt: at,
      updatedAt: at,
      status: 'pending',
      provider: this.providerFor(session, provider),
      accountSecureId: null,
      errorCode: null,
      errorDescription: null,
    };
    return session.attempt;
  }

  /** The customer opens the hub: a pending attempt. 409 once the session is connected. */
  startAttempt(id: number, provider?: string): AttemptRecord {
    const session = this.live(id);
    this.notConnected(session, 'start another attempt');
    return this.newAttempt(session, provider);
  }

  /** The pending attempt to finish: the current one if it fits (taking the provider chosen now), else a new one. */
  private pending(session: SessionRecord, provider?: string): AttemptRecord {
    const current = session.attempt;
    const chosen = provider === undefined ? undefined : this.providerFor(session, provider);
    if (current?.status === 'pending' && (chosen === undefined || current.provider === null || current.provider === chosen)) {
      if (chosen) current.provider = chosen;
      return current;
    }
    return this.newAttempt(session, provider);
  }

  /**
   * The customer connects. Without a provider chosen anywhere, the first one the session offers
   * (the control API's default). On a connected session this is a reconnection: a new attempt,
   * with the provider connected before unless another is chosen.
   */
  connect(id: number, provider?: string): AttemptRecord {
    const session = this.live(id);
    const reconnected = session.attempt?.status === 'authenticated' ? session.attempt.provider : null;
    const attempt = this.pending(session, provider);
    attempt.provider ??= reconnected ?? this.offeredProviders(session)[0] ?? CATALOGUE[0]!.provider;
    const accountId = this.accounts.link(session.input, attempt.provider, this.stamp());
    Object.assign(attempt, { status: 'authenticated', accountSecureId: accountId, updatedAt: this.stamp() });
    return attempt;
  }

  /** The attempt fails (OAuth refused). 409 once the session is connected. */
  fail(id: number, opts: { code?: string; description?: string; provider?: string } = {}): AttemptRecord {
    const session = this.live(id);
    this.notConnected(session, 'fail');
    const attempt = this.pending(session, opts.provider);
    attempt.status = 'error';
    attempt.errorCode = opts.code ?? 'access_denied';
    attempt.errorDescription = opts.description ?? 'The user denied access';
    attempt.updatedAt = this.stamp();
    return attempt;
  }

  /** The customer cancels. 409 once the session is connected. */
  cancel(id: number, provider?: string): AttemptRecord {
    const session = this.live(id);
    this.notConnected(session, 'be cancelled');
    const attempt = this.pending(session, provider);
    attempt.status = 'cancelled';
    attempt.updatedAt = this.stamp();
    return attempt;
  }

  expire(id: number): void {
    const session = this.sessions.get(id);
    if (!session) throw new EmulatorStateError(`No connect session ${id}`, 404);
    session.expiresAt = Math.min(session.expiresAt, this.now());
  }

  listAccounts(): LinkedAccount[] {
    return this.accounts.list();
  }

  getAccount(id: string): LinkedAccount | undefined {
    return this.accounts.get(id);
  }
}

export function attemptView(a: AttemptRecord): AttemptView {
  return {
    id: a.id,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
    status: a.status,
    account_secure_id: a.status === 'authenticated' ? a.accountSecureId : null,
    oauth_error_code: a.status === 'error' ? a.errorCode : null,
    oauth_error_description: a.status === 'error' ? a.errorDescription : null,
  };
}
