/**
 * Every environment variable the CLI reads, read here and nowhere else. Set-but-empty counts as
 * unset; a switch (CI, STACKONE_NO_INPUT, STACKONE_DEBUG) is on unless unset, empty, "0" or "false".
 */
export interface Environment {
  profile?: string;
  apiKey?: string;
  baseUrl?: string;
  configDir?: string;
  /** STACKONE_NO_INPUT or CI: never prompt. */
  noInput: boolean;
  debug: boolean;
  /** NO_COLOR (any non-empty value). */
  noColor: boolean;
  forceColor?: string;
  term?: string;
  colorTerm?: string;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY, upper or lower case. */
  proxy: { https?: string; http?: string; no?: string };
  home?: string;
  xdgConfigHome?: string;
  appData?: string;
  /** Inside an SSH session: a browser would open on the far machine, not here. */
  ssh: boolean;
  /** A graphical display to open a browser on (Linux). */
  display: boolean;
  /** Started by `npx` (or `npm exec`): hints then show the command as `npx stackone-connect ...`. */
  npx: boolean;
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

export function envSwitch(env: NodeJS.ProcessEnv, name: string): boolean {
  const v = value(env, name);
  return v !== undefined && v !== '0' && v.toLowerCase() !== 'false';
}

export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  const either = (name: string) => value(env, name) ?? value(env, name.toLowerCase());
  return {
    profile: value(env, 'STACKONE_PROFILE'),
    apiKey: value(env, 'STACKONE_API_KEY'),
    baseUrl: value(env, 'STACKONE_BASE_URL'),
    configDir: value(env, 'STACKONE_CONFIG_DIR'),
    noInput: envSwitch(env, 'STACKONE_NO_INPUT') || envSwitch(env, 'CI'),
    debug: envSwitch(env, 'STACKONE_DEBUG'),
    noColor: value(env, 'NO_COLOR') !== undefined,
    forceColor: value(env, 'FORCE_COLOR'),
    term: value(env, 'TERM'),
    colorTerm: value(env, 'COLORTERM'),
    proxy: { https: either('HTTPS_PROXY'), http: either('HTTP_PROXY'), no: either('NO_PROXY') },
    home: value(env, 'HOME'),
    xdgConfigHome: value(env, 'XDG_CONFIG_HOME'),
    appData: value(env, 'APPDATA'),
    ssh: Boolean(value(env, 'SSH_CONNECTION') ?? value(env, 'SSH_TTY') ?? value(env, 'SSH_CLIENT')),
    display: Boolean(value(env, 'DISPLAY') ?? value(env, 'WAYLAND_DISPLAY')),
    npx: value(env, 'npm_command') === 'exec',
  };
}
