import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/**
 * One project per layer, so that a developer can run one (`npm run test:<layer>`):
 * - unit: core, api, store and the emulator as plain functions and a server on loopback;
 * - command: the CLI in-process (run(argv, runtime)) on test streams and one fake clock;
 * - process: the built binary, for what only a process shows (exit codes through main.ts,
 *   signals, pipes, proxies, concurrent processes, the packed package) and a smoke test of every command;
 * - terminal: the built binary in a real pseudo-terminal (prompts, spinner, Ctrl-C, completion);
 * - browser: a real Chromium on the emulator's hub page.
 */
const layer = (name: string, extra: TestProjectInlineConfiguration['test'] = {}): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...extra },
});

export default defineConfig({
  define: { __VERSION__: JSON.stringify(version) },
  // conf writes through src/store/atomic-write.ts instead of `atomically` (see there), as in the build.
  resolve: { alias: { atomically: resolve(import.meta.dirname, 'src/store/atomic-write.ts') } },
  test: {
    server: { deps: { inline: ['conf'] } }, // so that conf's own import of `atomically` meets the alias
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: processes, terminals and the browser would only fight over them beyond two workers.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [layer('unit'), layer('command'), layer('process'), layer('terminal'), layer('browser')],
  },
});
