import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** This user's cache directory for the CLI, where platforms keep caches (as env-paths has them). */
export function cacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'stackone-connect');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'stackone-connect', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'stackone-connect');
}

/**
 * Node 22.1+ keeps V8's compiled code of the modules loaded after this call between runs; older
 * Node has no such API. NODE_COMPILE_CACHE (a directory of the user's choice) and
 * NODE_DISABLE_COMPILE_CACHE are Node's own and win; otherwise the cache lives in cacheDir().
 */
export function enableCompileCache(env: NodeJS.ProcessEnv): void {
  const enable = (module as { enableCompileCache?: (directory?: string) => unknown }).enableCompileCache;
  if (typeof enable !== 'function') return;
  try {
    enable(env.NODE_COMPILE_CACHE ? undefined : cacheDir(env));
  } catch {
    // An optimisation only: a cache that cannot be used must never stop the command.
  }
}
