/** One option of a list question. */
export interface Choice<V> {
  value: V;
  name: string;
  description?: string;
  /** Shown as the answer once chosen. */
  short?: string;
}

/**
 * The questions interactive mode asks, as plain functions: @inquirer/prompts in the CLI
 * (ui/prompts.ts), a scripted answer list in tests. Ctrl-C at a question rejects with
 * PromptCancelled (ui/prompts.ts).
 */
export interface Ask {
  text(config: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  checkbox<V>(config: { message: string; choices: Choice<V>[] }): Promise<V[]>;
  select<V>(config: { message: string; choices: Choice<V>[]; default?: V }): Promise<V>;
  search<V>(config: { message: string; source: (term: string | undefined) => Choice<V>[] }): Promise<V>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  /** Hidden input: nothing echoes, not even the length. */
  password(config: { message: string; validate?: (value: string) => true | string }): Promise<string>;
}
