import { afterEach } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../src/emulator/index.js';
import { createSpecValidator } from '../../../src/emulator/validation.js';

export const KEY = 'v1.eu1.unit-test-key';

/** StackOne's Basic auth: the key as user name, an empty password. */
export function basic(key = KEY): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

const running: Emulator[] = [];

/** An emulator on a free port, closed after the test. */
export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ port: 0, ...options });
  running.push(emu);
  return emu;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** null: no Authorization header. */
  key?: string | null;
  signal?: AbortSignal;
}

/** An API request as a well-behaved client sends it: User-Agent, Basic auth, JSON. */
export function call(emu: Emulator, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': 'unit-test/1.0', accept: 'application/json', ...opts.headers };
  if (opts.key !== null) headers.authorization = basic(opts.key ?? KEY);
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  return fetch(`${emu.url}${path}`, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: opts.signal });
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export const OWNER = { origin_owner_id: 'cust-42', origin_owner_name: 'Acme Ltd' };

export interface CreatedSession {
  id: number;
  token: string;
  auth_link_url: string;
  [key: string]: unknown;
}

export async function createSession(emu: Emulator, body: Record<string, unknown> = {}): Promise<CreatedSession> {
  const res = await call(emu, '/connect_sessions', { body: { ...OWNER, ...body } });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  return json<CreatedSession>(res);
}

export async function getSession(emu: Emulator, id: number): Promise<Record<string, unknown>> {
  const res = await call(emu, `/connect_sessions/${id}`);
  if (res.status !== 200) throw new Error(`GET answered ${res.status}`);
  return json(res);
}

export const schema = createSpecValidator();

/** Asserts `value` conforms to the spec's component schema, with ajv's errors as the message. */
export function conforms(schemaName: string, value: unknown): void {
  const validate = schema(schemaName);
  if (!validate(value)) throw new Error(`${schemaName}: ${JSON.stringify(validate.errors, null, 2)}`);
}

export function expectStackOneError(body: Record<string, unknown>, status: number): void {
  if (body.statusCode !== status || typeof body.message !== 'string' || Number.isNaN(Date.parse(String(body.timestamp)))) {
    throw new Error(`not StackOne's error shape for ${status}: ${JSON.stringify(body)}`);
  }
}
