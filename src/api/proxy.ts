/**
 * Node's fetch ignores HTTPS_PROXY / HTTP_PROXY / NO_PROXY. When a proxy is configured, use
 * undici's own fetch with its EnvHttpProxyAgent, which implements exactly those variables
 * (loaded only then: it is a large module and most runs have no proxy).
 */
export async function proxyFetch(proxy: { https?: string; http?: string; no?: string }): Promise<typeof globalThis.fetch> {
  await keepHttpParserUnoptimised();
  if (!proxy.https && !proxy.http) return globalThis.fetch;
  const { EnvHttpProxyAgent, fetch } = await import('undici');
  const dispatcher = new EnvHttpProxyAgent({
    ...(proxy.http ? { httpProxy: proxy.http } : {}),
    ...(proxy.https ? { httpsProxy: proxy.https } : {}),
    ...(proxy.no ? { noProxy: proxy.no } : {}),
  });
  const proxied = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => fetch(input, { ...init, dispatcher });
  return proxied as unknown as typeof globalThis.fetch;
}

/**
 * fetch parses answers with llhttp, compiled to WebAssembly. V8 compiles it with its baseline
 * compiler, then, once it has run a while, again with its optimising compiler on background
 * threads; a process that exits waits for those to finish: 100-200 ms after `session poll` saw the
 * customer connect, and some 30 MB and 100 ms during the very first response on Node 20.
 * A command parses a handful of small answers, for which the baseline code is fast enough: it is
 * never optimised. Set here, where requests are about to be sent, rather than for every command.
 */
async function keepHttpParserUnoptimised(): Promise<void> {
  // Both: from V8 12 (Node 22+), set at run time, --liftoff-only alone still lets dynamic tiering
  // optimise hot functions.
  (await import('node:v8')).setFlagsFromString('--liftoff-only --no-wasm-dynamic-tiering');
}
