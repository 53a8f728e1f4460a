import { resolve } from 'node:path';
import type { FileReader } from '../core/create-body.js';
import type { Runtime } from '../lib/runtime.js';

/** All of stdin as text (for --metadata @-, --api-key-stdin and --from-file -). */
export async function readAllStdin(runtime: Runtime): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of runtime.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The user's files, relative to the run's working directory, and stdin. */
export function fileReader(runtime: Runtime): FileReader {
  return {
    // Loaded on use: node:fs/promises brings readline and streams, which `--help` does not need.
    readFile: async (path) => (await import('node:fs/promises')).readFile(resolve(runtime.cwd, path), 'utf8'),
    readStdin: () => readAllStdin(runtime),
  };
}
