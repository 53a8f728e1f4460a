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
  await keepHttpParserUnoptimised();
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

/**
 * Node 20's V8 (11.x) recompiles the HTTP parser of fetch and of undici (llhttp, WebAssembly)
 * with its optimising compiler during the very first response it reads: some 30 MB and 100 ms for
 * the handful of requests a command sends. V8 12 (Node 22+) waits about seven times longer; do as
 * it does. Here, where requests are about to be sent, rather than for every command.
 */
async function keepHttpParserUnoptimised(): Promise<void> {
  if (Number(process.versions.v8.split('.')[0]) < 12) {
    (await import('node:v8')).setFlagsFromString('--wasm-tiering-budget=13000000');
  }
}
