import { type AppendHandle, AppendLog } from './append-log.js';
import { LEFT_UNTOUCHED, StoreError } from './errors.js';
import { withLock } from './lock.js';

/** What a campaign was run against: a re-run elsewhere would send its rows a second time. */
export interface JournalHeader {
  kind: 'campaign';
  version: 1;
  profile: string;
  base_url: string;
  at: string;
}

/** A session a row created: enough to list it, poll it and write it to the history again. */
export interface CreatedSession {
  session_id: number;
  token: string;
  auth_link_url: string;
  created_at: string;
  expires_in: number;
  expires_at: string;
  origin_owner_id: string;
  origin_owner_name: string;
  provider: string | null;
}

interface RowEntry {
  key: string;
  fingerprint: string;
  at: string;
}

/**
 * A line of the journal. `sending` is written before a create leaves this machine; the row's
 * outcome follows it. A `sending` with nothing after it is a create that may have reached
 * StackOne when the run stopped (a crash, kill -9): never sent again without being asked.
 */
export type JournalEntry =
  | JournalHeader
  | ({ kind: 'sending' } & RowEntry)
  | ({ kind: 'created' } & RowEntry & CreatedSession)
  /** StackOne cannot have created it (4xx, 429, nothing sent): a re-run may send it again. */
  | ({ kind: 'not_created'; error: string } & RowEntry)
  /** It may or may not exist (5xx, a timeout, an unusable answer, an interrupted request). */
  | ({ kind: 'uncertain'; error: string } & RowEntry)
  /** These keys' sessions are in the local history. */
  | { kind: 'recorded'; keys: string[]; at: string };

export type RowState =
  | { state: 'created'; fingerprint: string; session: CreatedSession; recorded: boolean }
  | { state: 'uncertain'; fingerprint: string; error: string }
  | { state: 'not_created'; fingerprint: string; error: string };

export interface JournalContent {
  header: JournalHeader | undefined;
  /** Each key's latest state. */
  rows: Map<string, RowState>;
}

export const STOPPED_IN_FLIGHT = 'the run stopped while its create was on its way to StackOne';

/**
 * The journal of a campaign (beside its results file): one line per step of each row, appended
 * in one write each (append-log.ts: a crash leaves every whole line, a torn last line is
 * skipped). It is what makes a re-run skip the rows already created.
 */
export class CampaignJournal {
  readonly #log: AppendLog<JournalEntry>;
  #handle: AppendHandle<JournalEntry> | undefined;

  private constructor(readonly path: string) {
    this.#log = new AppendLog<JournalEntry>(path, 'campaign journal');
  }

  /**
   * Runs `fn` with the journal to itself: a second run of the same campaign at the same time
   * would send the same rows. A lock left by a run that was killed is taken over (lock.ts).
   */
  static hold<R>(path: string, fn: (journal: CampaignJournal) => Promise<R>): Promise<R> {
    return withLock(
      path,
      async () => {
        const journal = new CampaignJournal(path);
        try {
          return await fn(journal);
        } finally {
          journal.#handle?.close();
        }
      },
      {
        timeoutMs: 0,
        busy: (pid) =>
          new StoreError(
            `Another run of this campaign${pid ? ` (process ${pid})` : ''} holds its journal ${path}: two at once would send the same rows.`,
            path,
            'Wait for it to finish, or stop it; a run that was killed leaves nothing in the way.',
          ),
      },
    );
  }

  /** What the journal knows, or an empty journal when there is none yet. */
  read(): JournalContent {
    let header: JournalHeader | undefined;
    const rows = new Map<string, RowState>();
    for (const entry of this.#log.readAll()) {
      if (typeof entry !== 'object' || entry === null) continue;
      switch (entry.kind) {
        case 'campaign':
          header ??= entry;
          break;
        case 'sending':
          rows.set(entry.key, { state: 'uncertain', fingerprint: entry.fingerprint, error: STOPPED_IN_FLIGHT });
          break;
        case 'created': {
          const { kind: _kind, key, fingerprint, at: _at, ...session } = entry;
          rows.set(key, { state: 'created', fingerprint, session, recorded: false });
          break;
        }
        case 'not_created':
        case 'uncertain':
          rows.set(entry.key, { state: entry.kind, fingerprint: entry.fingerprint, error: entry.error });
          break;
        case 'recorded':
          for (const key of entry.keys) {
            const state = rows.get(key);
            if (state?.state === 'created') state.recorded = true;
          }
          break;
        default:
          break; // a newer version's line: not ours to judge
      }
    }
    if (rows.size > 0 && !header) {
      throw new StoreError(`The campaign journal ${this.path} does not say which API it was run against.`, this.path, LEFT_UNTOUCHED);
    }
    return { header, rows };
  }

  /** Appends in one write. A kill -9 keeps it (the kernel has it); only durable() survives a power cut too. */
  append(...entries: JournalEntry[]): void {
    this.#handle ??= this.#log.open();
    this.#handle.write(entries);
  }

  /**
   * Appends and waits until the disk has it, without blocking the event loop: a `sending` line
   * must outlive even a power cut before its create leaves, or a re-run could send it again.
   */
  async durable(...entries: JournalEntry[]): Promise<void> {
    this.append(...entries);
    await this.sync();
  }

  /**
   * Everything appended so far, on disk. Group commit: callers that come while a sync runs share
   * the next one (which covers all of them), so eight creates at once cost two syncs, not eight.
   */
  sync(): Promise<void> {
    if (!this.#handle) return Promise.resolve();
    if (!this.#syncing) {
      this.#syncing = this.#handle.sync().finally(() => (this.#syncing = undefined));
      return this.#syncing;
    }
    this.#next ??= this.#syncing
      .catch(() => undefined)
      .then(() => {
        this.#next = undefined;
        return this.sync();
      });
    return this.#next;
  }

  #syncing: Promise<void> | undefined;
  #next: Promise<void> | undefined;
}
