import { startCli } from './running-cli.js';

export interface EmulatorProcess {
  url: string;
  apiKey: string;
  stderr: () => string;
  /** The control API: drive sessions, inject faults, read the request log. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<number | null>;
}

/** `stackone-connect emulator --port 0 ...` as its own process, as a user's CI would run it. */
export async function startEmulatorProcess(flags: string[]): Promise<EmulatorProcess> {
  const running = startCli(['emulator', '--port', '0', ...flags], {}, { timeoutMs: 120_000 });
  const [, url, apiKey] = await running.waitFor('stdout', /^export STACKONE_BASE_URL=(\S+)\nexport STACKONE_API_KEY=(\S+)\n/, 10_000);
  return {
    url: url!,
    apiKey: apiKey!,
    stderr: () => running.stderr,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}/_emulator${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json().catch(() => undefined)) as T;
    },
    async stop() {
      running.kill('SIGTERM');
      return (await running.exited).code;
    },
  };
}
