import { confirm, input } from '@inquirer/prompts';
import { CancelledError } from '../errors.js';
import type { ConnectorMeta } from '../api/types.js';
import type { CreateFlags } from '../core/create-body.js';

export interface SessionPromptDeps {
  listConnectors(): Promise<ConnectorMeta[]>;
}

/** Ctrl-C at a prompt: inquirer's ExitPromptError becomes exit 130, nothing sent. */
async function ask<T>(prompt: Promise<T>): Promise<T> {
  try {
    return await prompt;
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') {
      throw new CancelledError('Cancelled; nothing was created.');
    }
    throw error;
  }
}

/** Asks for what the flags left out, then for confirmation. */
export async function promptSessionInput(flags: CreateFlags, _deps: SessionPromptDeps): Promise<CreateFlags> {
  const result: CreateFlags = { ...flags };
  const required = (label: string) => (value: string) => (value.trim() ? true : `${label} is required`);
  result.originOwnerId ??= await ask(input({ message: 'Customer id (origin owner id):', validate: required('The customer id') }));
  result.originOwnerName ??= await ask(input({ message: 'Customer name (origin owner name):', validate: required('The customer name') }));
  const ok = await ask(confirm({ message: `Create a connect session for ${result.originOwnerName} (${result.originOwnerId})?`, default: true }));
  if (!ok) throw new CancelledError('Nothing was created.');
  return result;
}

/** Hidden input: the key never echoes, not even as its length. */
export async function promptApiKey(profile: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  const key = await ask(password({
    message: `StackOne API key for profile "${profile}":`,
    validate: (value) => (value.trim() ? true : 'Paste the key (it starts with v1.)'),
  }));
  return key.trim();
}
