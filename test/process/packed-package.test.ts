import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The package as `npx stackone-connect` gets it: packed from dist/ (built by `npm test`), then
// installed into an empty directory with an empty npm cache, offline: it must need nothing else.

const root = resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const work = mkdtempSync(join(tmpdir(), 'stackone-connect-packed-'));
const project = join(work, 'project');
const installed = join(project, 'node_modules', 'stackone-connect');
const bin = join(project, 'node_modules', '.bin', 'stackone-connect');

/** The environment of a user's shell: none of npm's own variables (npm test sets them), nothing of ours. */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|STACKONE_|VITEST|NODE_OPTIONS$|CI$)/i.test(name))),
  STACKONE_CONFIG_DIR: join(work, 'config'),
  XDG_CACHE_HOME: join(work, 'cache-home'), // where Node 22+ keeps the CLI's compile cache
  FORCE_COLOR: '0',
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd = project): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env, timeout: 60_000, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  expect(existsSync(join(root, 'dist', 'cli.cjs')), 'dist/ is missing: run `npm run build` (npm test does)').toBe(true);
  // --ignore-scripts: dist/ as built, rather than a second build under the other tests' feet.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(work, (JSON.parse(packed.stdout) as [{ filename: string }])[0].filename);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'project', private: true, type: 'module' }));
  const install = await run('npm', ['install', tarball, '--cache', join(work, 'npm-cache'), '--offline', '--no-audit', '--no-fund']);
  expect(install.code, install.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, installed with an empty cache', () => {
  test('is one package: no dependencies to install', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['stackone-connect']);
  });

  test('carries the licences of the packages it bundles', () => {
    const notices = readFileSync(join(installed, 'THIRD-PARTY-NOTICES.md'), 'utf8');
    for (const name of ['commander', 'chalk', 'ofetch', 'conf', 'ora', '@inquirer/core', 'ajv', 'undici']) {
      expect(notices).toContain(`## ${name} `);
    }
  });

  test('--version prints the version', async () => {
    const result = await run(bin, ['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('--help shows the command table', async () => {
    const result = await run(bin, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: stackone-connect \[options\] \[command\]/);
    for (const command of ['session', 'auth', 'emulator', 'demo', 'completion'])
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  test('creates a session against the emulator imported as stackone-connect/emulator', async () => {
    // What a user's own test does: the emulator from the package, the CLI from its bin.
    writeFileSync(
      join(project, 'create.mjs'),
      `
      import { execFile } from 'node:child_process';
      import { startEmulator } from 'stackone-connect/emulator';

      const emulator = await startEmulator({ port: 0, apiKey: 'packed-key' });
      const env = { ...process.env, STACKONE_BASE_URL: emulator.url, STACKONE_API_KEY: 'packed-key' };
      execFile(${JSON.stringify(bin)}, ['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json'], { env }, async (error, stdout, stderr) => {
        const requests = emulator.requests.map((r) => \`\${r.method} \${r.path} \${r.status}\`);
        await emulator.close();
        console.log(JSON.stringify({ code: error ? error.code : 0, stdout, stderr, requests }));
      });
    `,
    );
    const result = await run(process.execPath, ['create.mjs']);
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as Run & { requests: string[] };
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.requests).toEqual(['POST /connect_sessions 201']);
    const created = JSON.parse(outcome.stdout) as { id: number; origin_owner_id: string; auth_link_url: string };
    expect(created.origin_owner_id).toBe('acme');
    expect(created.auth_link_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  test('stackone-connect/emulator comes with its types', async () => {
    writeFileSync(
      join(project, 'typed.ts'),
      `
      import { startEmulator, type Emulator, type EmulatorOptions } from 'stackone-connect/emulator';

      const options: EmulatorOptions = { port: 0, latencyMs: [10, 20], autoComplete: { afterMs: 100, outcome: 'fail' } };
      const emulator: Emulator = await startEmulator(options);
      emulator.connect(1, { provider: 'bamboohr' });
      const statuses: number[] = emulator.requests.map((request) => request.status);
      // @ts-expect-error: the outcomes are 'connect', 'fail' and 'cancel'
      await startEmulator({ autoComplete: { afterMs: 1, outcome: 'succeed' } });
      export { statuses };
    `,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      'typed.ts',
    ]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);

  test('its source maps point a --verbose stack trace into src/', async () => {
    mkdirSync(env.STACKONE_CONFIG_DIR!, { recursive: true });
    writeFileSync(join(env.STACKONE_CONFIG_DIR!, 'sessions.json'), '{ not json');
    const result = await run(bin, ['session', 'list', '--verbose']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/at .*\bsrc[\\/]store[\\/]history\.ts:\d+:\d+/);
  });
});
