import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/*
 * The published package has no dependencies: everything it runs is bundled here, in two builds.
 *
 * - dist/main.cjs, the process boundary, answers `--version` by itself and otherwise loads
 *   dist/cli.cjs: the whole CLI in one file (the command table, commander, and our code, whose
 *   lazily imported parts are only evaluated when used). dist/emulator.cjs is the emulator with
 *   its schema validator (ajv), for the `emulator` and `demo` commands and for
 *   `stackone-connect/emulator`.
 * - dist/vendor/*.cjs: one file per library, loaded only by what uses it: chalk, ofetch, the
 *   prompts, ora, conf, the QR encoder, clipboardy, open, undici (proxies), and csv-parse
 *   (campaigns).
 *
 * CommonJS, not ES modules: Node 20 runs a CommonJS program without starting its ES module
 * loader, 15-20 ms less for every command. Our code is in cli.cjs only (emulator.cjs holds the
 * emulator and copies of pure helpers of src/lib), so an error class is the same class wherever it is
 * checked; the vendor files hold no code of ours but src/store/atomic-write.ts (plain functions,
 * bundled with conf).
 * scripts/package-dist.mjs finishes the layout; `npm run build` prints what each file holds.
 */

// Both builds write under dist/, at the same time: clean it once, before either starts.
rmSync('dist', { recursive: true, force: true });

/** Resolves imports matching `filter` to a module made of `contents` (resolved from `dir`). */
function replaceModule(name: string, filter: RegExp, contents: string, options: { dir?: string; importer?: RegExp } = {}): Plugin {
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.namespace === name || (options.importer && !options.importer.test(args.importer))
          ? undefined
          : { path: args.path, namespace: name },
      );
      build.onLoad({ filter: /.*/, namespace: name }, () => ({ contents, loader: 'js', resolveDir: resolve(options.dir ?? '.') }));
    },
  };
}

/** `pkg`'s import of the built-in `module` is loaded when a property of it is first read, not at start-up. */
function loadOnUse(module: string, pkg: string): Plugin {
  return replaceModule(
    `${pkg}-${module.replace('node:', '')}-on-use`,
    new RegExp(`^${module}$`),
    `
    let loaded;
    module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('${module}'))[key] });`,
    { importer: inPackage(pkg) },
  );
}

/** Resolves imports matching `filter` to another path: `to` relative to the output (external), or a file. */
function redirect(name: string, filter: RegExp, to: (path: string) => { path: string; external?: boolean }, importer?: RegExp): Plugin {
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, (args) => (importer && !importer.test(args.importer) ? undefined : to(args.path)));
    },
  };
}

const inPackage = (pkg: string) => new RegExp(`node_modules[\\\\/]${pkg}[\\\\/]`);
const inSrc = /[\\/]src[\\/]/;

/** The libraries the CLI imports lazily, each bundled as dist/vendor/<name>.cjs. */
const VENDOR = ['chalk', 'ofetch', 'ora', 'conf', 'qrcode', 'clipboardy', 'open', 'undici'];
const PROMPTS = ['checkbox', 'confirm', 'input', 'password', 'search', 'select'];

const cliPlugins: Plugin[] = [
  redirect('program-file', /^\.\/program\.js$/, () => ({ path: './cli.cjs', external: true }), /[\\/]src[\\/]main\.ts$/),
  redirect('emulator-file', /emulator\/index\.js$/, () => ({ path: './emulator.cjs', external: true }), /[\\/]src[\\/]commands[\\/]/),
  // chalk looks at the terminal (tty, and with it net) as soon as it is loaded; `--help` needs
  // no colours, so src/ui/theme.ts's chalk is loaded when the first theme is made. (Before
  // vendor-files: the first plugin that resolves an import wins.)
  replaceModule(
    'chalk-on-first-use',
    /^chalk$/,
    `
    let chalk;
    export class Chalk {
      constructor(options) {
        chalk ??= require('./vendor/chalk.cjs');
        return new chalk.Chalk(options);
      }
    }`,
    { importer: inSrc },
  ),
  redirect('vendor-chalk-file', /^\.\/vendor\/chalk\.cjs$/, (path) => ({ path, external: true })),
  redirect('vendor-files', new RegExp(`^(${VENDOR.join('|')})$`), (path) => ({ path: `./vendor/${path}.cjs`, external: true }), inSrc),
  redirect('vendor-csv-parse', /^csv-parse\/sync$/, () => ({ path: './vendor/csv-parse.cjs', external: true }), inSrc),
  ...PROMPTS.map((prompt) =>
    replaceModule(`prompt-${prompt}`, new RegExp(`^@inquirer/${prompt}$`), `export { ${prompt} as default } from './vendor/prompts.cjs';`, {
      importer: inSrc,
    }),
  ),
  redirect('vendor-prompts-file', /^\.\/vendor\/prompts\.cjs$/, (path) => ({ path, external: true })),
  // commander loads child_process (and with it net, dgram and the stream machinery) for commands
  // that are separate executables; this CLI has none, so it is loaded only if one is ever run.
  loadOnUse('node:child_process', 'commander'),
];

const spinners = JSON.parse(readFileSync('node_modules/cli-spinners/spinners.json', 'utf8')) as Record<string, unknown>;

const vendorPlugins: Plugin[] = [
  // conf writes through the `atomically` package, which neither checks that the temp file was
  // written whole before renaming it nor leaves signals alone: it writes through
  // src/store/atomic-write.ts instead (see there), as the tests do (vitest.config.ts).
  redirect('conf-atomic-write', /^atomically$/, () => ({ path: resolve('src/store/atomic-write.ts') }), inPackage('conf')),
  // ofetch's Node build adds node-fetch-native (150 KB) as a fallback for Node without fetch;
  // Node 20 has fetch, which its neutral build uses just the same.
  redirect('ofetch-without-polyfill', /^ofetch$/, () => ({ path: resolve('node_modules/ofetch/dist/index.mjs') })),
  // src/api/proxy.ts takes EnvHttpProxyAgent and fetch from undici; its index also loads
  // WebSocket, EventSource, caches, mocks and interceptors (half of undici).
  {
    name: 'undici-for-proxies',
    setup(build) {
      build.onLoad({ filter: /node_modules[\\/]undici[\\/]index\.js$/ }, () => ({
        resolveDir: resolve('node_modules/undici'),
        loader: 'js',
        contents: `
          const Dispatcher = require('./lib/dispatcher/dispatcher');
          // ProxyAgent opens its tunnel with connect(), which undici's index adds to every dispatcher.
          Dispatcher.prototype.connect = require('./lib/api/api-connect');
          const fetchImpl = require('./lib/web/fetch').fetch;
          exports.EnvHttpProxyAgent = require('./lib/dispatcher/env-http-proxy-agent');
          exports.fetch = function fetch(input, init) {
            return fetchImpl(input, init).catch((error) => {
              if (error && typeof error === 'object') Error.captureStackTrace(error, exports.fetch);
              throw error;
            });
          };`,
      }));
    },
  },
  // undici carries its HTTP parser twice, with and without WebAssembly SIMD, and falls back to
  // the portable one when the SIMD one cannot be loaded: keep only that one (70 KB less).
  replaceModule('llhttp-portable-only', /llhttp_simd-wasm\.js$/, `throw new Error('The SIMD build of llhttp is not bundled.');`),
  // conf validates against a JSON schema (ajv) and runs migrations (semver) only when given a
  // schema or migrations; the stores here use neither, and both would load on every write.
  replaceModule(
    'conf-without-schema',
    /^ajv\/dist\/2020\.js$/,
    `export class Ajv2020 { constructor() { throw new Error('conf schemas are not bundled in stackone-connect.'); } }`,
    { importer: inPackage('conf') },
  ),
  replaceModule('conf-without-formats', /^ajv-formats$/, `export default {};`, { importer: inPackage('conf') }),
  replaceModule(
    'conf-without-migrations',
    /^semver$/,
    `export default new Proxy({}, { get() { throw new Error('conf migrations are not bundled in stackone-connect.'); } });`,
    { importer: inPackage('conf') },
  ),
  // ... and needs node:crypto only to encrypt, which they do not ask for: loaded if ever used.
  loadOnUse('node:crypto', 'conf'),
  // clipboardy also reads and writes images (clipboard-image, with macOS scripting and semver);
  // --copy writes text.
  replaceModule(
    'clipboardy-text-only',
    /^clipboard-image$/,
    `
    const unavailable = async () => { throw new Error('Clipboard images are not bundled in stackone-connect.'); };
    export { unavailable as writeClipboardImages, unavailable as readClipboardImages, unavailable as hasClipboardImages };`,
    { importer: inPackage('clipboardy') },
  ),
  // ora draws its default spinner (dots, or line where the terminal has no Unicode); the other
  // 88 in cli-spinners are never drawn.
  replaceModule(
    'ora-default-spinners',
    /^cli-spinners$/,
    `export default ${JSON.stringify({ dots: spinners.dots, line: spinners.line })};`,
    { importer: inPackage('ora') },
  ),
];

const common: Options = {
  format: ['cjs'],
  target: 'node20',
  platform: 'node',
  noExternal: [/./],
  splitting: false,
  minify: true,
  metafile: true,
  clean: false,
  removeNodeProtocol: false, // it would hide node:child_process from the plugin above
  // import() of a bundled file becomes require(): otherwise Node would start its ES module loader after all.
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'dynamic-import': false };
  },
};

export default defineConfig([
  {
    ...common,
    entry: { main: 'src/main.ts', cli: 'src/program.ts', emulator: 'src/emulator/index.ts' },
    outDir: 'dist',
    sourcemap: true,
    esbuildPlugins: cliPlugins,
    dts: { entry: { emulator: 'src/emulator/index.ts' } },
    define: { __VERSION__: JSON.stringify(version) },
  },
  {
    ...common,
    // scripts/vendor/<name>.cjs: what the CLI imports of each library, as module.exports (the
    // CLI's import() of a CommonJS file sees module.exports as the default export, as Node does).
    entry: Object.fromEntries([...VENDOR, 'prompts', 'csv-parse'].map((name) => [name, `scripts/vendor/${name}.cjs`])),
    outDir: 'dist/vendor',
    shims: true, // clipboardy and open find their helper programs next to their own file
    esbuildPlugins: vendorPlugins,
  },
]);
