// The prompts one by one, not @inquirer/prompts: that also pulls in the editor prompt and iconv-lite.
import checkbox from '@inquirer/checkbox';
import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import password from '@inquirer/password';
import search from '@inquirer/search';
import select from '@inquirer/select';
import { CancelledError, UsageError } from '../errors.js';
import { CATEGORIES, SESSION_TYPES, type ConnectorMeta } from '../api/types.js';
import { parseCategories, parseExpiresIn, type CreateFlags } from '../core/create-body.js';
import { sanitizeLine } from '../core/sanitize.js';
import { NO_PROVIDER, providerChoices, sessionSummary, type Choice } from './prompt-choices.js';

/**
 * The questions the onboarding flow asks, as plain functions: the @inquirer prompts in the CLI
 * (inquirerAsk), scripted fakes or @inquirer/testing's screen in tests.
 */
export interface Ask {
  text(config: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  checkbox<V>(config: { message: string; choices: Choice<V>[] }): Promise<V[]>;
  select<V>(config: { message: string; choices: Choice<V>[]; default?: V }): Promise<V>;
  search<V>(config: { message: string; source: (term: string | undefined) => Choice<V>[] }): Promise<V>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
}

/** Where the prompts read and draw, and the signal (SIGTERM) that closes them. */
export interface PromptContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface SessionPromptDeps {
  ask: Ask;
  listConnectors(): Promise<ConnectorMeta[]>;
  /** Dialogue lines that are not questions (the summary): stderr, so stdout keeps only results. */
  note(text: string): void;
  warn(text: string): void;
  /** How long the provider list may take before free text is offered instead. */
  catalogueTimeoutMs?: number;
}

const CUSTOM = '\u0000custom';
const EXPIRY_CHOICES: Choice<string>[] = [
  { value: '30m', name: '30 minutes (API default)' },
  { value: '1h', name: '1 hour' },
  { value: '24h', name: '24 hours' },
  { value: '7d', name: '7 days' },
  { value: CUSTOM, name: 'custom…', description: 'seconds (3600) or a duration: 90s, 30m, 12h, 7d' },
];

/** Ctrl-C at a prompt (inquirer's ExitPromptError) or SIGTERM: exit 130, nothing sent. */
async function ask<T>(prompt: Promise<T>, cancelled: string): Promise<T> {
  try {
    return await prompt;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') {
      throw new CancelledError(cancelled);
    }
    throw error;
  }
}

/** The Ask of the CLI: the @inquirer prompts on the given streams. */
export function inquirerAsk(context: PromptContext = {}, cancelled = 'Cancelled; nothing was created.'): Ask {
  return {
    text: (config) => ask(input(config, context), cancelled),
    checkbox: (config) => ask(checkbox({ ...config, pageSize: CATEGORIES.length }, context), cancelled),
    select: (config) => ask(select(config, context), cancelled),
    search: (config) => ask(search({ ...config, pageSize: 10 }, context), cancelled),
    confirm: (config) => ask(confirm(config, context), cancelled),
  };
}

type Catalogue = { ok: true; connectors: ConnectorMeta[] } | { ok: false; reason: string; cancelled?: boolean };

/** Never rejects: a catalogue that cannot be read only means free text for the provider. */
function loadCatalogue(deps: SessionPromptDeps): Promise<Catalogue> {
  const limit = deps.catalogueTimeoutMs ?? 8000;
  const answer = Promise.resolve().then(() => deps.listConnectors()).then(
    (connectors): Catalogue => ({ ok: true, connectors }),
    // "Listing connectors failed: 500 ..." -> "500 ...": the line already says what failed.
    (error: unknown): Catalogue => ({
      ok: false,
      reason: sanitizeLine((error as Error).message ?? error).replace(/^[^:]* failed: /, ''),
      cancelled: error instanceof CancelledError, // Ctrl-C while the list was loading
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Catalogue>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${Math.round(limit / 1000)}s` }), limit);
    timer.unref();
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

const required = (what: string) => (value: string) => {
  if (value.trim() === '') return `${what} is required.`;
  if (sanitizeLine(value) !== value) return `${what} must be plain text on one line.`;
  return true;
};

function validDuration(value: string): true | string {
  try {
    parseExpiresIn(value);
    return true;
  } catch (error) {
    if (error instanceof UsageError) return `Not a positive whole number of seconds. ${error.suggestion ?? ''}`.trim();
    throw error;
  }
}

/**
 * Asks for what the flags left out, shows a summary and asks to confirm it (cli-contract.md,
 * "Interactive mode"). Values given as flags are never asked again. What is picked is sent;
 * "none" (categories, provider) and an empty label are left out of the body.
 */
export async function promptSessionInput(flags: CreateFlags, deps: SessionPromptDeps): Promise<CreateFlags> {
  const { ask: q } = deps;
  const result: CreateFlags = { ...flags };
  // Fetched while the first questions are answered, so the list is there when it is needed.
  let loaded = false;
  const catalogue = flags.provider === undefined ? loadCatalogue(deps).finally(() => (loaded = true)) : undefined;

  if (!result.originOwnerId?.trim()) {
    result.originOwnerId = (await q.text({ message: 'Customer id (origin owner id):', validate: required('The customer id') })).trim();
  }
  if (!result.originOwnerName?.trim()) {
    result.originOwnerName = (await q.text({ message: 'Customer name (origin owner name):', validate: required('The customer name') })).trim();
  }
  if (result.categories === undefined) {
    const chosen = await q.checkbox({
      message: 'Categories the customer may connect (none: all):',
      choices: CATEGORIES.map((c) => ({ value: c, name: c })),
    });
    if (chosen.length > 0) result.categories = chosen;
  }
  if (catalogue) {
    const categories = result.categories ? parseCategories(result.categories) : [];
    if (!loaded) deps.note('Loading the provider list (Ctrl-C to stop)…');
    const list = await catalogue;
    let provider: string;
    if (list.ok) {
      provider = await q.search({
        message: 'Provider (type to filter):',
        source: (term) => providerChoices(list.connectors, categories, term),
      });
    } else {
      if (list.cancelled) throw new CancelledError('Cancelled; nothing was created.');
      deps.warn(`Could not load the provider list (${list.reason}); type the provider key instead.`);
      provider = (await q.text({ message: 'Provider key, e.g. bamboohr (empty: let the customer choose):' })).trim();
    }
    if (provider !== NO_PROVIDER) result.provider = provider;
  }
  if (result.type === undefined) {
    result.type = await q.select({
      message: 'Type:',
      choices: SESSION_TYPES.map((t) => ({ value: t, name: t === 'production' ? 'production (API default)' : t })),
      default: 'production',
    });
  }
  if (result.expiresIn === undefined) {
    const picked = await q.select({ message: 'The link expires after:', choices: EXPIRY_CHOICES, default: '30m' });
    result.expiresIn = picked === CUSTOM
      ? (await q.text({ message: 'Expires after (seconds, or 90s, 30m, 12h, 7d):', validate: validDuration })).trim()
      : picked;
  }
  if (result.label === undefined) {
    const label = (await q.text({ message: 'Label for the linked account (optional):' })).trim();
    if (label !== '') result.label = label;
  }

  deps.note(sessionSummary(result));
  if (!(await q.confirm({ message: 'Create this connect session?', default: true }))) {
    // Declining is the user stopping at a prompt, like Ctrl-C there: exit 130, and nothing sent.
    throw new CancelledError('Not created: the summary was declined. Nothing was sent.', 'Run the command again to start over.');
  }
  return result;
}

/** Hidden input: the key never echoes, not even as its length. */
export async function promptApiKey(profile: string, context: PromptContext = {}): Promise<string> {
  const key = await ask(password({
    message: `StackOne API key for profile "${profile}":`,
    validate: (value) => (value.trim() ? true : 'Paste the key (it starts with v1.)'),
  }, context), 'Cancelled; no key was stored.');
  return key.trim();
}
