// What main.ts loads once it knows the command line needs the CLI (anything but `--version`):
// one import, which the build makes the one file dist/cli.cjs.

export { nodeTimer } from './lib/runtime.js';
export { abortableSleep } from './lib/sleep.js';
export { run } from './run.js';
