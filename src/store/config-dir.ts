import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../lib/env.js';

/** STACKONE_CONFIG_DIR, else the OS config dir (~/.config/stackone-connect on Linux). */
export function configDir(env: Environment, platform = process.platform): string {
  if (env.configDir) return env.configDir;
  const home = env.home ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', 'stackone-connect');
  if (platform === 'win32') return join(env.appData ?? join(home, 'AppData', 'Roaming'), 'stackone-connect');
  return join(env.xdgConfigHome ?? join(home, '.config'), 'stackone-connect');
}
