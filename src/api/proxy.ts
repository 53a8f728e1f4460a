/**
 * Node's fetch ignores HTTPS_PROXY / HTTP_PROXY / NO_PROXY. When a proxy is configured, use
 * undici's own fetch with its EnvHttpProxyAgent, which implements exactly those variables
 * (loaded only then: it is a large module and most runs have no proxy).
 */
export async function proxyFetch(proxy: { https?: string; http?: string; no?: string }): Promise<typeof globalThis.fetch> {
  if (!proxy.https && !proxy.http) return globalThis.fetch;
  const { EnvHttpProxyAgent, fetch } = await import('undici');
  const dispatcher = new EnvHttpProxyAgent({
    ...(proxy.http ? { httpProxy: proxy.http } : {}),
    ...(proxy.https ? { httpsProxy: proxy.https } : {}),
    ...(proxy.no ? { noProxy: proxy.no } : {}),
  });
  const proxied = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    fetch(input, { ...init, dispatcher });
  return proxied as unknown as typeof globalThis.fetch;
}
