import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { type ExitCodeValue, UsageError } from '../core/errors.js';
import { formatDuration, parseDurationMs } from '../lib/durations.js';
import { readEnvironment } from '../lib/env.js';
import type { Runtime } from '../lib/runtime.js';
import { action, type CommandContext, commandContext } from './context.js';

interface DemoOptions {
  manual?: boolean;
  after: string;
  port: string;
}

export function demoCommand(runtime: Runtime): Command {
  return new Command('demo')
    .description('the whole flow offline: a local emulator, a session, a customer who connects')
    .option('--manual', 'wait for you to open the link and click Connect (no automatic customer)')
    .option('--after <duration>', 'when the automatic customer connects', '4s')
    .option('--port <n>', 'port of the emulator (0: any free port)', '0')
    .addHelpText(
      'after',
      `
Nothing leaves this machine: the emulator runs inside this process, and the demo's session
history lives in a temporary directory that is removed at the end.

Examples:
  $ stackone-connect demo
  $ stackone-connect demo --manual      # open the printed link in a browser and click Connect`,
    )
    .action(
      action(async function (this: Command) {
        return runDemo(commandContext(this, runtime), this.opts<DemoOptions>());
      }),
    );
}

export async function runDemo(ctx: CommandContext, options: DemoOptions): Promise<ExitCodeValue> {
  const afterMs = parseDurationMs(options.after);
  if (afterMs === undefined || afterMs <= 0)
    throw new UsageError(`Invalid value "${options.after}" for --after.`, 'Use a duration such as 4s or 30s.');
  if (!/^\d+$/.test(options.port) || Number(options.port) > 65535)
    throw new UsageError(`Invalid value "${options.port}" for --port.`, 'Use 0 to 65535 (0: any free port).');

  const { startEmulator, newEmulatorKey } = await import('../emulator/index.js');
  const apiKey = newEmulatorKey();
  const emulator = await startEmulator({
    port: Number(options.port),
    apiKey,
    now: ctx.runtime.now, // the customer connects after --after on the command's own clock
    ...(options.manual ? {} : { autoComplete: { afterMs, outcome: 'connect' as const, provider: 'bamboohr' } }),
  });
  const configDir = mkdtempSync(join(tmpdir(), 'stackone-connect-demo-'));
  try {
    const { out } = ctx;
    out.info(out.errTheme.strong('stackone-connect demo'));
    out.info(out.errTheme.muted(`A local StackOne emulator is running at ${emulator.url} (nothing is sent anywhere else).`));
    out.info(
      out.errTheme.muted(
        options.manual
          ? 'Open the link below in a browser, pick a provider and click Connect.'
          : `Open the link below and click Connect, or wait: the customer connects by itself in ${formatDuration(afterMs)}.`,
      ),
    );
    out.info('');
    // The same code path as `session create --wait`, pointed at the emulator with its own key and history.
    const env = {
      ...ctx.runtime.env,
      STACKONE_BASE_URL: emulator.url,
      STACKONE_API_KEY: apiKey,
      STACKONE_CONFIG_DIR: configDir,
      STACKONE_PROFILE: undefined,
    };
    const demo: CommandContext = {
      ...ctx,
      canPrompt: false,
      configDir,
      flags: { ...ctx.flags, profile: undefined, apiKey: undefined, baseUrl: undefined },
      env: readEnvironment(env),
      runtime: { ...ctx.runtime, env },
      // The emulator goes with this process: no hint to resume against it later.
      ephemeral: true,
    };
    const { runSessionCreate } = await import('./session/create.js');
    return await runSessionCreate(demo, {
      originOwnerId: 'demo-customer',
      originOwnerName: 'Demo Customer Ltd',
      categories: ['hris'],
      expiresIn: '10m',
      wait: true,
      interval: '1s',
    });
  } finally {
    await emulator.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}
