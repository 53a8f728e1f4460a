import { Command } from 'commander';
import { CliError, ExitCode, type ExitCodeValue } from '../core/errors.js';
import type { Emulator, EmulatorOptions } from '../emulator/index.js';
import { isLoopbackHost } from '../lib/net.js';
import type { Runtime } from '../lib/runtime.js';
import { action, type CommandContext, commandContext } from './context.js';
import type { EmulatorFlags } from './emulator-flags.js';

/** `export NAME=value` that survives eval, whatever the value contains. */
function exportLine(name: string, value: string): string {
  const safe = /^[A-Za-z0-9_.:/@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
  return `export ${name}=${safe}\n`;
}

function describeFaults(o: EmulatorOptions): string[] {
  const lines: string[] = [];
  if (o.latencyMs !== undefined) lines.push(`latency ${Array.isArray(o.latencyMs) ? o.latencyMs.join('-') : o.latencyMs}ms`);
  if (o.errorRate !== undefined) lines.push(`error rate ${o.errorRate}`);
  if (o.rateLimit) lines.push(`rate limit ${o.rateLimit.limit} per ${o.rateLimit.windowMs / 1000}s`);
  if (o.autoComplete) lines.push(`auto-complete after ${o.autoComplete.afterMs}ms (${o.autoComplete.outcome ?? 'connect'})`);
  if (o.legacy) lines.push('legacy: GET /connect_sessions/{id} answers 404');
  return lines;
}

function banner(emulator: Emulator, options: EmulatorOptions): string {
  const key = options.apiKey ? 'only the key given with --api-key' : 'any non-empty key is accepted (pass --api-key to require one)';
  const faults = describeFaults(options);
  return [
    `StackOne API emulator listening on ${emulator.url}`,
    `  auth links  ${emulator.publicUrl}/hub?token=…`,
    `  control     ${emulator.url}/_emulator/ (health, requests, sessions, sessions/{id}/connect|fail|cancel|start|expire, faults)`,
    `  api key     ${key}`,
    ...(faults.length > 0 ? [`  faults      ${faults.join(', ')}`] : []),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

async function listen(options: EmulatorOptions): Promise<Emulator> {
  const { startEmulator } = await import('../emulator/index.js');
  try {
    return await startEmulator(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(`Port ${options.port} is already in use.`, {
        suggestion: 'Pick another with --port, or --port 0 for any free port.',
        cause: error,
      });
    }
    throw new CliError(`Cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs until SIGINT (130) or SIGTERM (0: the usual way to stop a server); never exits the process itself. */
export async function runEmulator(ctx: CommandContext, flags: EmulatorFlags): Promise<ExitCodeValue> {
  const { runtime } = ctx;
  const stderr = (text: string) => void runtime.stderr.write(text);
  const { optionsFromFlags } = await import('./emulator-flags.js');
  const options = optionsFromFlags(flags);
  if (!isLoopbackHost(options.host ?? '127.0.0.1')) {
    ctx.out.warn(`Listening on ${options.host}, which is not a loopback address: anyone who can reach this machine can use the emulator.`);
    if (options.publicUrl === undefined) {
      stderr(
        "  It answers requests addressed to this machine's IP addresses or to localhost; to reach it by another name (a container name, a tunnel), add --public-url http://<name>:<port>.\n",
      );
    }
  }
  const emulator = await listen({ ...options, now: runtime.now, log: (line) => stderr(`  ${line}\n`) });
  const { newEmulatorKey } = await import('../emulator/index.js');
  // stdout carries only what a shell can eval; everything else goes to stderr.
  runtime.stdout.write(exportLine('STACKONE_BASE_URL', emulator.url) + exportLine('STACKONE_API_KEY', options.apiKey ?? newEmulatorKey()));
  stderr(banner(emulator, options));

  const { signal } = runtime;
  const reason = await new Promise<unknown>((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });
  stderr('Stopping the emulator.\n');
  await emulator.close();
  return reason === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Ok;
}

export function emulatorCommand(runtime: Runtime): Command {
  return new Command('emulator')
    .description('run a local StackOne API emulator until stopped')
    .option('--port <n>', 'port to listen on; 0 picks a free port', '4010')
    .option('--host <host>', 'address to listen on; loopback unless you say otherwise', '127.0.0.1')
    .option('--api-key <key>', 'accept only this API key')
    .option('--any-key', 'accept any non-empty API key (the default without --api-key)')
    .option('--latency <ms|min-max>', 'delay every API response, e.g. 200 or 100-800')
    .option('--error-rate <0..1>', 'share of API requests that answer 500, e.g. 0.1')
    .option('--rate-limit <n[/window]>', 'answer 429 beyond n requests per window (default 60s), e.g. 100/60s')
    .option('--retry-after <seconds>', 'Retry-After of rate-limited answers (default: until the window resets)')
    .option('--auto-complete <delay>', 'sessions finish by themselves after this long, e.g. 5s')
    .option('--auto-outcome <outcome>', 'how auto-completed sessions end: connect, fail or cancel (default connect)')
    .option('--legacy', 'emulate an older deployment without GET /connect_sessions/{id}')
    .option(
      '--public-url <url>',
      'base of auth links, and a host name to serve besides loopback and the listening address, e.g. http://emulator:4010',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ stackone-connect emulator > emulator.env &   # then: . ./emulator.env
  $ stackone-connect emulator --port 0 --auto-complete 5s
  $ stackone-connect emulator --latency 100-800 --error-rate 0.1 --rate-limit 30/60s --retry-after 5
  $ stackone-connect emulator --host 0.0.0.0 --public-url http://emulator:4010   # in a container named emulator`,
    )
    .action(
      action(async function (this: Command) {
        // --api-key on this command line is the key the emulator accepts (commander gives it to the
        // program's own --api-key); STACKONE_API_KEY is never read for it.
        return runEmulator(commandContext(this, runtime), {
          ...this.opts<EmulatorFlags>(),
          apiKey: this.optsWithGlobals<EmulatorFlags>().apiKey,
        });
      }),
    );
}
