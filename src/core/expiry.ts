import type { SessionRecord } from '../store/history.js';
import { DEFAULT_EXPIRES_IN } from './create-body.js';

/**
 * The one rule of a session's expiry (docs/contract.md, "Polling"): known only for sessions of
 * the local history, at the 201's arrival plus the expires_in that was sent (or the API's
 * default). A session that has connected never counts as expired.
 */

/** When a session created at `createdAt` with `expiresIn` (seconds, or the default) expires. */
export function expiryOf(createdAt: number, expiresIn: number | undefined): number {
  return createdAt + (expiresIn ?? DEFAULT_EXPIRES_IN) * 1000;
}

/** A history record's expiry, when it is known. */
export function recordExpiry(record: SessionRecord | undefined): number | undefined {
  const at = record ? Date.parse(record.expires_at) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

/** The status as of `now`: "expired" once the expiry has passed, unless the customer connected. */
export function statusAt(status: string, expiresAt: number | undefined, now: number): string {
  return status !== 'authenticated' && expiresAt !== undefined && now >= expiresAt ? 'expired' : status;
}

/** Our expiry is the 201's arrival + expires_in, a little after StackOne's own: allow for that. */
export const EXPIRY_SKEW_MS = 30_000;
