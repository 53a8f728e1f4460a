import { type Ask, PromptCancelled } from '../../src/ui/prompts.js';

export type AskKind = keyof Ask;
/** One expected question: its kind, the start of its message, and the answer (or a function of the prompt's config). */
export type AskStep = [kind: AskKind, message: string | RegExp, answer: unknown];

/** Ctrl-C at that question, as @inquirer/prompts reports it. */
export const CTRL_C = Symbol('Ctrl-C');

export interface ScriptedAsk extends Ask {
  /** Every question asked, in order. */
  asked: string[];
  /** The config each question was asked with, by message. */
  configs: Record<string, unknown>;
  /** Questions of the script not asked yet. */
  left(): AskStep[];
}

/** An Ask that expects these questions in this order and gives these answers; anything else fails the test. */
export function scriptedAsk(steps: AskStep[]): ScriptedAsk {
  const queue = [...steps];
  const asked: string[] = [];
  const configs: Record<string, unknown> = {};
  const answer = (kind: AskKind) => async (config: { message: string }) => {
    asked.push(config.message);
    const next = queue.shift();
    if (!next) throw new Error(`unexpected ${kind} "${config.message}"`);
    const [want, message, value] = next;
    const matches = typeof message === 'string' ? config.message.startsWith(message) : message.test(config.message);
    if (want !== kind || !matches) throw new Error(`asked ${kind} "${config.message}", expected ${want} "${String(message)}"`);
    configs[typeof message === 'string' ? message : config.message] = config;
    if (value === CTRL_C) throw new PromptCancelled();
    return typeof value === 'function' ? (value as (c: unknown) => unknown)(config) : value;
  };
  return {
    asked,
    configs,
    left: () => [...queue],
    text: answer('text') as Ask['text'],
    checkbox: answer('checkbox') as Ask['checkbox'],
    select: answer('select') as Ask['select'],
    search: answer('search') as Ask['search'],
    confirm: answer('confirm') as Ask['confirm'],
    password: answer('password') as Ask['password'],
  };
}
