import { homedir } from 'node:os';
import { join } from 'node:path';

export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** STACKONE_CONFIG_DIR, else the OS config dir (~/.config/stackone-connect on Linux). */
export function configDir(env: NodeJS.ProcessEnv): string {
  const explicit = envValue(env, 'STACKONE_CONFIG_DIR');
  if (explicit) return explicit;
  const home = envValue(env, 'HOME') ?? homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', 'stackone-connect');
  if (process.platform === 'win32') return join(envValue(env, 'APPDATA') ?? join(home, 'AppData', 'Roaming'), 'stackone-connect');
  return join(envValue(env, 'XDG_CONFIG_HOME') ?? join(home, '.config'), 'stackone-connect');
}
