import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy } from 'proxy';

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A real HTTP proxy (the `proxy` package: absolute-form requests and CONNECT tunnels) on loopback. */
export async function startProxy(): Promise<Listening & { seen: string[] }> {
  const server = createProxy(createHttpServer());
  const seen: string[] = [];
  server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
  server.on('connect', (req) => seen.push(`CONNECT ${req.url}`));
  const { port, close } = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, seen, close };
}

/**
 * An HTTPS front for a plain-HTTP server (the emulator), with a throwaway self-signed certificate
 * for localhost. Clients trust it through NODE_EXTRA_CA_CERTS=<caFile>.
 */
export async function startTlsFront(target: string): Promise<Listening & { caFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'stackone-connect-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const { port, close } = await listen(server as unknown as Server);
  return {
    url: `https://localhost:${port}`,
    port,
    caFile: cert,
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FakeReply {
  status: number;
  body: string | object;
  headers?: Record<string, string>;
}

/** A scripted HTTP server for answers the emulator would never give (hostile or malformed APIs). */
export async function startFakeApi(
  answer: (method: string, path: string, headers: Record<string, string | string[] | undefined>) => FakeReply,
): Promise<Listening & { seen: string[] }> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      const reply = answer(req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname, req.headers);
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(body);
    });
  });
  const { port, close } = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, seen, close };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
