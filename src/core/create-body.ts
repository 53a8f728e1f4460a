import { CATEGORIES, type Category, type ConnectSessionCreate, SESSION_TYPES, type SessionType } from '../api/types.js';
import { parseExpiresIn } from './durations.js';
import { UsageError } from './errors.js';

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

/** What the flags (and, interactively, the answers) give of the POST body: every field typed, the owner perhaps missing. */
export type PartialBody = Partial<ConnectSessionCreate>;

export interface FileReader {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

export const DEFAULT_EXPIRES_IN = 1800;

/** The schema's own example spells hris-legacy otherwise (hrisLegacy); the API's enum does not accept that. */
const CATEGORY_ALIASES: Record<string, Category> = { hrislegacy: 'hris-legacy', hris_legacy: 'hris-legacy' };

const REQUIRED = [
  ['origin_owner_id', '--origin-owner-id'],
  ['origin_owner_name', '--origin-owner-name'],
] as const;

const STRINGS = [
  ['originOwnerId', 'origin_owner_id', '--origin-owner-id'],
  ['originOwnerName', 'origin_owner_name', '--origin-owner-name'],
  ['provider', 'provider', '--provider'],
  ['providerVersion', 'provider_version', '--provider-version'],
  ['originUsername', 'origin_username', '--origin-username'],
  ['accountId', 'account_id', '--account-id'],
  ['label', 'label', '--label'],
  ['integrationId', 'integration_id', '--integration-id'],
  ['connectorProfileId', 'connector_profile_id', '--connector-profile-id'],
] as const;

/** The body's text fields, as flags and as a campaign file's columns give them. */
export const TEXT_FIELDS = STRINGS.map(([, field]) => field);

/**
 * The flags, parsed once into the body's typed fields: each given flag is validated (a bad value
 * is a UsageError, exit 2), flags not given are left out, and the owner may still be missing
 * (interactive mode asks for it; requireOwner() checks last). --metadata files and stdin are read here, once.
 */
export async function parseCreateFlags(flags: CreateFlags, files: FileReader): Promise<{ body: PartialBody; warnings: string[] }> {
  const body: PartialBody = {};
  const warnings: string[] = [];
  for (const [key, field, flag] of STRINGS) {
    const value = flags[key];
    if (value === undefined) continue;
    if (value.trim() === '') {
      // A blank owner is a missing one (named with the others, or asked for); any other blank value is a mistake.
      if (REQUIRED.some(([required]) => required === field)) continue;
      throw new UsageError(`${flag} must not be empty.`);
    }
    body[field] = value.trim();
  }
  // Provider keys are lower case (bamboohr, hibob): --provider BambooHR means bamboohr.
  if (body.provider !== undefined) body.provider = body.provider.toLowerCase();
  if (body.provider_version !== undefined) {
    warnings.push('--provider-version is deprecated by StackOne and can make session creation fail; it is sent as given.');
  }
  if (flags.categories !== undefined) body.categories = parseCategories(flags.categories);
  if (flags.expiresIn !== undefined) {
    const { seconds, warning } = parseExpiresIn(flags.expiresIn);
    body.expires_in = seconds;
    if (warning) warnings.push(warning);
  }
  if (flags.metadata !== undefined) body.metadata = await readMetadata(flags.metadata, files);
  if (flags.multiple) body.multiple = true;
  if (flags.type !== undefined) body.type = parseType(flags.type);
  return { body, warnings };
}

/** Required fields that are missing, as flag names: all of them, for one error. */
export function missingOwner(body: PartialBody): string[] {
  return REQUIRED.filter(([field]) => !body[field]).map(([, flag]) => flag);
}

/** The body to send, once the owner is known; otherwise one UsageError naming every missing flag. */
export function requireOwner(body: PartialBody): ConnectSessionCreate {
  const missing = missingOwner(body);
  if (missing.length > 0) {
    throw new UsageError(
      `Missing required ${missing.length === 1 ? 'flag' : 'flags'}: ${missing.join(', ')}.`,
      'Example: stackone-connect session create --origin-owner-id acme --origin-owner-name "Acme"',
    );
  }
  return body as ConnectSessionCreate;
}

/**
 * Comma-separated or repeated, case-insensitive, `hrisLegacy`/`stackOne` accepted; no duplicates.
 * `name` is what the error calls the value: the flag, or a file's column.
 */
export function parseCategories(values: string[], name = '--categories'): Category[] {
  const parts = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError(`${name} needs at least one category.`, `Use one or more of: ${CATEGORIES.join(', ')}.`);
  const result: Category[] = [];
  for (const part of parts) {
    const lower = part.toLowerCase();
    const category = CATEGORY_ALIASES[lower] ?? CATEGORIES.find((c) => c === lower);
    if (!category) {
      throw new UsageError(`Unknown category "${part}" for ${name}.`, `Use one or more of: ${CATEGORIES.join(', ')}.`);
    }
    if (!result.includes(category)) result.push(category);
  }
  return result;
}

export function parseType(value: string, name = '--type'): SessionType {
  const lower = value.trim().toLowerCase();
  const type = SESSION_TYPES.find((t) => t === lower);
  if (!type) throw new UsageError(`Invalid value "${value}" for ${name}.`, `Use one of: ${SESSION_TYPES.join(', ')}.`);
  return type;
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
      throw new UsageError(`Cannot read ${source}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}.`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${source} is not valid JSON: ${(error as Error).message}.`,
      'Give a JSON object, e.g. --metadata \'{"crm_id":"42"}\', or @file.json, or @- to read stdin.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new UsageError(`${source} must be a JSON object, not ${kind}.`, 'Example: --metadata \'{"crm_id":"42"}\'');
  }
  return parsed as Record<string, unknown>;
}
