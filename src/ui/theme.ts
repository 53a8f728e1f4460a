import { Chalk, type ChalkInstance } from 'chalk';
import { colorLevel } from './color-level.js';

export { colorLevel };

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
