// The campaign half of `npm run bench` (bench/run.mjs), or alone: npm run bench:campaign.
// Campaigns of the built CLI against the emulator with 50 ms of latency. Throughput and rate are
// read from the emulator's own request times, so the start of a process does not count; ratios are
// measured side by side in each round and the median of the rounds is reported.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../dist/emulator.js';

export const CAMPAIGN_ROUNDS = Number(process.env.BENCH_CAMPAIGN_ROUNDS ?? 3);
const ROUNDS = CAMPAIGN_ROUNDS;
const ROWS = 1000;
const SEQUENTIAL_ROWS = 25;
const RATE_ROWS = 200;
const RATE = 6000; // a minute: 100 a second, below what 8 at once with 50 ms can send (160 a second)
const LATENCY_MS = 50;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The campaign figures, each [figure, measured, goal, pass], and a line of the rounds' values.
 * `bin` is the CLI to run: bench/run.mjs gives the one installed from the packed tarball.
 */
export async function campaignBench(bin = fileURLToPath(new URL('../bin/stackone-connect.js', import.meta.url))) {
  const key = 'v1.eu1.bench-key-0123456789abcdef';
  const emulator = await startEmulator({ apiKey: key, latencyMs: LATENCY_MS });
  const dir = mkdtempSync(join(tmpdir(), 'stackone-connect-campaign-bench-'));
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
    STACKONE_BASE_URL: emulator.url,
    STACKONE_API_KEY: key,
    STACKONE_CONFIG_DIR: join(dir, 'config'),
    FORCE_COLOR: '0',
  };
  const started = performance.now();

  /** Runs the CLI to its end (async: the emulator answers from this very process). */
  function cli(args, { killWhen } = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.stdout.resume();
      const watch = killWhen && setInterval(() => killWhen() && child.kill('SIGKILL'), 5);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearInterval(watch);
        resolve({ code, signal, stderr });
      });
    });
  }

  let run = 0;
  /** A file of `n` customers whose owner ids no other run uses, and the campaign's arguments. */
  function customers(n) {
    const prefix = `r${++run}`;
    const file = `${prefix}.csv`;
    writeFileSync(
      join(dir, file),
      `key,origin_owner_id,origin_owner_name\n${Array.from({ length: n }, (_, i) => `${prefix}-${i},${prefix}-${i},Customer ${i}`).join('\n')}\n`,
    );
    return { prefix, args: ['session', 'create', '--from-file', file, '--output', `${prefix}.jsonl`] };
  }

  const creates = () => emulator.requests.filter((r) => r.method === 'POST' && r.path === '/connect_sessions');
  /**
   * Requests a second from the `from`-th to the last. Arrivals count from the second: the first
   * also carries the start of the connection and of the client, which would shorten the span.
   */
  const perSecond = (requests, from = 1) => ((requests.length - 1 - from) * 1000) / (requests.at(-1).at - requests[from].at);

  /** Creates a second at the emulator, and as the CLI let them go (its journal's `sending` times). */
  async function campaign(n, flags) {
    const { args, prefix } = customers(n);
    emulator.clearRequests();
    const result = await cli([...args, ...flags]);
    if (result.code !== 0) throw new Error(`campaign exited ${result.code}: ${result.stderr}`);
    const sent = readFileSync(join(dir, `${prefix}.jsonl.journal`), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.kind === 'sending')
      .map((e) => ({ at: Date.parse(e.at) }));
    // The pace counts from the first send: the limiter's slots are spaced from it.
    return { arrived: perSecond(creates()), sent: perSecond(sent, 0) };
  }

  const ratios = [];
  const rates = [];
  const arrivals = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sequential = await campaign(SEQUENTIAL_ROWS, ['--concurrency', '1', '--rate', '1000000']);
    const concurrent = await campaign(ROWS, ['--concurrency', '8', '--rate', '1000000']);
    ratios.push(concurrent.arrived / sequential.arrived);
    // The pace is the CLI's: when it let each create go. Arrivals are the same, each moved by its
    // own few milliseconds of local work (the journal's sync, a connection), so a short run's
    // arrival span is off by a percent either way.
    const paced = await campaign(RATE_ROWS, ['--concurrency', '8', '--rate', String(RATE)]);
    rates.push((paced.sent * 60) / RATE);
    arrivals.push((paced.arrived * 60) / RATE);
  }

  // kill -9 a campaign of 1,000 rows a third of the way, run it again, count sessions per row.
  const killed = customers(ROWS);
  const before = emulator.sessions().length;
  const flags = ['--concurrency', '8', '--rate', '1000000'];
  const first = await cli([...killed.args, ...flags], { killWhen: () => emulator.sessions().length - before >= ROWS / 3 });
  if (first.signal !== 'SIGKILL') throw new Error(`the campaign was not killed: ${first.code} ${first.stderr}`);
  await cli([...killed.args, ...flags]);
  const results = readFileSync(join(dir, `${killed.prefix}.jsonl`), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  const sessions = emulator.sessions().slice(before);
  const perOwner = new Map();
  for (const s of sessions) perOwner.set(s.origin_owner_id, [...(perOwner.get(s.origin_owner_id) ?? []), s.id]);
  const duplicates = [...perOwner.values()].filter((ids) => ids.length > 1).length;
  const lost =
    results.filter((r) => !(r.status === 'uncertain' || (r.status === 'created' && perOwner.get(r.origin_owner_id)?.[0] === r.session_id)))
      .length +
    (ROWS - results.length);
  const uncertain = results.filter((r) => r.status === 'uncertain');
  const uncertainThere = uncertain.filter((r) => perOwner.has(r.origin_owner_id)).length;

  // The board on those 1,000 pending sessions at the default budget (1,000 a minute) for 3 s:
  // no more reads than the budget allows in that time (one every 60 ms), and not far fewer.
  const BOARD_MS = 3000;
  emulator.clearRequests();
  const board = await cli(['session', 'poll', '--all', '--from-file', `${killed.prefix}.jsonl`, '--timeout', `${BOARD_MS}ms`]);
  if (board.code !== 8) throw new Error(`the board exited ${board.code}: ${board.stderr}`);
  const reads = emulator.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/connect_sessions/')).length;
  const allowed = Math.floor(BOARD_MS / 60) + 1;

  await emulator.close();
  rmSync(dir, { recursive: true, force: true });

  const rows = [
    [
      `throughput: --concurrency 8 vs 1 (a sequential loop), ${ROWS} rows`,
      `${median(ratios).toFixed(2)}x`,
      '>= 7x (8x the limit)',
      median(ratios) >= 7,
    ],
    [
      `achieved rate with --rate ${RATE} binding (${RATE_ROWS} rows)`,
      `${(median(rates) * 100).toFixed(1)}% of the limit`,
      '>= 90%',
      median(rates) >= 0.9,
    ],
    [`duplicates after kill -9 at ${Math.round(ROWS / 3)} of ${ROWS} + re-run`, String(duplicates), '0', duplicates === 0],
    ['rows lost after kill -9 + re-run', String(lost), '0', lost === 0],
    [
      'rows uncertain after kill -9 (in flight when killed)',
      `${uncertain.length} (${uncertainThere} reached StackOne)`,
      '<= 8 (--concurrency)',
      uncertain.length <= 8,
    ],
    [
      `board: ${results.filter((r) => r.status === 'created').length} pending sessions, reads in its ${BOARD_MS / 1000} s (--rate 1000)`,
      `${reads}`,
      `<= ${allowed} (1,000 a minute), >= 90% of it`,
      reads <= allowed && reads >= 0.9 * allowed,
    ],
  ];
  const notes = `throughput ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')}; rate shares sent: ${rates.map((r) => (r * 100).toFixed(1)).join(', ')}%, as the emulator saw them arrive: ${arrivals.map((r) => (r * 100).toFixed(1)).join(', ')}%`;
  return { rows, notes, seconds: (performance.now() - started) / 1000 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, notes, seconds } = await campaignBench();
  console.log(
    `campaign bench: Node ${process.version}, emulator latency ${LATENCY_MS} ms, medians of ${ROUNDS} rounds, ${seconds.toFixed(1)} s\n`,
  );
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['figure', 'measured', 'goal'][i].length));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i] ?? 4)).join(' | ')} |`;
  console.log(line(['figure', 'measured', 'goal', 'pass']));
  console.log(line(widths.map((w) => '-'.repeat(w)).concat('----')));
  for (const [figure, measured, goal, pass] of rows) console.log(line([figure, measured, goal, pass ? 'pass' : 'FAIL']));
  console.log(`\n${notes}`);
  process.exitCode = rows.every((r) => r[3]) ? 0 : 1;
}
