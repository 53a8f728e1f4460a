import type { ConnectorMeta } from '../api/types.js';
import type { CreateFlags } from '../core/create-body.js';
import { parseWholeSeconds } from '../core/durations.js';
import { sanitizeLine } from '../core/sanitize.js';

// What the onboarding prompts offer and summarise: plain data, so it is tested without a terminal.

export interface Choice<V> {
  value: V;
  name: string;
  description?: string;
  /** Shown as the answer once chosen. */
  short?: string;
}

/** The provider picker's "nothing chosen" value: the hub then lets the customer pick. */
export const NO_PROVIDER = '';
const PROVIDER_KEY = /^[A-Za-z0-9][\w.-]*$/;

/** Active connectors of the chosen categories (all when none), one entry per provider. */
export function offeredConnectors(connectors: ConnectorMeta[], categories: readonly string[]): Map<string, { name: string; categories: string[] }> {
  const offered = new Map<string, { name: string; categories: string[] }>();
  for (const c of connectors) {
    if (typeof c.provider !== 'string' || c.provider === '' || c.active === false) continue;
    const category = typeof c.category === 'string' ? c.category : '';
    if (categories.length > 0 && !categories.includes(category)) continue;
    const entry = offered.get(c.provider) ?? { name: sanitizeLine(c.provider_name ?? c.provider), categories: [] };
    if (category && !entry.categories.includes(category)) entry.categories.push(category);
    offered.set(c.provider, entry);
  }
  return offered;
}

/**
 * The search prompt's list for what has been typed: matching providers (key or name starts with
 * the term first) or, when none matches, what was typed as a key of its own; then "none".
 */
export function providerChoices(connectors: ConnectorMeta[], categories: readonly string[], term: string | undefined): Choice<string>[] {
  const offered = offeredConnectors(connectors, categories);
  const typed = (term ?? '').trim();
  const needle = typed.toLowerCase();
  const none: Choice<string> = {
    value: NO_PROVIDER,
    name: 'none: let the customer choose',
    short: 'none (the customer chooses)',
    description: offered.size === 0 ? 'No enabled provider in these categories: the customer picks in the hub.' : undefined,
  };
  if (needle === '') return [none, ...[...offered].map(([key, entry]) => providerChoice(key, entry))];

  const matches = [...offered].filter(([key, { name, categories: cats }]) =>
    key.toLowerCase().includes(needle) || name.toLowerCase().includes(needle) || cats.includes(needle));
  const starts = (key: string, name: string) => key.toLowerCase().startsWith(needle) || name.toLowerCase().startsWith(needle);
  matches.sort(([ka, a], [kb, b]) => Number(starts(kb, b.name)) - Number(starts(ka, a.name)));
  const choices = matches.map(([key, entry]) => providerChoice(key, entry));
  // A provider missing from the list (not enabled, or newer than it) can still be sent as typed.
  if (choices.length === 0 && PROVIDER_KEY.test(typed)) {
    choices.push({ value: typed, name: `use "${typed}" as the provider key`, short: typed, description: 'Not in the list: sent as typed.' });
  }
  return [...choices, none];
}

function providerChoice(key: string, entry: { name: string; categories: string[] }): Choice<string> {
  const label = entry.name === key ? key : `${entry.name} (${key})`;
  const cats = entry.categories.length > 0 ? ` · ${entry.categories.join(', ')}` : '';
  return { value: key, name: `${label}${cats}`, short: key };
}

/** What is about to be sent, one row a value, for the confirmation. */
export function sessionSummary(flags: CreateFlags): string {
  const seconds = flags.expiresIn === undefined ? undefined : parseWholeSeconds(flags.expiresIn);
  const rows: [string, string | undefined][] = [
    ['Customer', `${flags.originOwnerName ?? ''} (${flags.originOwnerId ?? ''})`],
    ['Categories', flags.categories?.join(', ') ?? 'any'],
    ['Provider', flags.provider ?? 'none: the customer chooses'],
    ['Type', flags.type ?? 'production (API default)'],
    ['Expires', seconds === undefined ? 'after 30m (API default)' : `after ${flags.expiresIn!.trim()}${String(seconds) === flags.expiresIn!.trim() ? ' s' : ` (${seconds} s)`}`],
    ['Label', flags.label],
    ['Username', flags.originUsername],
    ['Account', flags.accountId && `${flags.accountId} (edit mode)`],
    ['Metadata', flags.metadata && (flags.metadata.length > 60 ? `${flags.metadata.slice(0, 57)}...` : flags.metadata)],
    ['Multiple', flags.multiple ? 'yes' : undefined],
    ['Integration', flags.integrationId],
    ['Conn. profile', flags.connectorProfileId],
    ['Version', flags.providerVersion && `${flags.providerVersion} (deprecated)`],
  ];
  const lines = rows
    .filter((row): row is [string, string] => typeof row[1] === 'string' && row[1] !== '')
    .map(([label, value]) => `  ${label.padEnd(14)}${sanitizeLine(value)}`);
  return ['', 'About to create a connect session:', ...lines, ''].join('\n');
}
