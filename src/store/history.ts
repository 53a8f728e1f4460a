import { StateError } from '../errors.js';
import { JsonStore } from './json-store.js';

/** One created session, as remembered on this machine. Token and link are secrets. */
export interface SessionRecord {
  session_id: number | string;
  token: string;
  auth_link_url: string;
  origin_owner_id: string | null;
  origin_owner_name: string | null;
  provider: string | null;
  created_at: string;
  /** The expires_in that was sent, or the API's default. */
  expires_in: number;
  expires_at: string;
  profile: string;
  base_url: string;
  status: string;
  account_secure_id: string | null;
  updated_at: string;
}

interface HistoryFile extends Record<string, unknown> {
  sessions?: SessionRecord[];
}

/** The local session history (sessions.json): what `poll` needs to resume and what `list` shows. */
export class SessionHistory {
  readonly #store: JsonStore<HistoryFile>;

  constructor(dir: string) {
    this.#store = new JsonStore<HistoryFile>(dir, 'sessions', 'session history');
  }

  get path(): string {
    return this.#store.path;
  }

  /** A wait ends by writing the outcome here: load what writing takes while it waits. */
  preloadWriter(): void {
    this.#store.preloadWriter();
  }

  /** Oldest first, as written. Throws a StateError naming the file when it is not usable. */
  all(): SessionRecord[] {
    return this.#sessionsOf(this.#store.read());
  }

  /** The record for an id, preferring the given profile's (ids are per StackOne project). */
  find(id: string, profile?: string): SessionRecord | undefined {
    const matches = this.all().filter((s) => String(s.session_id) === id);
    return matches.findLast((s) => s.profile === profile) ?? matches.at(-1);
  }

  latest(profile: string): SessionRecord | undefined {
    return this.all().findLast((s) => s.profile === profile);
  }

  async add(record: SessionRecord): Promise<void> {
    await this.#store.update((current) => ({
      next: { ...current, sessions: [...this.#sessionsOf(current), record] },
      result: undefined,
    }));
  }

  /** Remembers the last known status; a session that is not in the history is left alone. */
  async update(id: string | number, profile: string, patch: Partial<Pick<SessionRecord, 'status' | 'account_secure_id'>>): Promise<void> {
    const matches = (s: SessionRecord) => String(s.session_id) === String(id) && s.profile === profile;
    const known = this.all().findLast(matches);
    // Nothing new to remember (the usual case of `session status`): no lock, no write.
    if (!known || Object.entries(patch).every(([key, value]) => known[key as keyof SessionRecord] === value)) return;
    await this.#store.update((current) => {
      const sessions = this.#sessionsOf(current);
      const index = sessions.findLastIndex(matches);
      if (index < 0) return { next: current as HistoryFile, result: undefined };
      const next = [...sessions];
      next[index] = { ...sessions[index]!, ...patch, updated_at: new Date().toISOString() };
      return { next: { ...current, sessions: next }, result: undefined };
    });
  }

  #sessionsOf(data: Partial<HistoryFile>): SessionRecord[] {
    const sessions = data.sessions ?? [];
    if (!Array.isArray(sessions)) {
      throw new StateError(`The session history file ${this.path} has no valid "sessions" list.`, this.path,
        'It was left untouched: repair it, or move it away to start afresh.');
    }
    return sessions.filter((s): s is SessionRecord => typeof s === 'object' && s !== null && 'session_id' in s);
  }
}
