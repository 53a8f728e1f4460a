import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, cleanEnv } from './cli.js';

export interface EmulatorProcess {
  url: string;
  apiKey: string;
  stderr: () => string;
  /** The control API: drive sessions, inject faults, read the request log. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<number | null>;
}

/** `stackone-connect emulator --port 0 ...` as its own process, as a user's CI would run it. */
export function startEmulatorProcess(flags: string[]): Promise<EmulatorProcess> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'emulator', '--port', '0', ...flags], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the emulator did not start: ${stderr}`));
    }, 10_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (code) => reject(new Error(`the emulator exited (${code}): ${stderr}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const url = /^export STACKONE_BASE_URL=(\S+)$/m.exec(stdout)?.[1];
      const apiKey = /^export STACKONE_API_KEY=(\S+)$/m.exec(stdout)?.[1];
      if (!url || !apiKey) return;
      clearTimeout(timer);
      resolve({
        url,
        apiKey,
        stderr: () => stderr,
        async control<T>(method: string, path: string, body?: unknown): Promise<T> {
          const response = await fetch(`${url}/_emulator${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
          return (await response.json().catch(() => undefined)) as T;
        },
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.on('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
