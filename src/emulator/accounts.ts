import { findConnector } from './catalogue.js';
import { newAccountId } from './ids.js';
import type { LinkedAccount, SessionInput } from './types.js';

interface AccountRecord extends Omit<LinkedAccount, 'created_at' | 'updated_at'> {
  createdAt: number;
  updatedAt: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function view({ createdAt, updatedAt, ...rest }: AccountRecord): LinkedAccount {
  return {
    ...rest,
    categories: [...rest.categories],
    status_reasons: [...rest.status_reasons],
    created_at: iso(createdAt),
    updated_at: iso(updatedAt),
  };
}

/** The linked accounts that successful connection attempts create or update, in creation order. */
export class AccountBook {
  private readonly accounts: AccountRecord[] = [];

  /** The provider of an existing account (edit mode connects to the same provider). */
  providerOf(id: string): string | undefined {
    return this.accounts.find((a) => a.id === id)?.provider;
  }

  /**
   * Edit mode (account_id) updates that account; otherwise the same owner id + name + provider
   * updates the existing account unless the session allows `multiple`. Returns the account id.
   */
  link(input: SessionInput, provider: string, at: number): string {
    const existing = input.account_id
      ? this.accounts.find((a) => a.id === input.account_id)
      : input.multiple
        ? undefined
        : this.accounts.find(
            (a) =>
              a.origin_owner_id === input.origin_owner_id && a.origin_owner_name === input.origin_owner_name && a.provider === provider,
          );
    if (existing) {
      Object.assign(existing, { status: 'active', status_reasons: [], updatedAt: at });
      if (input.label) existing.label = input.label;
      if (input.origin_username) existing.origin_username = input.origin_username;
      return existing.id;
    }
    const connector = findConnector(provider);
    const account: AccountRecord = {
      // An account_id the emulator has never seen (edit mode) is adopted rather than refused.
      id: input.account_id ?? newAccountId(),
      provider,
      provider_name: connector?.provider_name ?? provider,
      // The connector's category; for a provider the catalogue does not know, the session's.
      categories: connector ? [connector.category] : [...(input.categories ?? [])],
      // Accounts an end user links through a connect session are their own, never shared.
      shared: false,
      status: 'active',
      status_reasons: [],
      origin_owner_id: input.origin_owner_id,
      origin_owner_name: input.origin_owner_name,
      origin_username: input.origin_username ?? null,
      label: input.label ?? null,
      type: input.type ?? 'production',
      createdAt: at,
      updatedAt: at,
    };
    this.accounts.push(account);
    return account.id;
  }

  list(): LinkedAccount[] {
    return this.accounts.map(view);
  }

  get(id: string): LinkedAccount | undefined {
    const account = this.accounts.find((a) => a.id === id);
    return account ? view(account) : undefined;
  }
}
