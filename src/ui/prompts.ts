// The prompts one by one, not @inquirer/prompts: that also pulls in the editor prompt and iconv-lite.
import checkbox from '@inquirer/checkbox';
import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import password from '@inquirer/password';
import search from '@inquirer/search';
import select from '@inquirer/select';
import { CATEGORIES, type ConnectorMeta, SESSION_TYPES } from '../api/types.js';
import { DEFAULT_EXPIRES_IN, type PartialBody } from '../core/create-body.js';
import { parseExpiresIn } from '../core/durations.js';
import { CancelledError, DeclinedError, UsageError } from '../core/errors.js';
import type { Ask, Choice } from '../lib/ask.js';
import type { Runtime } from '../lib/runtime.js';
import { sanitizeLine } from '../lib/text.js';
import { categoryLabel, NO_PROVIDER, providerChoices, sessionSummary } from './prompt-choices.js';
import type { Theme } from './theme.js';

export type { Ask };

/** Where the prompts read and draw, and the signal (SIGTERM) that closes them. */
export interface PromptContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface SessionPromptDeps {
  ask: Ask;
  /** The provider list, loaded before the first question (loadCatalogue); none when the provider is given. */
  catalogue?: Catalogue;
  /** Dialogue lines that are not questions (the summary): stderr, so stdout keeps only results. */
  note(text: string): void;
  warn(text: string): void;
  /** Colours of the summary (stderr's). */
  theme?: Theme;
  /** Width of the terminal the summary is drawn on. */
  columns?: number;
}

const CUSTOM = -1;
const EXPIRY_CHOICES: Choice<number>[] = [
  { value: DEFAULT_EXPIRES_IN, name: '30 minutes (API default)' },
  { value: 3600, name: '1 hour' },
  { value: 86_400, name: '24 hours' },
  { value: 604_800, name: '7 days' },
  { value: CUSTOM, name: 'custom…', description: 'seconds (3600) or a duration: 90s, 30m, 12h, 7d, 1h30m' },
];

/** Ctrl-C (or SIGTERM) at a question; whoever asked says what that left undone. */
export class PromptCancelled extends CancelledError {
  constructor(readonly signal?: unknown) {
    super('Cancelled.', undefined, signal);
  }
}

/**
 * Ctrl-C at a prompt (inquirer's ExitPromptError: the terminal is raw, so no SIGINT): exit 130.
 * SIGTERM or SIGHUP closes it through the signal (AbortPromptError): 143 or 129. Nothing sent.
 */
async function ask<T>(prompt: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await prompt;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ExitPromptError' || name === 'CancelPromptError') throw new PromptCancelled();
    if (name === 'AbortPromptError') throw new PromptCancelled(signal?.reason);
    throw error;
  }
}

/** The Ask of the CLI: the @inquirer prompts on the given streams. */
export function inquirerAsk(context: PromptContext = {}): Ask {
  return {
    text: (config) => ask(input(config, context), context.signal),
    checkbox: (config) => ask(checkbox({ ...config, pageSize: CATEGORIES.length }, context), context.signal),
    select: (config) => ask(select(config, context), context.signal),
    search: (config) => ask(search({ ...config, pageSize: 10 }, context), context.signal),
    confirm: (config) => ask(confirm(config, context), context.signal),
    password: (config) => ask(password(config, context), context.signal),
  };
}

/** Runs a dialogue; Ctrl-C at any of its questions becomes `cancelled` (exit 130; 143 or 129 for SIGTERM, SIGHUP). */
async function dialogue<T>(cancelled: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PromptCancelled) throw new CancelledError(cancelled, undefined, error.signal);
    throw error;
  }
}

export type Catalogue = { ok: true; connectors: ConnectorMeta[] } | { ok: false; reason: string };

/**
 * The provider list for the picker, within a time limit. A catalogue that cannot be read only
 * means free text for the provider; what says the key or the address is wrong is thrown.
 */
export async function loadCatalogue(
  listConnectors: () => Promise<ConnectorMeta[]>,
  timer: Runtime['timer'],
  fatal: (error: unknown) => boolean,
  limitMs = 8000,
): Promise<Catalogue> {
  const answer = Promise.resolve()
    .then(listConnectors)
    .then(
      (connectors): Catalogue => ({ ok: true, connectors }),
      (error: unknown): Catalogue => {
        if (fatal(error)) throw error;
        // "Listing connectors failed: 500 ..." -> "500 ...": the line already says what failed.
        return { ok: false, reason: sanitizeLine((error as Error).message ?? error).replace(/^[^:]* failed: /, '') };
      },
    );
  let cancel = () => {};
  const late = new Promise<Catalogue>((resolve) => {
    cancel = timer(limitMs, () => resolve({ ok: false, reason: `no answer within ${Math.round(limitMs / 1000)}s` }));
  });
  return Promise.race([answer, late]).finally(() => cancel());
}

const required = (what: string) => (value: string) => {
  if (value.trim() === '') return `${what} is required.`;
  if (sanitizeLine(value) !== value) return `${what} must be plain text on one line.`;
  return true;
};

function validExpiry(value: string): true | string {
  try {
    parseExpiresIn(value);
    return true;
  } catch (error) {
    if (error instanceof UsageError)
      return `${error.message.replace(/^Invalid value "[^"]*" for --expires-in: it/, 'It')} ${error.suggestion ?? ''}`.trim();
    throw error;
  }
}

/**
 * Asks for what the flags left out, shows a summary and asks to confirm it (docs/contract.md,
 * "Interactive mode"). Values given as flags are never asked again. What is picked is sent;
 * "none" (categories, provider) and an empty label are left out of the body.
 */
export function promptSessionInput(given: PartialBody, deps: SessionPromptDeps): Promise<PartialBody> {
  return dialogue('Cancelled; nothing was created.', () => askSessionInput(given, deps));
}

async function askSessionInput(given: PartialBody, deps: SessionPromptDeps): Promise<PartialBody> {
  const { ask: q } = deps;
  const body: PartialBody = { ...given };
  if (body.origin_owner_id === undefined) {
    body.origin_owner_id = (await q.text({ message: 'Customer id (origin owner id):', validate: required('The customer id') })).trim();
  }
  if (body.origin_owner_name === undefined) {
    body.origin_owner_name = (
      await q.text({ message: 'Customer name (origin owner name):', validate: required('The customer name') })
    ).trim();
  }
  if (body.categories === undefined) {
    const chosen = await q.checkbox({
      message: 'Categories the customer may connect (none: all):',
      choices: CATEGORIES.map((c) => ({ value: c, name: categoryLabel(c) })),
    });
    if (chosen.length > 0) body.categories = chosen;
  }
  if (body.provider === undefined && deps.catalogue) {
    const list = deps.catalogue;
    let provider: string;
    if (list.ok) {
      provider = await q.search({
        message: 'Provider (type to filter):',
        source: (term) => providerChoices(list.connectors, body.categories ?? [], term),
      });
    } else {
      deps.warn(`Could not load the provider list (${list.reason}); type the provider key instead.`);
      provider = (await q.text({ message: 'Provider key, e.g. bamboohr (empty: let the customer choose):' })).trim().toLowerCase();
    }
    if (provider !== NO_PROVIDER) body.provider = provider;
  }
  if (body.type === undefined) {
    body.type = await q.select({
      message: 'Type:',
      choices: SESSION_TYPES.map((t) => ({ value: t, name: t === 'production' ? 'production (API default)' : t })),
      default: 'production',
    });
  }
  if (body.expires_in === undefined) {
    const picked = await q.select({ message: 'The link expires after:', choices: EXPIRY_CHOICES, default: DEFAULT_EXPIRES_IN });
    body.expires_in =
      picked === CUSTOM
        ? parseExpiresIn((await q.text({ message: 'Expires after (seconds, or 90s, 30m, 12h, 7d, 1h30m):', validate: validExpiry })).trim())
            .seconds
        : picked;
  }
  if (body.label === undefined) {
    const label = (await q.text({ message: 'Label for the linked account (optional):' })).trim();
    if (label !== '') body.label = label;
  }

  deps.note(sessionSummary(body, deps.theme, deps.columns));
  if (!(await q.confirm({ message: 'Create this connect session?', default: true }))) {
    // Not an interruption: the person answered, and the answer was no.
    throw new DeclinedError();
  }
  return body;
}

/** The profile to make the default: the current default first in the list, and marked. */
export function promptProfile(
  profiles: { name: string; default: boolean; key: string | null; base_url: string | null }[],
  q: Ask,
): Promise<string> {
  return dialogue('Cancelled; the default profile is unchanged.', () =>
    q.select({
      message: 'Profile to make the default:',
      choices: profiles.map((p) => ({
        value: p.name,
        name: `${sanitizeLine(p.name)}${p.default ? ' (the default now)' : ''}`,
        description: [p.key ? `key ${p.key}` : 'no key', p.base_url && sanitizeLine(p.base_url)].filter(Boolean).join(' · '),
      })),
      default: profiles.find((p) => p.default)?.name,
    }),
  );
}

/** Hidden input: the key never echoes, not even as its length. */
export async function promptApiKey(profile: string, q: Ask): Promise<string> {
  const key = await dialogue('Cancelled; no key was stored.', () =>
    q.password({
      message: `StackOne API key for profile "${profile}":`,
      validate: (value) => (value.trim() ? true : 'Paste the key (it starts with v1.)'),
    }),
  );
  return key.trim();
}
