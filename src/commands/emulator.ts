import { Command } from 'commander';
import { CliError, ExitWith, UsageError, type ExitCodeValue } from '../errors.js';
import type { Emulator, EmulatorOptions } from '../emulator/index.js';
import type { EmulatorFlags } from '../emulator/flags.js';
import type { Runtime } from '../runtime.js';
import { isLoopbackHost } from '../core/settings.js';

/** Where the command writes and what stops it; tests pass their own. */
export interface EmulatorIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Aborted with the reason 'SIGINT' or 'SIGTERM' (main.ts does so on those signals). */
  signal: AbortSignal;
  /** The emulator's clock (the runtime's). */
  now?: () => number;
}

function ioOf(runtime: Runtime): EmulatorIo {
  return {
    stdout: (text) => void runtime.stdout.write(text),
    stderr: (text) => void runtime.stderr.write(text),
    signal: runtime.signal,
    now: runtime.now,
  };
}

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
      throw new CliError(`Port ${options.port} is already in use.`, { suggestion: 'Pick another with --port, or --port 0 for any free port.', cause: error });
    }
    throw new CliError(`Cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs until SIGINT (130) or SIGTERM (0); never exits the process itself. */
export async function runEmulator(flags: EmulatorFlags, io: EmulatorIo): Promise<number> {
  const { optionsFromFlags, FlagValueError } = await import('../emulator/flags.js');
  let options: EmulatorOptions;
  try {
    options = optionsFromFlags(flags);
  } catch (error) {
    if (error instanceof FlagValueError) throw new UsageError(error.message, 'See `stackone-connect emulator --help`.');
    throw error;
  }
  if (!isLoopbackHost(options.host ?? '127.0.0.1')) {
    io.stderr(`warning: listening on ${options.host}, which is not a loopback address: anyone who can reach this machine can use the emulator.\n`);
    if (options.publicUrl === undefined) {
      io.stderr('It answers requests addressed to this machine\'s IP addresses or to localhost; to reach it by another name (a container name, a tunnel), add --public-url http://<name>:<port>.\n');
    }
  }
  const emulator = await listen({ ...options, ...(io.now ? { now: io.now } : {}), log: (line) => io.stderr(`  ${line}\n`) });
  const { newEmulatorKey } = await import('../emulator/index.js');
  // stdout carries only what a shell can eval; everything else goes to stderr.
  io.stdout(exportLine('STACKONE_BASE_URL', emulator.url) + exportLine('STACKONE_API_KEY', options.apiKey ?? newEmulatorKey()));
  io.stderr(banner(emulator, options));

  const signal = await new Promise<unknown>((resolve) => {
    if (io.signal.aborted) resolve(io.signal.reason);
    else io.signal.addEventListener('abort', () => resolve(io.signal.reason), { once: true });
  });
  io.stderr('Stopping the emulator.\n');
  await emulator.close();
  return signal === 'SIGINT' ? 130 : 0;
}

/** Option values from the command line only: a global --api-key may come from STACKONE_API_KEY. */
function flagsOf(command: Command): EmulatorFlags {
  const all = command.optsWithGlobals<EmulatorFlags>();
  const source = command.getOptionValueSourceWithGlobals('apiKey');
  if (source === 'env' || source === 'default') delete all.apiKey;
  return all;
}

export function emulatorCommand(runtime: Runtime, io: EmulatorIo = ioOf(runtime)): Command {
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
    .option('--public-url <url>', 'base of auth links, and a host name to serve besides loopback and the listening address, e.g. http://emulator:4010')
    .addHelpText(
      'after',
      `
Examples:
  $ stackone-connect emulator > emulator.env &   # then: . ./emulator.env
  $ stackone-connect emulator --port 0 --auto-complete 5s
  $ stackone-connect emulator --latency 100-800 --error-rate 0.1 --rate-limit 30/60s --retry-after 5
  $ stackone-connect emulator --host 0.0.0.0 --public-url http://emulator:4010   # in a container named emulator`,
    )
    .action(async (_options: unknown, command: Command) => {
      // Commander drops action results, so a non-zero code travels to main.ts as ExitWith
      // (the same convention as commands/context.ts's action()).
      const code = await runEmulator(flagsOf(command), io);
      if (code !== 0) throw new ExitWith(code as ExitCodeValue);
    });
}
