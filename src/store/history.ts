import { closeSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppendLog } from './append-log.js';
import { LEFT_UNTOUCHED, StoreError } from './errors.js';
import { checkPrivateDir, ensurePrivateDir, openPrivate } from './file-guard.js';
import { type LockOptions, withLock } from './lock.js';

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

export type StatusPatch = Partial<Pick<SessionRecord, 'status' | 'account_secure_id' | 'provider'>>;

/** A line of sessions.jsonl: a session as created, or what was later learnt about one. */
type Entry =
  | ({ kind: 'session' } & SessionRecord)
  | ({ kind: 'status'; session_id: number | string; profile: string; base_url: string; updated_at: string } & StatusPatch);

/** A session is its id at one API (an emulator restarted gives the same ids again), for one profile. */
const key = (r: { session_id: number | string; profile: string; base_url: string }) =>
  `${String(r.session_id)}\u0000${r.profile}\u0000${r.base_url}`;

function isSession(entry: unknown): entry is Entry & { kind: 'session' } {
  return typeof entry === 'object' && entry !== null && (entry as Entry).kind === 'session' && 'session_id' in entry;
}
function isStatus(entry: unknown): entry is Entry & { kind: 'status' } {
  return typeof entry === 'object' && entry !== null && (entry as Entry).kind === 'status' && 'session_id' in entry;
}

function record(entry: Entry & { kind: 'session' }): SessionRecord {
  const { kind: _kind, ...rest } = entry;
  return rest;
}

/** Later knowledge over the record: the latest patch of each field wins. */
function apply(record: SessionRecord, patches: (StatusPatch & { updated_at: string })[] | undefined): SessionRecord {
  if (!patches) return record;
  let out = record;
  // patches come newest first; apply oldest first
  for (let i = patches.length - 1; i >= 0; i--) {
    const { updated_at, ...patch } = patches[i]!;
    out = { ...out, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), updated_at };
  }
  return out;
}

/**
 * The local session history: what `poll` needs to resume and what `list` shows. An append-only
 * log (sessions.jsonl): a new session, or a status learnt later, is one line added under the lock,
 * so a campaign of N sessions writes O(N) bytes and concurrent writers lose nothing. Lookups read
 * the log from its end. A sessions.json left by earlier versions is still read, never written.
 */
export class SessionHistory {
  readonly path: string;
  readonly #dir: string;
  readonly #log: AppendLog<Entry>;
  readonly #legacyPath: string;
  readonly #lock: LockOptions;

  constructor(dir: string, lock: LockOptions = {}) {
    this.#dir = dir;
    this.path = join(dir, 'sessions.jsonl');
    this.#legacyPath = join(dir, 'sessions.json');
    this.#log = new AppendLog<Entry>(this.path, 'session history');
    this.#lock = lock;
  }

  /** Throws a StoreError if the history could not be read or appended to: before a session exists that could not be recorded. */
  check(): void {
    checkPrivateDir(this.#dir);
    for (const path of [this.path, this.#legacyPath]) {
      const fd = openPrivate(path, constants.O_RDONLY, 'session history');
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Oldest first. Throws a StoreError naming the file when it is not usable. */
  all(): SessionRecord[] {
    checkPrivateDir(this.#dir);
    const records = this.#legacy();
    const newest = new Map<string, number>(); // what a status line refers to: the newest record of its key
    for (const [i, r] of records.entries()) newest.set(key(r), i);
    for (const entry of this.#log.readAll()) {
      if (isSession(entry)) {
        newest.set(key(entry), records.push(record(entry)) - 1);
      } else if (isStatus(entry)) {
        const at = newest.get(key(entry));
        if (at !== undefined) records[at] = apply(records[at]!, [entry]);
      }
    }
    return records;
  }

  /** The newest `limit` sessions (all when undefined), newest first, read from the end of the log. */
  recent(limit?: number, matches: (r: SessionRecord) => boolean = () => true): SessionRecord[] {
    const found: SessionRecord[] = [];
    this.#search((r) => {
      if (matches(r)) found.push(r);
      return limit !== undefined && found.length >= limit;
    });
    return found;
  }

  /** The record for an id, preferring the given profile's (ids are per StackOne project). */
  find(id: string, profile?: string): SessionRecord | undefined {
    let any: SessionRecord | undefined;
    let own: SessionRecord | undefined;
    this.#search((r) => {
      if (String(r.session_id) !== id) return false;
      any ??= r;
      if (r.profile === profile) own = r;
      return own !== undefined;
    });
    return own ?? any;
  }

  latest(profile: string): SessionRecord | undefined {
    return this.recent(1, (r) => r.profile === profile)[0];
  }

  async add(...records: SessionRecord[]): Promise<void> {
    if (records.length === 0) return;
    ensurePrivateDir(this.#dir);
    await withLock(this.path, () => this.#log.append(records.map((r) => ({ kind: 'session' as const, ...r }))), this.#lock);
  }

  /** Remembers what was learnt of a session of the history (as of `at`). */
  async update(known: SessionRecord, patch: StatusPatch, at: number): Promise<void> {
    const changed = Object.entries(patch).filter(([field, value]) => value !== undefined && known[field as keyof SessionRecord] !== value);
    // Nothing new to remember (the usual case of `session status`): no lock, no write.
    if (changed.length === 0) return;
    const { session_id, profile, base_url } = known;
    const entry: Entry = {
      kind: 'status',
      session_id,
      profile,
      base_url,
      ...Object.fromEntries(changed),
      updated_at: new Date(at).toISOString(),
    };
    ensurePrivateDir(this.#dir);
    await withLock(this.path, () => this.#log.append([entry]), this.#lock);
  }

  /** Visits sessions newest first, with what was learnt of them since, until `stop` returns true. */
  #search(stop: (r: SessionRecord) => boolean): void {
    checkPrivateDir(this.#dir);
    // Status lines newer than a record (seen first, reading backwards) belong to it; older ones
    // to an older record of the same key.
    const patches = new Map<string, (StatusPatch & { updated_at: string })[]>();
    let done = false;
    const visit = (r: SessionRecord): boolean => {
      const k = key(r);
      const mine = patches.get(k);
      patches.delete(k);
      done = stop(apply(r, mine));
      return done;
    };
    this.#log.readBackwards((entry) => {
      if (isStatus(entry)) {
        const k = key(entry);
        const { kind: _kind, session_id: _id, profile: _profile, base_url: _url, ...patch } = entry;
        patches.set(k, [...(patches.get(k) ?? []), patch]);
        return true;
      }
      return !(isSession(entry) && visit(record(entry)));
    });
    if (done) return;
    const legacy = this.#legacy();
    for (let i = legacy.length - 1; i >= 0 && !done; i--) visit(legacy[i]!);
  }

  /** sessions.json of earlier versions: read as it is, never rewritten. */
  #legacy(): SessionRecord[] {
    const fd = openPrivate(this.#legacyPath, constants.O_RDONLY, 'session history');
    if (fd === undefined) return [];
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(fd, 'utf8'));
    } catch (error) {
      // The parser's message quotes the file, which holds tokens: keep only the position.
      const at = /position (\d+)/.exec((error as Error).message)?.[1];
      throw new StoreError(
        `The session history file ${this.#legacyPath} is not valid JSON${at ? ` (at character ${at})` : ''}.`,
        this.#legacyPath,
        LEFT_UNTOUCHED,
      );
    } finally {
      closeSync(fd);
    }
    const sessions = (data as { sessions?: unknown } | null)?.sessions ?? [];
    if (!Array.isArray(sessions)) {
      throw new StoreError(`The session history file ${this.#legacyPath} has no valid "sessions" list.`, this.#legacyPath, LEFT_UNTOUCHED);
    }
    return sessions.filter((s): s is SessionRecord => typeof s === 'object' && s !== null && 'session_id' in s);
  }
}
