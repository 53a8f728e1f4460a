import type { StackOneClient } from '../../api/client.js';
import type { ConnectSession } from '../../api/types.js';
import { type BoardState, type BoardTarget, watchSessions } from '../../core/board.js';
import { CancelledError, ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { type PaceFlags, parsePaceFlags } from '../../core/pace-flags.js';
import { RateLimiter } from '../../core/pacing.js';
import type { ResultStatus } from '../../core/poll.js';
import { type PollFlags, parsePollFlags } from '../../core/poll-flags.js';
import { sessionFetcher } from '../../core/session-source.js';
import { type Settings, validateBaseUrl } from '../../core/settings.js';
import { formatDuration } from '../../lib/durations.js';
import { nonEmpty, redactSecrets, sanitizeLine } from '../../lib/text.js';
import type { SessionHistory } from '../../store/history.js';
import { type BoardItem, boardView, counts } from '../../ui/board-view.js';
import type { CommandContext } from '../context.js';
import { accountProvider, loadSettings, openClient, openHistory, requireKey } from '../deps.js';
import { type BoardSource, boardSources } from './board-sources.js';
import { attemptEnded, oauthError, type SessionResultJson, sessionResultJson, shellWord } from './present.js';

export interface BoardOptions extends PollFlags, PaceFlags {
  all?: boolean;
  fromFile?: string;
}

interface Entry extends BoardItem {
  source: BoardSource;
  fetch(): Promise<ConnectSession>;
  /** The provider the customer picked in the hub, from the linked account (the session does not say). */
  accountProvider?: string;
  client: StackOneClient;
}

/** `session poll --all`: the board of a campaign (README "Campaigns"). */
export async function runBoard(ctx: CommandContext, options: BoardOptions): Promise<ExitCodeValue> {
  const { out, runtime } = ctx;
  const poll = parsePollFlags(options);
  const pace = parsePaceFlags(options);
  const settings = await loadSettings(ctx);
  const apiKey = requireKey(settings);
  const history = await openHistory(ctx);
  const sources = await boardSources(ctx, history, settings, options.fromFile);
  // Sent with every read that falls back to authenticate: never quoted back in an error.
  for (const { token } of sources) if (token) ctx.secrets.add(token);
  const redact = (text: string) => redactSecrets(text, ctx.secrets);
  const resume = resumeHint(ctx, options.fromFile);
  if (sources.length === 0) {
    const shown = options.fromFile === '-' ? 'stdin' : options.fromFile;
    out.info(
      `Nothing to watch: ${shown !== undefined ? `${sanitizeLine(shown)} lists no session` : `no session of profile "${sanitizeLine(settings.profile)}" is waiting for its customer`}.`,
    );
    return ExitCode.Ok;
  }
  const clients = await clientsFor(ctx, settings, apiKey, sources);
  const started = runtime.now();
  let fellBack = false;
  const entries: Entry[] = sources.map((source) => {
    const target: BoardTarget = {
      id: source.id,
      expiresAt: source.expiresAt,
      state: source.state,
      session: undefined,
      reading: undefined,
      error: undefined,
      failures: 0,
      changedAt: started,
    };
    const fetch = sessionFetcher(clients.get(source.baseUrl)!, source.id, source.token, (status) => {
      if (!fellBack)
        out.info(
          out.errTheme.muted(
            `This deployment answered ${status} to GET /connect_sessions/{id}; reading sessions with their tokens instead.`,
          ),
        );
      fellBack = true;
    });
    const entry: Entry = {
      ...describe(source, target, () => entry.accountProvider, redact),
      source,
      fetch,
      client: clients.get(source.baseUrl)!,
    };
    return entry;
  });
  const byTarget = new Map(entries.map((e) => [e.target, e]));
  out.info(
    out.errTheme.muted(
      `Watching ${entries.length} ${entries.length === 1 ? 'session' : 'sessions'}: ${pace.concurrency} reads at once, at most ${pace.ratePerMinute.toLocaleString('en-US')} a minute, each session at most every ${formatDuration(poll.intervalMs)}. Ctrl-C stops watching; the sessions stay open.`,
    ),
  );
  const view = boardView(out, runtime, entries, poll.failFast);
  const remember = historyUpdates(ctx, history);
  const limiter = new RateLimiter(pace.ratePerMinute);
  /**
   * Connected through the hub, the session names no provider: the linked account does (one more
   * request, in the same rate budget). Without an answer, the provider stays unknown.
   */
  const lookUp = {
    needed: (target: BoardTarget) => {
      const entry = byTarget.get(target)!;
      return Boolean(target.reading?.kind === 'authenticated' && target.reading.accountId && !entry.provider());
    },
    run: async (target: BoardTarget) => {
      const entry = byTarget.get(target)!;
      view.read();
      const accountId = target.reading?.kind === 'authenticated' ? target.reading.accountId : undefined;
      const provider = await accountProvider(ctx, entry.client, accountId!);
      if (provider) entry.accountProvider = provider;
    },
  };

  const result = await watchSessions(
    entries.map((e) => e.target),
    {
      fetchSession: (target) => {
        view.read();
        return byTarget.get(target)!.fetch();
      },
      lookUp,
      limiter,
      concurrency: pace.concurrency,
      clock: runtime,
      random: runtime.random,
      signal: runtime.signal,
      intervalMs: poll.intervalMs,
      ...(poll.timeoutMs === undefined ? {} : { deadline: started + poll.timeoutMs }),
      failFast: poll.failFast,
      onChange(target, previous) {
        const entry = byTarget.get(target)!;
        view.changed(entry, previous);
        remember(entry);
      },
      onRetry: (target, error, ms) => {
        if (target.failures === 1 || (error as { status?: number }).status === 429) {
          view.alert(
            out.errTheme.warning(
              `${out.errTheme.symbols.warning} Session ${target.id}: ${sanitizeLine(redact(error.message)).replace(/\.$/, '')}. Reading it again in ${formatDuration(ms)}.`,
            ),
          );
        }
      },
    },
  );
  // On a terminal that shows stdout too, the final table replaces the live one.
  view.stop(!(out.mode === 'human' && runtime.stdout.isTTY));
  await remember.done();
  if (result.end === 'stopped') throw result.error;

  const results = entries.map((e) => resultJson(e));
  const pending = entries.filter(
    (e) => !['connected', 'expired', 'error'].includes(e.target.state) && !(poll.failFast && e.target.state === 'failed'),
  );
  if (result.end === 'interrupted') {
    if (out.mode === 'json') for (const json of results) out.result({ json, human: () => '', quiet: undefined });
    throw new CancelledError(
      `Stopped watching: ${pending.length} of ${entries.length} sessions not connected yet; they stay open.`,
      `Resume with: ${resume}`,
      runtime.signal.reason,
    );
  }
  printResults(ctx, entries, results);
  const connected = entries.filter((e) => e.target.state === 'connected').length;
  if (connected === entries.length) return ExitCode.Ok;
  const has = (state: BoardState) => entries.some((e) => e.target.state === state);
  const code = has('error')
    ? ExitCode.Error
    : poll.failFast && has('failed')
      ? ExitCode.AttemptFailed
      : pending.length > 0
        ? ExitCode.Pending
        : ExitCode.Expired;
  const why = pending.length > 0 ? `; still pending after --timeout ${formatDuration(poll.timeoutMs ?? 0)}` : '';
  out.problem(
    `${connected} of ${entries.length} sessions connected (${counts(entries)})${why}.${pending.length > 0 ? ` Resume with: ${resume}` : ''}`,
  );
  return code;
}

/**
 * The command that watches the same sessions again. stdin was read once: the file that was on it
 * is to be named (or piped in) again, not `--from-file -` run as if it were still there.
 */
function resumeHint(ctx: CommandContext, fromFile: string | undefined): string {
  const profile = ctx.flags.profile ? ` --profile ${shellWord(ctx.flags.profile)}` : '';
  if (fromFile === '-') return `${ctx.bin} session poll --all --from-file <results file>${profile} (the results file that was on stdin)`;
  return `${ctx.bin} session poll --all${fromFile !== undefined ? ` --from-file ${shellWord(fromFile)}` : ''}${profile}`;
}

function describe(
  source: BoardSource,
  target: BoardTarget,
  accountProvider: () => string | undefined,
  redact: (text: string) => string,
): BoardItem {
  const attempt = () => target.reading?.attempt ?? null;
  const provider = () => {
    const p = nonEmpty(target.session?.provider) ?? nonEmpty(attempt()?.provider) ?? source.provider ?? accountProvider();
    return p ? sanitizeLine(p) : null;
  };
  return {
    target,
    provider,
    owner() {
      const name = nonEmpty(target.session?.origin_owner_name) ?? source.ownerName;
      const id = nonEmpty(target.session?.origin_owner_id) ?? source.ownerId;
      const [n, i] = [name && sanitizeLine(name), id && sanitizeLine(id)];
      return n && i ? `${n} (${i})` : (n ?? i ?? `session ${source.id}`);
    },
    account() {
      const id = target.reading?.kind === 'authenticated' ? target.reading.accountId : source.accountId;
      return id ? sanitizeLine(id) : null;
    },
    detail() {
      if (target.state === 'failed') return attemptEnded(attempt(), provider());
      if (target.state === 'error') return target.error ? sanitizeLine(redact(target.error)) : null;
      return null;
    },
  };
}

const STATUS: Record<BoardState, ResultStatus> = {
  waiting: 'pending',
  connecting: 'pending',
  failed: 'error',
  connected: 'authenticated',
  expired: 'expired',
  error: 'pending',
};

function resultJson(entry: Entry): SessionResultJson {
  const { target, source } = entry;
  const reading = target.reading;
  const status = target.state === 'failed' && reading?.kind === 'failed' ? reading.status : STATUS[target.state];
  const json = sessionResultJson(target.id, status, target.session, source.record);
  // A session of a results file that this machine's history does not have: the file's values.
  json.auth_link_url ??= source.link ?? null;
  json.origin_owner_id ??= source.ownerId ?? null;
  json.origin_owner_name ??= source.ownerName ?? null;
  json.provider ??= source.provider ?? (entry.accountProvider ? sanitizeLine(entry.accountProvider) : null);
  if (target.state === 'connected') json.account_secure_id ??= source.accountId ?? null;
  return json;
}

function printResults(ctx: CommandContext, entries: Entry[], results: SessionResultJson[]): void {
  const { out } = ctx;
  if (out.mode === 'json') {
    for (const json of results) out.result({ json, human: () => '', quiet: undefined });
    return;
  }
  const theme = out.theme;
  const connected = entries.filter((e) => e.target.state === 'connected').length;
  out.result({
    json: results,
    quiet:
      results
        .filter((r) => r.status === 'authenticated' && r.account_secure_id)
        .map((r) => r.account_secure_id)
        .join('\n') || undefined,
    human: () => {
      const head =
        connected === entries.length
          ? `${theme.symbols.success} ${theme.strong(`${connected} of ${entries.length} customers connected.`)}`
          : `${theme.symbols.info} ${connected} of ${entries.length} customers connected: ${counts(entries)}.`;
      const cells = entries.map((e) => [
        e.owner(),
        e.provider() ?? '-',
        e.target.state,
        e.account() ?? (e.target.state === 'failed' ? failure(e.target.reading?.attempt ?? null) : ''),
        e.target.id,
      ]);
      const header = ['OWNER', 'PROVIDER', 'STATE', 'ACCOUNT', 'SESSION'];
      const widths = header.map((h, i) => cells.reduce((w, c) => Math.max(w, c[i]!.length), h.length));
      const line = (c: string[]) =>
        c
          .map((v, i) => v.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      return `${[head, theme.muted(line(header)), ...cells.map(line)].join('\n')}\n`;
    },
  });
}

/** Why an attempt ended without a connection, in a cell: as its change line says it. */
function failure(attempt: ConnectSession['latest_connection_attempt']): string {
  return attempt?.status === 'cancelled' ? 'cancelled by the customer' : oauthError(attempt);
}

/** One client per API the sessions were created at: a session's token goes to no other API. */
async function clientsFor(
  ctx: CommandContext,
  settings: Settings,
  apiKey: string,
  sources: BoardSource[],
): Promise<Map<string, StackOneClient>> {
  const clients = new Map<string, StackOneClient>();
  for (const baseUrl of new Set(sources.map((s) => s.baseUrl))) {
    if (baseUrl !== settings.baseUrl)
      ctx.out.warn(`Some sessions were created at ${sanitizeLine(baseUrl)}: reading them there, not at ${settings.baseUrl}.`);
    const url = baseUrl === settings.baseUrl ? baseUrl : validateBaseUrl(baseUrl, 'history');
    clients.set(baseUrl, await openClient(ctx, { ...settings, baseUrl: url }, apiKey));
  }
  return clients;
}

/** What the board learns goes to the history (status, account), one change at a time. */
function historyUpdates(ctx: CommandContext, history: SessionHistory) {
  let chain = Promise.resolve();
  let warned = false;
  const update = (entry: Entry) => {
    const { record } = entry.source;
    const { state, reading } = entry.target;
    if (!record || (state !== 'connected' && state !== 'failed' && state !== 'expired')) return;
    const status = state === 'connected' ? 'authenticated' : state === 'failed' && reading?.kind === 'failed' ? reading.status : 'expired';
    const account = reading?.kind === 'authenticated' ? reading.accountId : undefined;
    const at = ctx.runtime.now();
    chain = chain
      .then(() => history.update(record, { status, ...(account ? { account_secure_id: account } : {}) }, at))
      .catch((error: Error) => {
        if (!warned) ctx.out.warn(`Could not update the session history: ${error.message}`);
        warned = true;
      });
  };
  return Object.assign(update, { done: () => chain });
}
