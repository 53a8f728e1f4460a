import { Command, type Option } from 'commander';
import { CATEGORIES, SESSION_TYPES } from '../api/types.js';
import { type CompletionCommand, type CompletionOption, SHELLS } from '../core/completion/spec.js';
import { UsageError } from '../core/errors.js';
import type { Runtime } from '../lib/runtime.js';
import { action } from './context.js';
import { STATUSES } from './session/list.js';

// Values the shells can offer: the API's enums (docs/stackone-api.md). Not commander choices: --type
// is case-insensitive, which commander's choices are not.
const OPTION_VALUES: Record<string, { values: readonly string[]; list?: boolean }> = {
  '--categories': { values: CATEGORIES, list: true },
  '--type': { values: SESSION_TYPES },
  '--status': { values: STATUSES, list: true },
};
const ARGUMENT_VALUES: Record<string, readonly string[]> = { completion: SHELLS };

export function completionCommand(runtime: Runtime, getProgram: () => Command): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', `one of: ${SHELLS.join(', ')}`)
    .addHelpText(
      'after',
      `
Examples:
  $ stackone-connect completion bash > ~/.local/share/bash-completion/completions/stackone-connect
  $ echo 'source <(stackone-connect completion zsh)' >> ~/.zshrc
  $ stackone-connect completion fish > ~/.config/fish/completions/stackone-connect.fish`,
    )
    .action(
      action(async function (this: Command, shell: string) {
        const name = shell.trim().toLowerCase();
        const known = SHELLS.find((s) => s === name);
        if (!known) throw new UsageError(`Unknown shell "${shell}".`, `Use one of: ${SHELLS.join(', ')}.`);
        const { completionScript } = await import('../core/completion/index.js');
        const program = getProgram();
        runtime.stdout.write(completionScript(known, program.name(), describe(program, [], [])));
      }),
    );
}

function describeOption(option: Option): CompletionOption {
  const known = option.long ? OPTION_VALUES[option.long] : undefined;
  return {
    names: [option.short, option.long].filter((n): n is string => Boolean(n)),
    takesValue: option.required || option.optional,
    description: option.description,
    values: known?.values ?? option.argChoices,
    list: known?.list,
  };
}

/** The command tree as the scripts need it: every level lists the program's options too. */
function describe(command: Command, path: string[], inherited: CompletionOption[]): CompletionCommand {
  const help = command.createHelp();
  const own = help.visibleOptions(command).map(describeOption);
  const names = new Set(own.flatMap((o) => o.names));
  // The program's options are accepted after any subcommand; --version only before one.
  const globals = inherited.filter((o) => !o.names.some((n) => names.has(n) || n === '--version'));
  const options = [...own, ...globals];
  return {
    path,
    description: command.description(),
    options,
    commands: help
      .visibleCommands(command)
      .filter((sub) => sub.name() !== 'help')
      .map((sub) => describe(sub, [...path, sub.name()], path.length === 0 ? own : inherited)),
    argumentValues: ARGUMENT_VALUES[path.join(' ')],
  };
}
