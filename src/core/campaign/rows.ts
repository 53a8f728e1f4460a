import { createHash } from 'node:crypto';
import type { ConnectSessionCreate } from '../../api/types.js';
import { type PartialBody, parseCategories, parseType, TEXT_FIELDS } from '../create-body.js';
import { parseExpiresIn } from '../durations.js';
import { CliError } from '../errors.js';
import type { InputRow, RowProblem } from './input.js';

/** One session to create: a row of the file, checked, with the flags' defaults filled in. */
export interface CampaignRow {
  line: number;
  /** What identifies the row across runs: its `key` column, else origin_owner_id and provider. */
  key: string;
  body: ConnectSessionCreate;
  /** A digest of the body: a key already created with another body is a row that changed since. */
  fingerprint: string;
}

/** The columns (CSV) or keys (JSONL) a row may have: `key` and the body's fields. */
export const ROW_COLUMNS: readonly string[] = ['key', ...TEXT_FIELDS, 'categories', 'expires_in', 'metadata', 'multiple', 'type'];

type Value = unknown;

const BODY_ORDER = [
  'origin_owner_id',
  'origin_owner_name',
  'categories',
  'provider',
  'provider_version',
  'origin_username',
  'account_id',
  'expires_in',
  'metadata',
  'multiple',
  'label',
  'type',
  'integration_id',
  'connector_profile_id',
] as const satisfies readonly (keyof ConnectSessionCreate)[];

export interface BuiltRows {
  rows: CampaignRow[];
  problems: RowProblem[];
  /** A warning, and the lines it applies to. */
  warnings: Map<string, number[]>;
}

/**
 * The rows as request bodies: each value parsed as its flag would be (categories split on `;` or
 * `,`, metadata as a JSON object, expires_in as a duration), the flags' values filling what a
 * row leaves out (metadata: the row's keys over the flag's). Every problem of every row is
 * collected, so that one run lists them all.
 */
export function buildRows(inputs: InputRow[], defaults: PartialBody): BuiltRows {
  const rows: CampaignRow[] = [];
  const problems: RowProblem[] = [];
  const warnings = new Map<string, number[]>();
  const firstLineOfKey = new Map<string, number>();
  for (const input of inputs) {
    const own: string[] = [];
    const body = rowBody(
      input.values,
      (message) => own.push(message),
      (warning) => warnings.set(warning, [...(warnings.get(warning) ?? []), input.line]),
    );
    const merged: PartialBody = { ...defaults, ...body };
    if (defaults.metadata && body.metadata) merged.metadata = { ...defaults.metadata, ...body.metadata };
    for (const field of ['origin_owner_id', 'origin_owner_name'] as const) {
      if (!merged[field] && !own.some((m) => m.startsWith(field))) own.push(`${field} is missing`);
    }
    if (own.length > 0) {
      problems.push(...own.map((message) => ({ line: input.line, message })));
      continue;
    }
    const key = keyOf(input.values.key, merged as ConnectSessionCreate);
    const earlier = firstLineOfKey.get(key);
    if (earlier !== undefined) {
      problems.push({
        line: input.line,
        message: `the same key as line ${earlier} (${key}): one row is one session; give each row its own value in a key column`,
      });
      continue;
    }
    firstLineOfKey.set(key, input.line);
    // In one order whatever the file's or the flags' order, as a single create sends them.
    const ordered = Object.fromEntries(
      BODY_ORDER.filter((f) => merged[f] !== undefined).map((f) => [f, merged[f]]),
    ) as unknown as ConnectSessionCreate;
    rows.push({ line: input.line, key, body: ordered, fingerprint: fingerprint(ordered) });
  }
  return { rows, problems, warnings };
}

function keyOf(given: Value, body: ConnectSessionCreate): string {
  const explicit = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
  if (explicit !== '') return explicit;
  return body.provider ? `${body.origin_owner_id}/${body.provider}` : body.origin_owner_id;
}

function rowBody(values: Record<string, Value>, problem: (message: string) => void, warn: (message: string) => void): PartialBody {
  const body: PartialBody = {};
  const attempt = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      problem(`${error.message.replace(/\.$/, '')}${error.suggestion ? ` (${error.suggestion.replace(/\.$/, '')})` : ''}`);
    }
  };
  for (const field of TEXT_FIELDS) {
    const value = values[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      problem(`${field} must be text`);
      continue;
    }
    const text = String(value).trim();
    if (text !== '') body[field] = text;
  }
  if (body.provider !== undefined) body.provider = body.provider.toLowerCase();
  if (body.provider_version !== undefined)
    warn('provider_version is deprecated by StackOne and can make session creation fail; it is sent as given');
  const { categories, expires_in: expiresIn, metadata, multiple, type, key } = values;
  if (key !== undefined && key !== null && typeof key !== 'string' && typeof key !== 'number') problem('key must be text');
  if (categories !== undefined && categories !== null) {
    attempt(() => {
      const list = Array.isArray(categories) ? categories : [categories];
      if (list.some((c) => typeof c !== 'string')) throw new CliError('categories must be text, or a list of text');
      body.categories = parseCategories(
        (list as string[]).flatMap((c) => c.split(';')),
        'categories',
      );
    });
  }
  if (expiresIn !== undefined && expiresIn !== null) {
    attempt(() => {
      if (typeof expiresIn !== 'string' && typeof expiresIn !== 'number')
        throw new CliError('expires_in must be seconds or a duration such as 7d');
      const { seconds, warning } = parseExpiresIn(String(expiresIn), 'expires_in');
      body.expires_in = seconds;
      if (warning) warn(warning);
    });
  }
  if (metadata !== undefined && metadata !== null) attempt(() => void (body.metadata = metadataOf(metadata)));
  if (multiple !== undefined && multiple !== null) attempt(() => void (body.multiple = booleanOf(multiple)));
  if (type !== undefined && type !== null) {
    attempt(() => {
      if (typeof type !== 'string') throw new CliError('type must be production or test');
      body.type = parseType(type, 'type');
    });
  }
  return body;
}

function metadataOf(value: Value): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new CliError('metadata is not valid JSON', { suggestion: 'Give a JSON object, such as {"crm_id":"42"}' });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError('metadata must be a JSON object');
  return parsed as Record<string, unknown>;
}

function booleanOf(value: Value): boolean {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : '';
  if (['true', 'yes', '1'].includes(text)) return true;
  if (['false', 'no', '0'].includes(text)) return false;
  throw new CliError(`multiple must be true or false, not ${JSON.stringify(value)}`);
}

/** A digest of the body that does not depend on the order of its keys. */
export function fingerprint(body: PartialBody): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex')
    .slice(0, 16);
}
