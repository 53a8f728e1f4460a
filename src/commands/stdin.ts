import type { Runtime } from '../lib/runtime.js';

/** All of stdin as text (for --metadata @- and --api-key-stdin). */
export async function readAllStdin(runtime: Runtime): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of runtime.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
