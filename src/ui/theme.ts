import { Chalk, type ChalkInstance } from 'chalk';

/** Whether a stream gets colour: --no-color and NO_COLOR win, then FORCE_COLOR, then "is it a TTY". */
export function colorLevel(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, colorFlag: boolean): 0 | 1 | 2 | 3 {
  if (!colorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') {
    if (force === '0' || force === 'false') return 0;
    const level = Number(force);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  }
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' ? 3 : 2;
}

/** Every colour choice in one place. */
export interface Theme {
  chalk: ChalkInstance;
  success(text: string): string;
  error(text: string): string;
  warning(text: string): string;
  muted(text: string): string;
  strong(text: string): string;
  link(text: string): string;
  command(text: string): string;
  symbols: { success: string; error: string; warning: string; info: string; bullet: string };
}

export function createTheme(level: 0 | 1 | 2 | 3): Theme {
  const chalk = new Chalk({ level });
  return {
    chalk,
    success: (t) => chalk.green(t),
    error: (t) => chalk.red(t),
    warning: (t) => chalk.yellow(t),
    muted: (t) => chalk.dim(t),
    strong: (t) => chalk.bold(t),
    link: (t) => chalk.cyan.underline(t),
    command: (t) => chalk.cyan(t),
    symbols: { success: chalk.green('✓'), error: chalk.red('✗'), warning: chalk.yellow('!'), info: chalk.blue('›'), bullet: '•' },
  };
}
