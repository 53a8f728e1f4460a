import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type SendOutcome, sendRows } from '../../core/campaign/engine.js';
import { formatResults, type ResultFormat, type ResultRow, resultFormat, resultRow } from '../../core/campaign/results.js';
import type { CampaignRow } from '../../core/campaign/rows.js';
import type { CreateFlags } from '../../core/create-body.js';
import { CancelledError, ExitCode, type ExitCodeValue, UsageError } from '../../core/errors.js';
import { type PaceFlags, type PaceSettings, parsePaceFlags } from '../../core/pace-flags.js';
import { RateLimiter } from '../../core/pacing.js';
import type { PollFlags } from '../../core/poll-flags.js';
import type { Settings } from '../../core/settings.js';
import { formatDuration } from '../../lib/durations.js';
import { redactSecrets, sanitizeLine } from '../../lib/text.js';
import type { SessionHistory } from '../../store/history.js';
import { CampaignJournal, type JournalContent, type RowState } from '../../store/journal.js';
import { replaceFile } from '../../store/safe-write.js';
import { campaignProgress } from '../../ui/campaign-progress.js';
import type { ShareFlags } from '../../ui/share.js';
import type { CommandContext } from '../context.js';
import { loadSettings, openClient, openHistory, requireKey } from '../deps.js';
import { historyRecorder } from './campaign-history.js';
import { loadRows } from './campaign-input.js';
import { showPlan } from './campaign-plan.js';
import { shellWord } from './present.js';

export interface CampaignOptions extends CreateFlags, PollFlags, ShareFlags, PaceFlags {
  fromFile: string;
  wait?: boolean;
  output?: string;
  dryRun?: boolean;
  resendUncertain?: boolean;
}

/** Flags of a single create that mean nothing, or something else, for a file of rows. */
const SINGLE_ONLY: [keyof CampaignOptions, string][] = [
  ['originOwnerId', '--origin-owner-id'],
  ['originOwnerName', '--origin-owner-name'],
  ['open', '--open'],
  ['copy', '--copy'],
  ['qr', '--qr'],
  ['interval', '--interval'],
  ['timeout', '--timeout'],
  ['failFast', '--fail-fast'],
];

export interface ResultsFile {
  /** As given, for messages. */
  shown: string;
  path: string;
  format: ResultFormat;
  journal: string;
}

/** `session create --from-file`: one session per row, paced, journaled, resumable (README "Campaigns"). */
export async function runCampaign(
  ctx: CommandContext,
  options: CampaignOptions,
  given: (option: keyof CampaignOptions) => boolean,
): Promise<ExitCodeValue> {
  const conflicts = [...(options.wait === true ? ['--wait'] : []), ...SINGLE_ONLY.filter(([key]) => given(key)).map(([, flag]) => flag)];
  if (conflicts.length > 0) {
    throw new UsageError(
      `--from-file cannot be used with ${conflicts.join(', ')}.`,
      `Each row gives its own origin_owner_id and origin_owner_name. To wait for the customers, run \`${ctx.bin} session poll --all --from-file <results>\` afterwards.`,
    );
  }
  if (options.fromFile === '-' && options.metadata === '@-') {
    throw new UsageError('--from-file - and --metadata @- cannot both read stdin.', 'Give --metadata as JSON or @file.json.');
  }
  const pace = parsePaceFlags(options);
  const output = options.output === undefined ? undefined : outputOf(ctx, options.output);
  if (!output && !options.dryRun) {
    throw new UsageError(
      '--from-file needs --output: the results file (.csv, .jsonl or .ndjson), with the journal beside it that lets a re-run resume.',
      `Example: ${ctx.bin} session create --from-file customers.csv --output results.csv`,
    );
  }
  const rows = await loadRows(ctx, options.fromFile, options);
  const settings = await loadSettings(ctx);
  if (options.dryRun) {
    // What the run would do, refusals included: the journal held (another run has it: exit 1),
    // read (exit 1 when it cannot be used) and compared with the file and the settings (exit 2).
    const known = output
      ? await CampaignJournal.hold(output.journal, async (journal) => {
          const content = journal.read();
          checkJournal(content, { rows, settings, output });
          return content;
        })
      : undefined;
    showPlan(ctx, rows, known, settings, pace, options.resendUncertain === true);
    return ExitCode.Ok;
  }
  const apiKey = requireKey(settings);
  const history = await openHistory(ctx);
  history.check(); // before a session exists that could not be recorded
  // Ctrl-C stops new creates; those in flight finish (a second Ctrl-C leaves at once, main.ts).
  const client = await openClient(ctx, settings, apiKey, null);
  return CampaignJournal.hold(output!.journal, (journal) =>
    runRows(ctx, {
      rows,
      output: output!,
      settings,
      pace,
      history,
      journal,
      resend: options.resendUncertain === true,
      create: (body) => client.createSession(body, { retry: false }),
    }),
  );
}

function outputOf(ctx: CommandContext, shown: string): ResultsFile {
  const format = resultFormat(shown);
  if (!format)
    throw new UsageError(
      `Invalid value "${shown}" for --output: the name must end in .csv, .jsonl or .ndjson.`,
      'Example: --output results.csv',
    );
  const path = resolve(ctx.runtime.cwd, shown);
  // The results, the journal and its lock go there: a directory that is not there is a mistake
  // in the flag, said before anything is read or sent.
  let problem: string | undefined;
  try {
    if (!statSync(dirname(path)).isDirectory()) problem = 'is not a directory';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problem = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be used (${code})`;
  }
  if (problem) {
    throw new UsageError(
      `Invalid value "${sanitizeLine(shown)}" for --output: the directory ${sanitizeLine(dirname(shown))} ${problem}.`,
      'Give --output in an existing directory, or create it first.',
    );
  }
  return { shown, path, format, journal: `${path}.journal` };
}

export interface Run {
  rows: CampaignRow[];
  output: ResultsFile;
  settings: Settings;
  pace: PaceSettings;
  history: SessionHistory;
  journal: CampaignJournal;
  resend: boolean;
  create: Parameters<typeof sendRows>[1]['createSession'];
}

async function runRows(ctx: CommandContext, run: Run): Promise<ExitCodeValue> {
  const { out, runtime } = ctx;
  const { rows, output, settings, journal } = run;
  const known = journal.read();
  checkJournal(known, run);
  // The tokens of the sessions this campaign handles are never quoted back in an error.
  for (const state of known.rows.values()) if (state.state === 'created') ctx.secrets.add(state.session.token);
  const redact = (text: string) => redactSecrets(text, ctx.secrets);
  if (!known.header)
    journal.append({
      kind: 'campaign',
      version: 1,
      profile: settings.profile,
      base_url: settings.baseUrl,
      at: new Date(runtime.now()).toISOString(),
    });
  const toSend = rows.filter((row) => sendable(known.rows.get(row.key), run.resend));
  const recorder = historyRecorder(ctx, run);
  // Sessions created by a run that stopped before writing them to the history (kill -9).
  recorder.restore(rows, known);

  // The rows not sent are created before, or uncertain (not sent again without --resend-uncertain).
  const createdBefore = rows.filter((row) => known.rows.get(row.key)?.state === 'created').length;
  const uncertainBefore = rows.length - toSend.length - createdBefore;
  const before = [
    createdBefore && `${createdBefore} created before`,
    uncertainBefore && `${uncertainBefore} uncertain, not sent again without --resend-uncertain`,
  ]
    .filter(Boolean)
    .join('; ');
  out.info(
    out.errTheme.muted(
      toSend.length === 0
        ? `Nothing to send: every row of the file was sent by an earlier run (${run.output.shown}.journal).`
        : `Creating ${toSend.length} ${toSend.length === 1 ? 'session' : 'sessions'}${before ? ` (${before})` : ''}, ${run.pace.concurrency} at once, at most ${run.pace.ratePerMinute.toLocaleString('en-US')} requests a minute. Ctrl-C stops; the same command resumes.`,
    ),
  );
  const progress = campaignProgress(out, runtime, toSend.length);
  const outcomes = new Map<string, SendOutcome>();
  const theme = out.errTheme;
  const { result, notSent } = await sendRows(toSend, {
    createSession: run.create,
    journal,
    limiter: new RateLimiter(run.pace.ratePerMinute),
    concurrency: run.pace.concurrency,
    clock: runtime,
    signal: runtime.signal,
    onOutcome(row, outcome) {
      outcomes.set(row.key, outcome);
      const label = `line ${row.line} (${sanitizeLine(row.key)})`;
      if (outcome.state === 'created') {
        ctx.secrets.add(outcome.session.token);
        recorder.add(row.key, outcome.session);
        return progress.ended('created');
      }
      progress.ended(
        outcome.state,
        outcome.state === 'failed'
          ? `${theme.symbols.error} ${label}: ${redact(outcome.error)}`
          : `${theme.symbols.warning} ${label} may or may not have a session: ${redact(outcome.error)}`,
      );
    },
    onRateLimited: (ms) =>
      progress.alert(theme.warning(`${theme.symbols.warning} Rate limited (429): every request waits ${formatDuration(ms)}.`)),
    onRetry: (row, reason, ms) =>
      progress.alert(
        theme.warning(`${theme.symbols.warning} line ${row.line}: ${redact(reason)}; sending it again in ${formatDuration(ms)}.`),
      ),
  });
  progress.stop();
  await recorder.flush();
  await journal.sync().catch((error: Error) => out.warn(error.message));

  const skippedNow = new Set(notSent.map((r) => r.key));
  const results = rows.map((row) => finalRow(row, outcomes.get(row.key), skippedNow.has(row.key) ? undefined : known.rows.get(row.key)));
  writeResults(ctx, output, results);
  const summary = summarize(results, outcomes);
  report(ctx, run, summary);
  if (result.end === 'stopped') throw result.error;
  if (result.end === 'interrupted') {
    throw new CancelledError(
      `Stopped: ${summary.notSent} ${summary.notSent === 1 ? 'row was' : 'rows were'} not sent; results so far are in ${output.shown}.`,
      'Run the same command again to resume: rows already created are skipped.',
      runtime.signal.reason,
    );
  }
  return summary.created + summary.createdBefore === rows.length ? ExitCode.Ok : ExitCode.Error;
}

/** Rows a run sends: new ones, those StackOne did not create, and uncertain ones only when asked. */
function sendable(state: RowState | undefined, resend: boolean): boolean {
  return !state || state.state === 'not_created' || (state.state === 'uncertain' && resend);
}

/**
 * A journal of another API or profile, a row changed since it was sent, or a row whose key
 * changed since: sending would make a second session for a customer. Refused whole (exit 2).
 */
function checkJournal(known: JournalContent, run: Pick<Run, 'rows' | 'settings' | 'output'>): void {
  const { header } = known;
  if (header && (header.profile !== run.settings.profile || header.base_url !== run.settings.baseUrl)) {
    throw new UsageError(
      `${run.output.shown} belongs to a campaign run with profile "${sanitizeLine(header.profile)}" at ${sanitizeLine(header.base_url)}, not "${sanitizeLine(run.settings.profile)}" at ${sanitizeLine(run.settings.baseUrl)}: its rows would be sent again.`,
      'Use that profile and base URL to resume it, or another --output for a new campaign.',
    );
  }
  const keys = new Set(run.rows.map((r) => r.key));
  const elsewhere = new Map<string, string>();
  for (const [key, state] of known.rows) if (!keys.has(key) && state.state !== 'not_created') elsewhere.set(state.fingerprint, key);
  const problems: string[] = [];
  for (const row of run.rows) {
    const state = known.rows.get(row.key);
    const what = (s: RowState) => (s.state === 'created' ? `created session ${s.session.session_id}` : 'was sent (uncertain)');
    if (state && state.state !== 'not_created' && state.fingerprint !== row.fingerprint) {
      problems.push(
        `  line ${row.line}: changed since key ${sanitizeLine(row.key)} ${what(state)}; restore it, or give it a new key to create another session`,
      );
    } else if (!state && elsewhere.has(row.fingerprint)) {
      const other = elsewhere.get(row.fingerprint)!;
      problems.push(
        `  line ${row.line}: the same request as key ${sanitizeLine(other)}, which ${what(known.rows.get(other)!)}: did its key change?`,
      );
    }
  }
  if (problems.length > 0) {
    throw new UsageError(
      `${problems.length} ${problems.length === 1 ? 'row differs' : 'rows differ'} from what the journal of ${run.output.shown} sent before; nothing was sent.\n${problems.join('\n')}`,
      'A row is known by its key column (else origin_owner_id and provider): keep keys as they were, or use another --output for a new campaign.',
    );
  }
}

function finalRow(row: CampaignRow, outcome: SendOutcome | undefined, before: RowState | undefined): ResultRow {
  if (outcome?.state === 'created') return resultRow(row, 'created', { session: outcome.session });
  if (outcome) return resultRow(row, outcome.state, { error: outcome.error });
  if (before?.state === 'created') return resultRow(row, 'created', { session: before.session });
  if (before?.state === 'uncertain') return resultRow(row, 'uncertain', { error: `${before.error} (an earlier run)` });
  return resultRow(row, 'not_sent', {});
}

function writeResults(ctx: CommandContext, output: ResultsFile, results: ResultRow[]): void {
  try {
    replaceFile(output.path, formatResults(results, output.format));
  } catch (error) {
    ctx.out.warn(`${(error as Error).message} Run the same command again to write it: created rows are skipped, their results kept.`);
  }
}

interface Summary {
  rows: number;
  created: number;
  createdBefore: number;
  failed: number;
  uncertain: number;
  notSent: number;
}

function summarize(results: ResultRow[], outcomes: Map<string, SendOutcome>): Summary {
  const count = (status: ResultRow['status']) => results.filter((r) => r.status === status).length;
  const created = [...outcomes.values()].filter((o) => o.state === 'created').length;
  return {
    rows: results.length,
    created,
    createdBefore: count('created') - created,
    failed: count('failed'),
    uncertain: count('uncertain'),
    notSent: count('not_sent'),
  };
}

function report(ctx: CommandContext, run: Run, s: Summary): void {
  const { out } = ctx;
  const theme = out.theme;
  const watch = `${ctx.bin} session poll --all --from-file ${shellWord(run.output.shown)}${ctx.flags.profile ? ` --profile ${shellWord(ctx.flags.profile)}` : ''}`;
  const ok = s.created + s.createdBefore === s.rows;
  const human = () => {
    const done = `${s.created + s.createdBefore} of ${s.rows} rows have a session${s.createdBefore ? ` (${s.createdBefore} from before)` : ''}`;
    const rest = [s.failed && `${s.failed} failed`, s.uncertain && `${s.uncertain} uncertain`, s.notSent && `${s.notSent} not sent`]
      .filter(Boolean)
      .join(', ');
    const lines = [ok ? `${theme.symbols.success} ${theme.strong(done)}.` : `${theme.symbols.error} ${done}; ${rest}.`];
    const row = (label: string, text: string) => lines.push(`  ${theme.muted(label.padEnd(10))}${text}`);
    row('Results', `${sanitizeLine(run.output.shown)} (key, session, auth link and expiry of each row)`);
    if (s.failed) row('Failed', 'not created: fix those rows if need be and run the same command again; only they are sent');
    if (s.uncertain) {
      row('Uncertain', 'may or may not have a session: check the StackOne dashboard (Connect sessions). A re-run never');
      row('', 'sends them again unless --resend-uncertain: use it once you know they have none');
    }
    if (s.notSent) row('Not sent', 'run the same command again to send them');
    if (s.created + s.createdBefore > 0) row('Watch', theme.command(watch));
    return `${lines.join('\n')}\n`;
  };
  out.result({
    human,
    json: {
      rows: s.rows,
      created: s.created,
      created_before: s.createdBefore,
      failed: s.failed,
      uncertain: s.uncertain,
      not_sent: s.notSent,
      output: run.output.shown,
      journal: `${run.output.shown}.journal`,
    },
    quiet: run.output.shown,
  });
  if (!ok && s.notSent === 0) {
    out.problem(
      `Not every row has a session: ${[s.failed && `${s.failed} failed`, s.uncertain && `${s.uncertain} uncertain`].filter(Boolean).join(', ')} (see ${sanitizeLine(run.output.shown)}).`,
    );
  }
}
