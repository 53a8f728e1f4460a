/**
 * Shell completion scripts from a plain description of the command tree (commands/completion.ts
 * builds it from commander). The scripts carry the tree as data and need nothing at run time:
 * pressing Tab never starts node.
 */

import { fishScript } from './fish.js';
import { bashScript, zshScript } from './posix.js';
import type { CompletionCommand, Shell } from './spec.js';

export { type CompletionCommand, type CompletionOption, SHELLS, type Shell } from './spec.js';

export function completionScript(shell: Shell, bin: string, root: CompletionCommand): string {
  const all = flatten(root);
  if (shell === 'bash') return bashScript(bin, all);
  if (shell === 'zsh') return zshScript(bin, all);
  return fishScript(bin, all);
}

function flatten(command: CompletionCommand): CompletionCommand[] {
  return [command, ...command.commands.flatMap(flatten)];
}
