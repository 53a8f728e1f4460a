// npm run bench: start-up and round-trip costs of the built CLI, as ratios to a bare `node`
// start measured in the same run, interleaved, so a noisy machine moves both sides alike.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../dist/emulator.js';

// Async spawns: the emulator answers from this very process, so it must not be blocked.
const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const bin = new URL('../bin/stackone-connect.js', import.meta.url).pathname;
const key = 'v1.eu1.bench-key-0123456789abcdef';
const emulator = await startEmulator({ port: 0, apiKey: key });
const config = mkdtempSync(join(tmpdir(), 'stackone-connect-bench-'));
const env = { ...process.env, STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: key, STACKONE_CONFIG_DIR: config, FORCE_COLOR: '0' };

const seed = await run(process.execPath, [bin, 'session', 'create', '--origin-owner-id', 'b', '--origin-owner-name', 'B', '--json'], { env });
const sessionId = JSON.parse(seed.stdout).id;
emulator.connect(sessionId);

const cases = {
  'node -e ""  (baseline)': [process.execPath, ['-e', '']],
  '--version': [process.execPath, [bin, '--version']],
  'session create --help': [process.execPath, [bin, 'session', 'create', '--help']],
  'session status <id> (1 request)': [process.execPath, [bin, 'session', 'status', String(sessionId), '--json']],
  'session create --json (1 request + history write)': [process.execPath, [bin, 'session', 'create', '--origin-owner-id', 'b', '--origin-owner-name', 'B', '--json']],
  'session poll <id> (connected: 1 request)': [process.execPath, [bin, 'session', 'poll', String(sessionId), '--quiet']],
};

const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, [cmd, args]] of Object.entries(cases)) {
    const started = process.hrtime.bigint();
    await run(cmd, args, { env }); // rejects on a non-zero exit
    samples[name].push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}
await emulator.close();
rmSync(config, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples['node -e ""  (baseline)']);
console.log(`median of ${ROUNDS} interleaved runs, Node ${process.version}\n`);
console.log(`${'command'.padEnd(52)}${'ms'.padStart(8)}${'× node'.padStart(9)}`);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(`${name.padEnd(52)}${m.toFixed(1).padStart(8)}${(m / base).toFixed(2).padStart(9)}`);
}
