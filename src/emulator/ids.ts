import { randomBytes, randomInt, randomUUID } from 'node:crypto';

// Identifiers use crypto randomness, not the injectable `random`: tests must never be able to
// guess a token, and nothing asserts on their exact values.

/** A session token: url-safe, long enough to be a bearer secret. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A linked account id shaped like StackOne's secure ids: 20 digits, kept as a string. */
export function newAccountId(): string {
  let id = String(randomInt(1, 10));
  while (id.length < 20) id += String(randomInt(0, 10));
  return id;
}

/** A connection attempt id. */
export function newAttemptId(): string {
  return randomUUID();
}

/** StackOne's external_trigger_token is a UUID. */
export function newExternalTriggerToken(): string {
  return randomUUID();
}

/** A key to print when any key is accepted (`export STACKONE_API_KEY=...`). */
export function newEmulatorKey(): string {
  return `emu_${randomBytes(18).toString('base64url')}`;
}
