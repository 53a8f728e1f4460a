import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  entry: { main: 'src/main.ts', emulator: 'src/emulator/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: true,
  clean: true,
  dts: { entry: { emulator: 'src/emulator/index.ts' } },
  define: { __VERSION__: JSON.stringify(version) },
  // conf writes through src/store/safe-write.ts instead of `atomically` (see there); conf must be
  // bundled for this to reach its import.
  noExternal: ['conf'],
  esbuildOptions(options) {
    options.alias = { ...options.alias, atomically: './src/store/safe-write.ts' };
  },
});
