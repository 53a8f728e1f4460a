import { mkdirSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StateError } from '../errors.js';

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

/** Creates the directory 0700 from the start: keys, tokens and links live here. */
export function ensureConfigDir(dir: string): void {
  try {
    const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask; set it exactly on what we created.
    if (created !== undefined) chmodSync(dir, 0o700);
  } catch (error) {
    throw new StateError(`Cannot create the config directory ${dir}: ${(error as Error).message}`, dir,
      'Set STACKONE_CONFIG_DIR to a writable directory.', error);
  }
}
