import type { StackOneClient } from '../../api/client.js';
import { HttpError } from '../../api/errors.js';

/** The cheapest authenticated request (docs/stackone-api.md): one account, or none. */
export async function verifyKey(client: StackOneClient): Promise<void> {
  await client.listAccounts({ page_size: 1 });
}

/** Whether a verification failure means "the key is bad" rather than "the API is unreachable". */
export function isRejection(error: unknown): boolean {
  return error instanceof HttpError && (error.status === 401 || error.status === 403);
}
