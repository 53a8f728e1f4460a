import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, test } from 'vitest';
import { BIN, cleanEnv, type EmulatorProcess, startEmulatorProcess, tempConfigDir } from '../helpers/process.js';

/**
 * The README's "In CI" recipe, as written there, run by bash with GitHub Actions' flags
 * (`-eo pipefail`) against the emulator: the docs and the CLI cannot drift apart.
 */
const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

function recipe(): string {
  const section = README.slice(README.indexOf('\n## In CI\n'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README.md has no ```sh block under "## In CI"');
  return block[1];
}

const running: EmulatorProcess[] = [];
const cleanups: (() => void)[] = [];
// The scenarios mostly wait (the recipe polls every 2 s): they run side by side, cleaned up together.
afterAll(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/**
 * Runs the recipe with `npx stackone-connect` being the built binary, `send-to-customer` a step
 * of the test's, and the given durations in place of the recipe's days.
 */
async function runRecipe(emulator: EmulatorProcess, sendToCustomer: string, durations: { expiresIn?: string; timeout?: string } = {}) {
  const config = tempConfigDir();
  cleanups.push(config.cleanup);
  let script = recipe();
  if (durations.expiresIn) script = script.replace('--expires-in 7d', `--expires-in ${durations.expiresIn}`);
  if (durations.timeout) script = script.replace('--timeout 7d', `--timeout ${durations.timeout}`);
  const prelude = [
    'npx() { shift; "$CLI_NODE" "$CLI_BIN" "$@"; }', // `npx stackone-connect ...` -> the built binary
    `send-to-customer() { ${sendToCustomer}; }`,
  ].join('\n');
  const child = spawn('bash', ['-eo', 'pipefail', '-c', `${prelude}\n${script}`], {
    env: cleanEnv({
      CLI_NODE: process.execPath,
      CLI_BIN: BIN,
      STACKONE_BASE_URL: emulator.url,
      STACKONE_API_KEY: emulator.apiKey,
      STACKONE_CONFIG_DIR: config.dir,
      CUSTOMER_ID: 'acme-42',
      CUSTOMER_NAME: 'Acme Ltd',
      CI: 'true',
    }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr };
}

async function emulator(...flags: string[]): Promise<EmulatorProcess> {
  const started = await startEmulatorProcess(flags);
  running.push(started);
  return started;
}

/** The session id in the auth link the recipe handed to send-to-customer, found through the control API. */
const connectLatest =
  'id=$("$CLI_NODE" -e \'fetch(process.argv[1]).then(r=>r.json()).then(s=>console.log(s.at(-1).id))\' "$STACKONE_BASE_URL/_emulator/sessions") && "$CLI_NODE" -e \'fetch(process.argv[1],{method:"POST"})\' "$STACKONE_BASE_URL/_emulator/sessions/$id/connect"';

describe.concurrent("the README's CI recipe under bash -eo pipefail", () => {
  test('the customer connects: "connected: <account id>", exit 0', async ({ expect }) => {
    const emu = await emulator();
    const run = await runRecipe(emu, connectLatest);
    expect(run.stdout, run.stderr).toMatch(/^connected: \d{20}\n$/);
    expect(run.code).toBe(0);
  });

  test("the customer's attempt fails (exit 3 caught, not the end of the step)", async ({ expect }) => {
    const emu = await emulator('--auto-complete', '300ms', '--auto-outcome', 'fail');
    const run = await runRecipe(emu, 'true');
    expect(run.stdout, run.stderr).toBe("the customer's attempt failed; the link still works\n");
    expect(run.code).toBe(0);
  });

  test('the link expires (exit 5 caught)', async ({ expect }) => {
    const emu = await emulator();
    const run = await runRecipe(emu, 'true', { expiresIn: '2s' });
    expect(run.stdout, run.stderr).toBe('the link expired\n');
    expect(run.code).toBe(0);
  });

  test('still waiting at the timeout (exit 8 caught)', async ({ expect }) => {
    const emu = await emulator();
    const run = await runRecipe(emu, 'true', { timeout: '1s' });
    expect(run.stdout, run.stderr).toBe('not connected yet\n');
    expect(run.code).toBe(0);
  });

  test('any other exit ends the step with that code (a rejected key: 4)', async ({ expect }) => {
    const emu = await emulator('--api-key', 'v1.eu1.the-right-key-0123456789');
    const run = await runRecipe({ ...emu, apiKey: 'v1.eu1.a-wrong-key-0123456789' }, 'true');
    expect(run.code).toBe(4); // the create fails first: -e ends the step there, with its code
    expect(run.stdout).toBe('');
  });
});
