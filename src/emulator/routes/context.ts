import type { Reply } from '../http.js';
import type { SessionRecord, Store } from '../state.js';

/** One API request, after the body was read; what route handlers see. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: string;
}

export interface ApiContext {
  store: Store;
  now: () => number;
  legacy: boolean;
  /** Called once per created session (auto-complete hooks in here). */
  onSessionCreated: (session: SessionRecord) => void;
}

export type Handler = (req: ApiRequest, ctx: ApiContext, params: string[]) => Reply;
