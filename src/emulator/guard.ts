import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Who may talk to the emulator. It has no auth on its control API and serves every session's
 * token there, so two kinds of web page must be kept out:
 * - DNS rebinding: a page on attacker.example whose name later resolves to 127.0.0.1 reaches the
 *   emulator as its own origin; its requests carry `Host: attacker.example`. Only the names and
 *   addresses the emulator serves are let in (the port is not checked: a port mapping or a proxy
 *   in front may change it, and a rebinding attack is about the name).
 * - Cross-origin writes: any page may POST a "simple" request (text/plain, a form) without a
 *   preflight. Browsers say where a request comes from (`Origin`, `Sec-Fetch-Site`): a write
 *   from another origin is refused, and the control API takes only JSON bodies, which a page on
 *   another origin cannot send without a preflight the emulator never grants.
 * Clients that are not browsers (curl, SDKs, the CLI, tests) send neither header and pass.
 */

/** `[::1]` -> `::1`, lower case, no trailing dot. */
function bare(hostname: string): string {
  return hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** Loopback names and addresses: no one but this machine can be behind them. */
function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.');
  return hostname === '::1' || /^::ffff:127\./.test(hostname);
}

/** The addresses of this machine's interfaces, for an emulator listening on all of them. */
function interfaceAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) out.add(bare(entry.address.replace(/%.*$/, '')));
  }
  return out;
}

/**
 * The host names a request may carry: loopback always; the listening address; with a wildcard
 * listen address (`--host 0.0.0.0`), every address of the machine's interfaces; and the host of
 * `publicUrl`, for a name of your own (a container name, a tunnel).
 */
export function hostAllowed(listenHost: string, publicUrl: string): (hostHeader: string | undefined) => boolean {
  const named = new Set<string>([bare(listenHost)]);
  try {
    named.add(bare(new URL(publicUrl).hostname));
  } catch {
    // no usable public URL: only the listening address and loopback
  }
  const wildcard = WILDCARDS.has(bare(listenHost));
  return (hostHeader) => {
    // HTTP/1.0 clients may send no Host; browsers always send one.
    if (hostHeader === undefined) return true;
    let hostname: string;
    try {
      hostname = bare(new URL(`http://${hostHeader}`).hostname);
    } catch {
      return false;
    }
    if (isLoopback(hostname) || named.has(hostname)) return true;
    return wildcard && isIP(hostname) !== 0 && interfaceAddresses().has(hostname);
  };
}

/** `host:port` as a URL writes it (no default port), for comparing an Origin with a Host. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Why a browser request must be refused as coming from another origin, or undefined. `Origin`
 * must name the host the request was sent to (or the host of `publicUrl`, for a page reached
 * through a proxy that rewrites Host); `Sec-Fetch-Site` must say same-origin, or none (typed in
 * the address bar).
 */
export function crossOrigin(headers: Record<string, string>, publicUrl: string): string | undefined {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `a ${site} request`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  const from = origin === 'null' ? undefined : hostOf(origin);
  const to = headers.host === undefined ? undefined : hostOf(`http://${headers.host}`);
  if (from !== undefined && (from === to || from === hostOf(publicUrl))) return undefined;
  return `a request from ${origin}`;
}
