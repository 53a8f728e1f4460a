/** The command tree as the completion scripts see it, and quoting shared by the generators. */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionOption {
  /** ['-q', '--quiet'] */
  names: string[];
  takesValue: boolean;
  description: string;
  /** What the value may be, when the set is known (--type, --categories). */
  values?: readonly string[];
  /** A comma-separated list of values (--categories hris,ats). */
  list?: boolean;
}

export interface CompletionCommand {
  /** [] for the program, ['session', 'create'] for a subcommand. */
  path: string[];
  description: string;
  commands: CompletionCommand[];
  /** Everything accepted at this level, global options included. */
  options: CompletionOption[];
  /** Values of the first argument, when the set is known (`completion <shell>`). */
  argumentValues?: readonly string[];
}

export const fnName = (bin: string) => `_${bin.replace(/[^A-Za-z0-9]/g, '_')}`;
/** A single-quoted word for any POSIX-ish shell (fish too): ' becomes '\'' (fish: \'). */
export const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
export const fishq = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
export const key = (c: CompletionCommand) => c.path.join(' ');
