// What main.ts runs: one import, which the build makes the one file dist/cli.cjs.
export { run } from './run.js';
export { ExitCode } from './errors.js';
export { abortableSleep } from './core/sleep.js';
