/** What a command may touch of the process: injected so tests can run commands in-process. */
export interface Runtime {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C (SIGINT) and SIGTERM. */
  signal: AbortSignal;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** An env flag such as CI or STACKONE_NO_INPUT: set, non-empty, and not "0"/"false". */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export const VERSION: string = __VERSION__;
export const USER_AGENT = `stackone-connect/${VERSION} (node ${process.version}; ${process.platform} ${process.arch})`;
