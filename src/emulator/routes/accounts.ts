import { errorReply, jsonReply } from '../http.js';
import type { Handler } from './context.js';

/**
 * Every value given for a parameter, with or without `[]`. Array parameters repeat the key (the
 * spec's form style); a value is never split, so `acme,inc` is one owner id, not two.
 */
function many(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(name), ...query.getAll(`${name}[]`)].filter((v) => v !== '');
}

/**
 * A query number as the spec types it (`number`, nullable): absent or empty gives the fallback,
 * anything that is not a number is refused; the value is read as a whole number of at least 1.
 */
function pageNumber(query: URLSearchParams, name: string, fallback: number): number | string {
  const text = query.get(name);
  if (text === null || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value)) return `${name} must be a number`;
  const whole = Math.floor(value);
  return whole >= 1 ? whole : fallback;
}

export const listAccounts: Handler = (req, ctx) => {
  const q = req.query;
  const page = pageNumber(q, 'page', 1);
  const pageSize = pageNumber(q, 'page_size', 25);
  if (typeof page === 'string' || typeof pageSize === 'string') {
    return errorReply(400, ctx.now(), [page, pageSize].filter((v) => typeof v === 'string').join('; '));
  }
  const owners = [...many(q, 'origin_owner_id'), ...many(q, 'origin_owner_ids')];
  const providers = [...many(q, 'providers'), ...many(q, 'provider')];
  const statuses = many(q, 'status');
  const ids = many(q, 'account_ids');
  const matching = ctx.store
    .listAccounts()
    .filter(
      (a) =>
        (owners.length === 0 || owners.includes(a.origin_owner_id)) &&
        (providers.length === 0 || providers.includes(a.provider)) &&
        (statuses.length === 0 || statuses.includes(a.status)) &&
        (ids.length === 0 || ids.includes(a.id)),
    );
  return jsonReply(200, matching.slice((page - 1) * pageSize, page * pageSize));
};

export const getAccount: Handler = (_req, ctx, [id]) => {
  const account = id ? ctx.store.getAccount(id) : undefined;
  if (!account) return errorReply(404, ctx.now(), `Account ${id ?? ''} not found`);
  return jsonReply(200, account);
};

/** PATCH and DELETE exist in StackOne's API; the emulator does not need them for connect flows. */
export const notImplemented: Handler = (req, ctx) =>
  errorReply(501, ctx.now(), `${req.method} ${req.path} is not implemented by the emulator`);
