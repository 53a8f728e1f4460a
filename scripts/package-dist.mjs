// The second half of `npm run build`, after tsup (see tsup.config.ts): the published layout.
//
// - Source maps keep what a bug report needs: the line in src/, and for bundled packages the
//   file a frame is in (see "Bug reports" in README.md). dist/vendor/ has none: no code of ours
//   is there.
// - `stackone-connect/emulator` is an ES module: dist/emulator.js re-exports dist/emulator.cjs.
// - open's xdg-open script sits next to dist/vendor/open.cjs, where open looks for it.
// - THIRD-PARTY-NOTICES.md, and a table of what each file holds.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeNotices } from './third-party-notices.mjs';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

mkdirSync('.build', { recursive: true });
const metafiles = ['dist', 'dist/vendor'].map((dir, i) => {
  const target = join('.build', `metafile-${i}.json`);
  renameSync(join(dir, 'metafile-cjs.json'), target);
  return JSON.parse(readFileSync(target, 'utf8'));
});
const metafile = { inputs: {}, outputs: Object.assign({}, ...metafiles.map((m) => m.outputs)) };

for (const name of ['main', 'cli', 'emulator']) {
  const path = join('dist', `${name}.cjs.map`);
  writeFileSync(path, JSON.stringify(trimSourceMap(JSON.parse(readFileSync(path, 'utf8')))));
}

const emulatorExports = Object.keys(createRequire(import.meta.url)('../dist/emulator.cjs')).filter((name) => name !== '__esModule');
writeFileSync('dist/emulator.js', `import emulator from './emulator.cjs';\nexport const { ${emulatorExports.join(', ')} } = emulator;\n`);
if (existsSync('dist/emulator.d.cts')) renameSync('dist/emulator.d.cts', 'dist/emulator.d.ts');

copyFileSync('node_modules/open/xdg-open', 'dist/vendor/xdg-open');
chmodSync('dist/vendor/xdg-open', 0o755);

writeNotices(metafile, 'THIRD-PARTY-NOTICES.md');
printChunks(metafile);

/**
 * A source map small enough to ship: for src/, the first position of each source line (a stack
 * frame names the right line of the right file); for bundled packages, the first position of
 * each stretch of one file (which file a frame is in); no sources' text (it is in the
 * repository, at the release's tag).
 */
function trimSourceMap(map) {
  const ours = map.sources.map((source) => /(^|\/)src\//.test(source) && !source.includes('node_modules'));
  const lines = map.mappings.split(';').map((line) => (line ? line.split(',').map(decodeVlq) : []));
  let [source, line, column] = [0, 0, 0];
  let [previousSource, previousLine] = [-1, -1];
  const kept = lines.map((segments) => {
    const keep = [];
    let generated = 0;
    for (const segment of segments) {
      generated += segment[0];
      if (segment.length === 1) continue;
      source += segment[1];
      line += segment[2];
      column += segment[3];
      if (source !== previousSource || (ours[source] && line !== previousLine)) keep.push([generated, source, line, column]);
      [previousSource, previousLine] = [source, line];
    }
    return keep;
  });
  let [outSource, outLine, outColumn] = [0, 0, 0];
  const mappings = kept
    .map((segments) => {
      let generatedColumn = 0;
      return segments
        .map(([col, src, ln, cl]) => {
          const fields = [col - generatedColumn, src - outSource, ln - outLine, cl - outColumn];
          [generatedColumn, outSource, outLine, outColumn] = [col, src, ln, cl];
          return fields.map(encodeVlq).join('');
        })
        .join(',');
    })
    .join(';');
  return { version: 3, file: map.file, sources: map.sources, names: [], mappings };
}

function decodeVlq(segment) {
  const values = [];
  let [value, shift] = [0, 0];
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      [value, shift] = [0, 0];
    }
  }
  return values;
}

function encodeVlq(number) {
  let value = number < 0 ? (-number << 1) | 1 : number << 1;
  let out = '';
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value > 0) digit |= 32;
    out += BASE64[digit];
  } while (value > 0);
  return out;
}

/** What each file holds, biggest first: the bundle's table of contents. */
function printChunks(meta) {
  const packageOf = (input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? (input.includes('node_modules') ? 'other' : 'src');
  const rows = Object.entries(meta.outputs)
    .filter(([file]) => file.endsWith('.cjs'))
    .map(([file, output]) => {
      const bytes = {};
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        bytes[packageOf(input)] = (bytes[packageOf(input)] ?? 0) + bytesInOutput;
      }
      const parts = Object.entries(bytes)
        .filter(([, n]) => n >= 512)
        .sort((a, b) => b[1] - a[1]);
      return { file: file.replace(/^dist\//, ''), bytes: output.bytes, parts };
    })
    .sort((a, b) => b.bytes - a.bytes);
  console.log('\nfile                              KB  holds (KB)');
  for (const { file, bytes, parts } of rows) {
    const holds = parts.map(([pkg, n]) => `${pkg} ${(n / 1024).toFixed(0)}`).join(', ');
    console.log(`${file.padEnd(30)}${(bytes / 1024).toFixed(1).padStart(7)}  ${holds}`);
  }
}
