/**
 * The API shapes this tool reads and sends, after the official schema (src/emulator/openapi).
 * Responses are read tolerantly: every field is optional here and checked where a command needs it.
 */

export const CATEGORIES = [
  'ats',
  'hris',
  'hris-legacy',
  'crm',
  'iam',
  'marketing',
  'lms',
  'stackone',
  'documents',
  'ticketing',
  'screening',
  'messaging',
  'accounting',
  'scheduling',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SESSION_TYPES = ['production', 'test'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

/** Body of POST /connect_sessions (schema ConnectSessionCreate). */
export interface ConnectSessionCreate {
  origin_owner_id: string;
  origin_owner_name: string;
  categories?: Category[];
  provider?: string;
  provider_version?: string;
  origin_username?: string;
  account_id?: string;
  expires_in?: number;
  metadata?: Record<string, unknown>;
  multiple?: boolean;
  label?: string;
  type?: SessionType;
  integration_id?: string;
  connector_profile_id?: string;
}

/** latest_connection_attempt: an open enum for status. */
export interface ConnectionAttempt {
  id?: string;
  created_at?: string;
  updated_at?: string;
  status?: string;
  account_secure_id?: string | null;
  oauth_error_code?: string | null;
  oauth_error_description?: string | null;
  [key: string]: unknown;
}

/** GET /connect_sessions/{id} and POST /connect_sessions/authenticate (schema ConnectSession). */
export interface ConnectSession {
  id?: number;
  organization_id?: string | number;
  project_id?: string;
  origin_owner_id?: string;
  origin_owner_name?: string;
  provider?: string | null;
  categories?: string[] | null;
  created_at?: string;
  latest_connection_attempt?: ConnectionAttempt | null;
  [key: string]: unknown;
}

/** 201 of POST /connect_sessions (schema ConnectSessionTokenAuthLink): token and link added. */
export interface ConnectSessionCreated extends ConnectSession {
  id: number;
  token: string;
  auth_link_url: string;
}

/** One linked account of GET /accounts. */
export interface LinkedAccount {
  id?: string;
  provider?: string;
  provider_name?: string;
  status?: string;
  origin_owner_id?: string;
  origin_owner_name?: string;
  [key: string]: unknown;
}

/** One entry of GET /connectors/meta. */
export interface ConnectorMeta {
  provider?: string;
  provider_name?: string;
  category?: string;
  active?: boolean;
  [key: string]: unknown;
}
