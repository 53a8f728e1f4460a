import { CATALOGUE, findConnector } from '../catalogue.js';
import { errorReply, jsonReply } from '../http.js';
import type { Handler } from './context.js';

/** `include` is a comma-separated list; only `inactive` changes what the emulator lists. */
function includesInactive(query: URLSearchParams): boolean {
  return query
    .getAll('include')
    .flatMap((v) => v.split(','))
    .some((v) => v.trim() === 'inactive');
}

export const listConnectors: Handler = (req) => {
  const all = includesInactive(req.query);
  return jsonReply(200, CATALOGUE.filter((c) => all || c.active));
};

export const getConnector: Handler = (_req, ctx, [provider]) => {
  const connector = provider ? findConnector(provider) : undefined;
  if (!connector) return errorReply(404, ctx.now(), `Connector ${provider ?? ''} not found`);
  return jsonReply(200, connector);
};
