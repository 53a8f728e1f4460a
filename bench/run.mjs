// npm run bench: the package as `npx` users get it (packed, then installed with an empty cache),
// against floors measured in the same run, each figure the ratio of two medians over runs
// interleaved in a new order each round, so that a busy machine slows both sides alike.
//
// Then campaigns (bench/campaign.mjs) with the same installed CLI: concurrency, rate, kill -9 and
// re-run, and the board's reads against its budget.
//
// What is measured: for installs and for poll detection, which are waits, wall-clock time; for
// start-up and the create, which are work, the CPU time of the process (user + system, from
// bench/usage.cjs). On a shared machine the wall time of a 150 ms process measures the other
// processes as much as this one; its CPU time does not, and on an idle machine the two agree.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../dist/emulator.js';
import { CAMPAIGN_ROUNDS, campaignBench } from './campaign.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const INSTALL_ROUNDS = 5;
const SDK_ROUNDS = 3; // the SDK takes seconds per run
const POLLERS = 5; // odd: the median is the one that connects half way through the interval
const INTERVAL_MS = 2000;

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
const usage = join(root, 'bench', 'usage.cjs');
const work = mkdtempSync(join(tmpdir(), 'stackone-connect-bench-'));
// npm run sets npm_config_* for its scripts; the installs below must see none of them.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let onRequestLogged = () => {}; // the emulator's one line per answered request

/**
 * Runs a command to completion (rejects on a non-zero exit): its stdout, wall time, and with
 * `measured` its CPU time and peak memory. Async: the emulator answers from this process.
 */
function run(command, args, { measured = false, env = cleanEnv, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: measured ? { ...env, NODE_OPTIONS: `--require ${JSON.stringify(usage)}` } : env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const out = { stdout: '', stderr: '', usage: '' };
    child.stdout.on('data', (data) => (out.stdout += data));
    child.stderr.on('data', (data) => (out.stderr += data));
    child.stdio[3].on('data', (data) => (out.usage += data));
    let wallMs;
    child.on('exit', () => (wallMs = performance.now() - started));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${out.stderr}`));
      const [cpuMs, peakKb] = out.usage.trim().split(' ').map(Number);
      resolve({ stdout: out.stdout, wallMs, cpuMs, peakKb });
    });
  });
}

async function pack(dir) {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: dir });
  return join(work, JSON.parse(stdout)[0].filename);
}

/** The floor of a cold install: a package of one file, no dependencies. */
async function packFloor() {
  const dir = join(work, 'floor');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'floor', version: '1.0.0', bin: { floor: 'index.js' } }));
  writeFileSync(join(dir, 'index.js'), "#!/usr/bin/env node\nconsole.log('1.0.0');\n");
  return pack(dir);
}

let installs = 0;
/** `npm install <tarball>` into an empty directory with an empty cache; offline: a tarball needs nothing else. */
async function coldInstall(tarball) {
  const dir = join(work, `install-${++installs}`);
  mkdirSync(dir);
  const cache = join(work, `cache-${installs}`);
  const { wallMs } = await run('npm', ['install', tarball, '--cache', cache, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
  });
  return { wallMs, dir };
}

function installedPackages(dir) {
  const lock = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8'));
  return Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/')).length;
}

/**
 * How long after the customer connects `session poll` exits. The customer connects at moments
 * spread evenly over the interval (after the poller's first request), as they would at random;
 * one poller at a time, so that none waits for another's start-up.
 */
async function pollDetection(emulator, cli, env) {
  const answered = new Map();
  onRequestLogged = (line) => {
    const id = /^GET \/connect_sessions\/(\d+) /.exec(line)?.[1];
    if (id && !answered.has(id)) answered.set(id, performance.now());
  };
  const delays = [];
  for (let k = 0; k < POLLERS; k++) {
    const { stdout } = await run(
      node,
      [cli, 'session', 'create', '--origin-owner-id', `poll-${k}`, '--origin-owner-name', 'Poll', '--json'],
      { env },
    );
    const id = String(JSON.parse(stdout).id);
    let connectedAt;
    const child = spawn(node, [cli, 'session', 'poll', id, '--interval', `${INTERVAL_MS / 1000}s`, '--json'], { env, stdio: 'ignore' });
    const exited = new Promise((resolve, reject) => {
      child.on('exit', (code) =>
        code === 0 ? resolve(performance.now() - connectedAt) : reject(new Error(`session poll exited ${code}`)),
      );
    });
    while (!answered.has(id)) await new Promise((resolve) => setTimeout(resolve, 1));
    const phase = ((k + 0.5) / POLLERS) * INTERVAL_MS;
    await new Promise((resolve) => setTimeout(resolve, answered.get(id) + phase - performance.now()));
    connectedAt = performance.now();
    emulator.connect(Number(id));
    delays.push(await exited);
  }
  return median(delays);
}

try {
  const started = performance.now();
  const tarball = await pack(root);
  const floor = await packFloor();

  const installTimes = { floor: [], ours: [] };
  let installed;
  for (let round = 0; round < INSTALL_ROUNDS; round++) {
    installTimes.floor.push((await coldInstall(floor)).wallMs);
    installed = await coldInstall(tarball);
    installTimes.ours.push(installed.wallMs);
  }

  const key = 'v1.eu1.bench-key-0123456789abcdef';
  const emulator = await startEmulator({ port: 0, apiKey: key, log: (line) => onRequestLogged(line) });
  const env = {
    ...cleanEnv,
    STACKONE_BASE_URL: emulator.url,
    STACKONE_API_KEY: key,
    STACKONE_CONFIG_DIR: join(work, 'config'),
    XDG_CACHE_HOME: join(work, 'cache-home'), // Node 22+'s compile cache, kept out of the real one
  };
  const cli = join(installed.dir, 'node_modules', 'stackone-connect', 'bin', 'stackone-connect.js');
  const create = ['session', 'create', '--origin-owner-id', 'bench', '--origin-owner-name', 'Bench', '--json'];
  // The CLI keeps fetch's WebAssembly HTTP parser on V8's baseline compiler (src/api/proxy.ts); the
  // fetch script gets the same, so that their ratio is the CLI's own cost.
  const v8Flags = ['--liftoff-only', '--no-wasm-dynamic-tiering'];
  const cases = {
    base: { args: ['-e', '0'] },
    version: { args: [cli, '--version'] },
    help: { args: [cli, '--help'] },
    fetch: { args: [...v8Flags, join(root, 'bench', 'fetch-create.cjs')] },
    create: { args: [cli, ...create] },
    sdk: { args: [join(root, 'bench', 'sdk-create.cjs')], rounds: SDK_ROUNDS },
  };
  for (const c of Object.values(cases)) c.runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A new order each round: no case always runs right after another.
    const order = Object.values(cases)
      .filter((c) => round < (c.rounds ?? ROUNDS))
      .sort(() => Math.random() - 0.5);
    for (const c of order) c.runs.push(await run(node, c.args, { env, measured: true }));
  }

  const pollMs = await pollDetection(emulator, cli, env);
  await emulator.close();
  const campaign = await campaignBench(cli);

  const cpu = (name) => median(cases[name].runs.map((r) => r.cpuMs));
  const wall = (name) => median(cases[name].runs.map((r) => r.wallMs));
  const peak = (name) => median(cases[name].runs.map((r) => r.peakKb)) / 1024;
  const cpuRatio = (a, b) => ({
    ratio: cpu(a) / cpu(b),
    detail: `${cpu(a).toFixed(0)} / ${cpu(b).toFixed(0)} ms CPU; wall ${(wall(a) / wall(b)).toFixed(2)}x`,
  });
  const install = {
    ratio: median(installTimes.ours) / median(installTimes.floor),
    detail: `${(median(installTimes.ours) / 1000).toFixed(2)} / ${(median(installTimes.floor) / 1000).toFixed(2)} s`,
  };
  const memory = { ratio: peak('create') / peak('base'), detail: `${peak('create').toFixed(1)} / ${peak('base').toFixed(1)} MB` };
  const [version, help, overFetch, sdk] = [
    cpuRatio('version', 'base'),
    cpuRatio('help', 'base'),
    cpuRatio('create', 'fetch'),
    cpuRatio('sdk', 'create'),
  ];
  const packages = installedPackages(installed.dir);
  const tarballKb = statSync(tarball).size / 1024;
  const x = ({ ratio, detail }) => `${ratio.toFixed(2)}x (${detail})`;
  const rows = [
    ['cold install of the packed tarball, empty cache, vs a one-file package', x(install), '<= 1.5x', install.ratio <= 1.5],
    ['installed packages', String(packages), '1', packages === 1],
    ['packed tarball', `${tarballKb.toFixed(0)} KB`, '<= 400 KB', tarballKb <= 400],
    ['--version vs node -e 0', x(version), '<= 1.25x', version.ratio <= 1.25],
    ['--help vs node -e 0', x(help), '<= 1.35x', help.ratio <= 1.35],
    ['session create --json vs a bare fetch script, same request', x(overFetch), '<= 1.25x', overFetch.ratio <= 1.25],
    [
      'the same create with the official TypeScript SDK vs this CLI',
      `${sdk.ratio.toFixed(1)}x slower (${sdk.detail})`,
      '>= 5x slower',
      sdk.ratio >= 5,
    ],
    [
      `poll detection: connected -> CLI exits, --interval ${INTERVAL_MS / 1000}s`,
      `median ${(pollMs / 1000).toFixed(2)} s`,
      'median <= 1.1 s',
      pollMs <= 1100,
    ],
    ['peak memory of session create --json vs node -e 0', x(memory), '<= 1.5x', memory.ratio <= 1.5],
    ...campaign.rows,
  ];

  const header = ['figure', 'measured', 'goal', 'pass/fail'];
  const table = [header, ...rows.map(([figure, measured, goal, pass]) => [figure, measured, goal, pass ? 'pass' : 'FAIL'])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(
    `\nNode ${process.version}; medians of ${ROUNDS} runs (installs ${INSTALL_ROUNDS}, SDK ${SDK_ROUNDS}, pollers ${POLLERS}, campaign rounds ${CAMPAIGN_ROUNDS}); ${seconds} s\n`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table.slice(1)) console.log(line(row));
  console.log(`\nCampaigns (emulator latency 50 ms): ${campaign.notes}`);
  process.exitCode = rows.every((row) => row[3]) ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
