import type { ConnectorMeta } from '../api/types.js';
import type { PartialBody } from '../core/create-body.js';
import type { Choice } from '../lib/ask.js';
import { categoryLabel as labelOf } from '../lib/categories.js';
import { formatDuration } from '../lib/durations.js';
import { sanitizeLine, wrapWords } from '../lib/text.js';
import type { Theme } from './theme.js';

// What the onboarding prompts offer and summarise: plain data, so it is tested without a terminal.

/** The provider picker's "nothing chosen" value: the hub then lets the customer pick. */
export const NO_PROVIDER = '';
/** What a provider key looks like (bamboohr, google_workspace): anything else from the server is not offered. */
const PROVIDER_KEY = /^[A-Za-z0-9][\w.-]*$/;

export function categoryLabel(category: string): string {
  return sanitizeLine(labelOf(category));
}

/** Active connectors of the chosen categories (all when none), one entry per provider. */
export function offeredConnectors(
  connectors: ConnectorMeta[],
  categories: readonly string[],
): Map<string, { name: string; categories: string[] }> {
  const offered = new Map<string, { name: string; categories: string[] }>();
  for (const c of connectors) {
    if (typeof c.provider !== 'string' || !PROVIDER_KEY.test(c.provider) || c.active === false) continue;
    const category = typeof c.category === 'string' ? sanitizeLine(c.category) : '';
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

  const matches = [...offered].filter(
    ([key, { name, categories: cats }]) =>
      key.toLowerCase().includes(needle) || name.toLowerCase().includes(needle) || cats.includes(needle),
  );
  const starts = (key: string, name: string) => key.toLowerCase().startsWith(needle) || name.toLowerCase().startsWith(needle);
  matches.sort(([ka, a], [kb, b]) => Number(starts(kb, b.name)) - Number(starts(ka, a.name)));
  const choices = matches.map(([key, entry]) => providerChoice(key, entry));
  // A provider missing from the list (not enabled, or newer than it) can still be sent as typed.
  if (choices.length === 0 && PROVIDER_KEY.test(typed)) {
    choices.push({
      value: typed,
      name: `use "${typed}" as the provider key`,
      short: typed,
      description: 'Not in the list: sent as typed.',
    });
  }
  return [...choices, none];
}

function providerChoice(key: string, entry: { name: string; categories: string[] }): Choice<string> {
  const label = entry.name === key ? key : `${entry.name} (${key})`;
  const cats = entry.categories.length > 0 ? ` · ${entry.categories.map(categoryLabel).join(', ')}` : '';
  return { value: key, name: `${label}${cats}`, short: key };
}

/**
 * What is about to be sent, one row a value, for the confirmation: labels muted, values plain,
 * and on a narrow terminal a long value wraps under itself.
 */
export function sessionSummary(body: PartialBody, theme?: Theme, columns?: number): string {
  const metadata = body.metadata && JSON.stringify(body.metadata);
  const rows: [string, string | undefined][] = [
    ['Customer', `${body.origin_owner_name ?? ''} (${body.origin_owner_id ?? ''})`],
    ['Categories', body.categories?.map(categoryLabel).join(', ') ?? 'any'],
    ['Provider', body.provider ?? 'none: the customer chooses'],
    ['Type', body.type ?? 'production (API default)'],
    [
      'Expires',
      body.expires_in === undefined
        ? 'after 30m (API default)'
        : `after ${formatDuration(body.expires_in * 1000)}${body.expires_in < 60 ? '' : ` (${body.expires_in} s)`}`,
    ],
    ['Label', body.label],
    ['Username', body.origin_username],
    ['Account', body.account_id && `${body.account_id} (edit mode)`],
    ['Metadata', metadata && (metadata.length > 60 ? `${metadata.slice(0, 57)}...` : metadata)],
    ['Multiple', body.multiple ? 'yes' : undefined],
    ['Integration', body.integration_id],
    ['Conn. profile', body.connector_profile_id],
    ['Version', body.provider_version && `${body.provider_version} (deprecated)`],
  ];
  const muted = theme?.muted ?? ((t: string) => t);
  const indent = 16;
  const lines = rows
    .filter((row): row is [string, string] => typeof row[1] === 'string' && row[1] !== '')
    .flatMap(([label, value]) =>
      wrapWords(sanitizeLine(value), columns ? Math.max(20, columns - indent) : Infinity).map(
        (part, i) => `${i === 0 ? `  ${muted(label.padEnd(14))}` : ' '.repeat(indent)}${part}`,
      ),
    );
  return ['', 'About to create a connect session:', ...lines, ''].join('\n');
}
