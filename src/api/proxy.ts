/** Reads an env var, where set-but-empty counts as unset (cli-contract.md). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Node's fetch ignores HTTPS_PROXY / HTTP_PROXY / NO_PROXY. When a proxy is configured, use
 * undici's own fetch with its EnvHttpProxyAgent, which implements exactly those variables
 * (loaded only then: it is a large module and most runs have no proxy).
 */
export async function proxyFetch(env: NodeJS.ProcessEnv): Promise<typeof globalThis.fetch> {
  const httpsProxy = envValue(env, 'HTTPS_PROXY');
  const httpProxy = envValue(env, 'HTTP_PROXY');
  if (!httpsProxy && !httpProxy) return globalThis.fetch;
  const { EnvHttpProxyAgent, fetch } = await import('undici');
  const noProxy = envValue(env, 'NO_PROXY');
  const dispatcher = new EnvHttpProxyAgent({
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  });
  const proxied = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    fetch(input, { ...init, dispatcher });
  return proxied as unknown as typeof globalThis.fetch;
}
