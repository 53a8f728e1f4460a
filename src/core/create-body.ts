import { UsageError } from '../errors.js';
import { CATEGORIES, SESSION_TYPES, type Category, type ConnectSessionCreate, type SessionType } from '../api/types.js';
import { parseWholeSeconds } from './durations.js';

/** `session create` flags as commander hands them over (strings, unvalidated). */
export interface CreateFlags {
  originOwnerId?: string;
  originOwnerName?: string;
  categories?: string[];
  provider?: string;
  providerVersion?: string;
  originUsername?: string;
  accountId?: string;
  expiresIn?: string;
  metadata?: string;
  multiple?: boolean;
  label?: string;
  type?: string;
  integrationId?: string;
  connectorProfileId?: string;
}

export interface CreateBody {
  body: ConnectSessionCreate;
  /** What the session's expiry is computed from: the value sent, or the API's default. */
  expiresInSeconds: number;
  warnings: string[];
}

export interface FileReader {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

export const DEFAULT_EXPIRES_IN = 1800;

/** The docs' examples spell two categories in camel case; the API's enum does not accept them. */
const CATEGORY_ALIASES: Record<string, Category> = { hrislegacy: 'hris-legacy', hris_legacy: 'hris-legacy' };

const REQUIRED = [
  ['originOwnerId', '--origin-owner-id'],
  ['originOwnerName', '--origin-owner-name'],
] as const;

const OPTIONAL_STRINGS = [
  ['provider', 'provider', '--provider'],
  ['providerVersion', 'provider_version', '--provider-version'],
  ['originUsername', 'origin_username', '--origin-username'],
  ['accountId', 'account_id', '--account-id'],
  ['label', 'label', '--label'],
  ['integrationId', 'integration_id', '--integration-id'],
  ['connectorProfileId', 'connector_profile_id', '--connector-profile-id'],
] as const;

/** Required values that are missing or blank, as flag names: all of them, for one error. */
export function missingRequired(flags: CreateFlags): string[] {
  return REQUIRED.filter(([key]) => !flags[key]?.trim()).map(([, flag]) => flag);
}

/** Flags -> the POST body. Fields not given are left out; every bad value is a UsageError (exit 2). */
export async function buildCreateBody(flags: CreateFlags, files: FileReader): Promise<CreateBody> {
  const missing = missingRequired(flags);
  if (missing.length > 0) {
    throw new UsageError(
      `Missing required ${missing.length === 1 ? 'flag' : 'flags'}: ${missing.join(', ')}.`,
      'Example: stackone-connect session create --origin-owner-id acme --origin-owner-name "Acme"',
    );
  }
  const body: ConnectSessionCreate = {
    origin_owner_id: flags.originOwnerId!.trim(),
    origin_owner_name: flags.originOwnerName!.trim(),
  };
  const warnings: string[] = [];

  if (flags.categories !== undefined) body.categories = parseCategories(flags.categories);
  for (const [key, field, flag] of OPTIONAL_STRINGS) {
    const value = flags[key];
    if (value === undefined) continue;
    if (value.trim() === '') throw new UsageError(`${flag} must not be empty.`);
    body[field] = value.trim();
  }
  if (body.provider_version !== undefined) {
    warnings.push('--provider-version is deprecated by StackOne and can make session creation fail; it is sent as given.');
  }
  if (flags.expiresIn !== undefined) body.expires_in = parseExpiresIn(flags.expiresIn);
  if (flags.metadata !== undefined) body.metadata = await readMetadata(flags.metadata, files);
  if (flags.multiple) body.multiple = true;
  if (flags.type !== undefined) body.type = parseType(flags.type);

  return { body, expiresInSeconds: body.expires_in ?? DEFAULT_EXPIRES_IN, warnings };
}

/** Comma-separated or repeated, case-insensitive, `hrisLegacy`/`stackOne` accepted; no duplicates. */
export function parseCategories(values: string[]): Category[] {
  const parts = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError('--categories needs at least one category.', `Use one or more of: ${CATEGORIES.join(', ')}.`);
  const result: Category[] = [];
  for (const part of parts) {
    const lower = part.toLowerCase();
    const category = CATEGORY_ALIASES[lower] ?? CATEGORIES.find((c) => c === lower);
    if (!category) {
      throw new UsageError(`Unknown category "${part}" for --categories.`, `Use one or more of: ${CATEGORIES.join(', ')}.`);
    }
    if (!result.includes(category)) result.push(category);
  }
  return result;
}

export function parseType(value: string): SessionType {
  const lower = value.trim().toLowerCase();
  const type = SESSION_TYPES.find((t) => t === lower);
  if (!type) throw new UsageError(`Invalid value "${value}" for --type.`, `Use one of: ${SESSION_TYPES.join(', ')}.`);
  return type;
}

export function parseExpiresIn(value: string): number {
  const seconds = parseWholeSeconds(value);
  if (seconds === undefined) {
    throw new UsageError(`Invalid value "${value}" for --expires-in: it must be a positive whole number of seconds.`,
      'Use seconds (3600) or a duration: 90s, 30m, 12h, 7d.');
  }
  return seconds;
}

/** A JSON object given inline, as `@file.json`, or as `@-` (stdin). Nothing else. */
export async function readMetadata(value: string, files: FileReader): Promise<Record<string, unknown>> {
  let text = value;
  let source = '--metadata';
  if (value.startsWith('@')) {
    const path = value.slice(1);
    if (path === '') throw new UsageError('--metadata @ needs a file name, or @- for stdin.');
    source = path === '-' ? '--metadata @- (stdin)' : `--metadata file ${path}`;
    try {
      text = path === '-' ? await files.readStdin() : await files.readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`Cannot read ${source}: ${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message}.`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}.`,
      'Give a JSON object, e.g. --metadata \'{"crm_id":"42"}\', or @file.json, or @- to read stdin.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new UsageError(`${source} must be a JSON object, not ${kind}.`, 'Example: --metadata \'{"crm_id":"42"}\'');
  }
  return parsed as Record<string, unknown>;
}
