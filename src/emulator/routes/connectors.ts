import { CATALOGUE, connectorMeta, findConnector } from '../catalogue.js';
import { errorReply, jsonReply } from '../http.js';
import type { Handler } from './context.js';

/** `include` is one comma-separated list in the spec (not a repeated key), so it is split. */
function includes(query: URLSearchParams): Set<string> {
  return new Set(
    query
      .getAll('include')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  );
}

/** Only the project's enabled connectors, unless include=inactive. */
export const listConnectors: Handler = (req) => {
  const include = includes(req.query);
  const listed = CATALOGUE.filter((c) => include.has('inactive') || c.active);
  return jsonReply(
    200,
    listed.map((c) => connectorMeta(c, include)),
  );
};

export const getConnector: Handler = (req, ctx, [provider]) => {
  const connector = provider ? findConnector(provider) : undefined;
  if (!connector) return errorReply(404, ctx.now(), `Connector ${provider ?? ''} not found`);
  return jsonReply(200, connectorMeta(connector, includes(req.query)));
};
