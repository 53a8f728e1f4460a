import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { runCli, tempConfigDir, type CliOptions, type CliResult } from './cli.js';

export const TEST_KEY = 'v1.eu1.test_key_0123456789abcdef';

export interface Harness {
  emulator: Emulator;
  configDir: string;
  /** Runs the CLI against this emulator, with STACKONE_BASE_URL, STACKONE_API_KEY and a temp config dir. */
  cli(args: string[], options?: CliOptions): Promise<CliResult>;
  /** Every JSON body the CLI sent to POST /connect_sessions, in order. */
  createBodies(): unknown[];
}

/**
 * One emulator (port 0) for a test file, a fresh config dir and request log per test.
 * Call at the top level of a describe/test file.
 */
export function useHarness(options: EmulatorOptions = {}): Harness {
  let emulator: Emulator | undefined;
  let config: { dir: string; cleanup: () => void } | undefined;
  const harness: Harness = {
    get emulator() {
      if (!emulator) throw new Error('the emulator is not started yet');
      return emulator;
    },
    get configDir() {
      config ??= tempConfigDir();
      return config.dir;
    },
    cli(args, cliOptions = {}) {
      return runCli(args, {
        ...cliOptions,
        env: {
          STACKONE_BASE_URL: harness.emulator.url,
          STACKONE_API_KEY: TEST_KEY,
          STACKONE_CONFIG_DIR: harness.configDir,
          ...cliOptions.env,
        },
      });
    },
    createBodies() {
      return harness.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/connect_sessions').map((r) => r.body);
    },
  };
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, apiKey: TEST_KEY, ...options });
  });
  afterEach(() => {
    emulator?.clearRequests();
    emulator?.clearFaults();
    config?.cleanup();
    config = undefined;
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return harness;
}

/** The session id the CLI printed (--json create output, or the human "Session" row). */
export function sessionIdFrom(output: string): number {
  try {
    const parsed = JSON.parse(output.trim().split('\n')[0]!) as { id?: number; session_id?: number };
    const id = parsed.id ?? parsed.session_id;
    if (typeof id === 'number') return id;
  } catch {
    // human output
  }
  const match = /Session\s+(\d+)/.exec(output);
  if (!match) throw new Error(`no session id in output: ${output}`);
  return Number(match[1]);
}
