import { Command } from 'commander';
import { authListCommand } from './commands/auth/list.js';
import { authLoginCommand } from './commands/auth/login.js';
import { authLogoutCommand } from './commands/auth/logout.js';
import { authStatusCommand } from './commands/auth/status.js';
import { authSwitchCommand } from './commands/auth/switch.js';
import { completionCommand } from './commands/completion.js';
import { buildContext } from './commands/context.js';
import { demoCommand } from './commands/demo.js';
import { emulatorCommand } from './commands/emulator.js';
import { sessionCreateCommand } from './commands/session/create.js';
import { sessionListCommand } from './commands/session/list.js';
import { sessionPollCommand } from './commands/session/poll.js';
import { sessionStatusCommand } from './commands/session/status.js';
import { readEnvironment } from './lib/env.js';
import { type Runtime, VERSION } from './lib/runtime.js';
import { colorLevel, red } from './ui/color-level.js';

/**
 * The command table. Command files are light: each action imports what it needs (ofetch, conf,
 * ora, inquirer, the emulator) when it runs, so `--help` loads commander and this table alone
 * (`--version` not even that: main.ts answers it).
 */
export function buildProgram(runtime: Runtime): Command {
  const program = new Command('stackone-connect')
    .description('Create StackOne connect sessions and wait until the customer has connected.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--profile <name>', 'stored credentials to use (env: STACKONE_PROFILE)')
    .option('--api-key <key>', 'API key (env: STACKONE_API_KEY; visible in process lists)')
    .option('--base-url <url>', 'API base URL (env: STACKONE_BASE_URL; default https://api.stackone.com)')
    .option('--json', 'machine-readable result on stdout')
    .option('-q, --quiet', 'print only the essential value')
    .option('--no-input', 'never prompt (env: STACKONE_NO_INPUT=1; implied without a TTY or with CI)')
    .option('--no-color', 'no colours (env: NO_COLOR)')
    .option('--verbose', 'trace HTTP requests on stderr, secrets redacted (env: STACKONE_DEBUG=1)')
    .option('--request-timeout <duration>', 'time limit of each HTTP request (default: 30s)')
    .showSuggestionAfterError(true)
    .showHelpAfterError('  Add --help for usage.')
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
      // Commander's own errors (an unknown option, a missing argument) in the style of every other error.
      outputError: (text, write) => write(commanderError(text, runtime, program)),
    })
    // Each command's help lists the program's flags it accepts too (gh's "INHERITED FLAGS").
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    // The command's context (flags, environment, output) is built once, before its action, and
    // kept for the error report (run.ts).
    .hook('preAction', (_program, actionCommand) => void buildContext(actionCommand, runtime))
    .addHelpText(
      'after',
      `
Examples:
  $ stackone-connect session create --origin-owner-id acme --origin-owner-name "Acme" --wait
  $ stackone-connect session create            # interactive: asks, shows the link, waits
  $ stackone-connect demo                      # the whole flow offline, against the built-in emulator

Exit codes: 0 ok, 1 error, 2 usage (nothing sent), 3 attempt failed, 4 auth, 5 expired, 8 still pending,
130 / 143 / 129 interrupted (SIGINT / SIGTERM / SIGHUP).`,
    );

  // Subcommands inherit exitOverride and configureOutput from their parent when created through it.
  const session = program.command('session').description('create connect sessions and wait for customers');
  const auth = program.command('auth').description('manage API keys and profiles');
  const groups = new Map([
    [session, [sessionCreateCommand, sessionPollCommand, sessionStatusCommand, sessionListCommand]],
    [auth, [authLoginCommand, authStatusCommand, authListCommand, authLogoutCommand, authSwitchCommand]],
  ]);
  const fill = (group: Command) => {
    for (const make of groups.get(group) ?? []) group.addCommand(inherit(make(runtime), group));
    groups.delete(group);
  };
  const fillAll = () => [...groups.keys()].forEach(fill);
  program.addCommand(inherit(emulatorCommand(runtime), program));
  program.addCommand(inherit(demoCommand(runtime), program));
  program.addCommand(
    inherit(
      completionCommand(runtime, () => {
        fillAll();
        return program;
      }),
      program,
    ),
  );
  // A group's commands are made only when the command line names the group (`session create`,
  // `help auth`): `--help` lists the groups, and `session ...` needs nothing of `auth`.
  const parseAsync = program.parseAsync.bind(program);
  program.parseAsync = (argv, options) => {
    for (const group of [...groups.keys()]) if (!argv || argv.includes(group.name())) fill(group);
    return parseAsync(argv, options);
  };
  return program;
}

/** "error: unknown option '--x'\n(Did you mean --y?)" -> "✗ Unknown option '--x'.\n  (Did you mean --y?)". */
function commanderError(text: string, runtime: Runtime, program: Command): string {
  const level = colorLevel(runtime.stderr, readEnvironment(runtime.env), program.opts<{ color?: boolean }>().color !== false);
  const [first = '', ...rest] = text.trimEnd().split('\n');
  const message = first.replace(/^error: /, '');
  const sentence = `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?)]$/.test(message) ? '' : '.'}`;
  return `${red(`✗ ${sentence}`, level)}\n${rest.map((line) => `  ${line}\n`).join('')}`;
}

/** addCommand() does not copy the parent's settings (command() does): copy them. */
function inherit(command: Command, parent: Command): Command {
  return command.copyInheritedSettings(parent);
}
