import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useHarness } from '../helpers/harness.js';
import { closedPort, startProxy, startTlsFront } from '../helpers/network.js';

const h = useHarness({ process: true });
let proxy: Awaited<ReturnType<typeof startProxy>>;
let tls: Awaited<ReturnType<typeof startTlsFront>>;

beforeAll(async () => {
  proxy = await startProxy();
  tls = await startTlsFront(h.emulator.url);
});
afterAll(async () => {
  await tls?.close();
  await proxy?.close();
});

const create = ['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json'];

describe('proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)', () => {
  test('HTTPS_PROXY carries https requests through a CONNECT tunnel', async () => {
    proxy.seen.length = 0;
    const run = await h.cli(create, {
      env: { STACKONE_BASE_URL: tls.url, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: tls.caFile },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(proxy.seen).toEqual([`CONNECT localhost:${tls.port}`]);
    expect(h.createBodies()).toHaveLength(1);
  });

  test('lower-case https_proxy works too', async () => {
    proxy.seen.length = 0;
    const run = await h.cli(create, {
      env: { STACKONE_BASE_URL: tls.url, https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: tls.caFile },
    });
    expect(run.code).toBe(0);
    expect(proxy.seen).toEqual([`CONNECT localhost:${tls.port}`]);
  });

  test('HTTP_PROXY carries plain http requests (the emulator on loopback), tunnelled as undici does', async () => {
    proxy.seen.length = 0;
    const run = await h.cli(create, { env: { HTTP_PROXY: proxy.url } });
    expect(run.code).toBe(0);
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${h.emulator.port}`]);
    expect(h.createBodies()).toHaveLength(1);
  });

  test('NO_PROXY exempts a host', async () => {
    proxy.seen.length = 0;
    const run = await h.cli(create, { env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    expect(run.code).toBe(0);
    expect(proxy.seen).toEqual([]);
    expect(h.createBodies()).toHaveLength(1);
  });

  test('an empty proxy variable counts as unset', async () => {
    proxy.seen.length = 0;
    const run = await h.cli(create, { env: { HTTP_PROXY: '', HTTPS_PROXY: '' } });
    expect(run.code).toBe(0);
    expect(proxy.seen).toEqual([]);
  });

  test('a proxy that is down is a network error (exit 1) naming the problem', async () => {
    const run = await h.cli(['session', 'status', '1'], { env: { HTTP_PROXY: `http://127.0.0.1:${await closedPort()}` } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Could not reach 127\.0\.0\.1:\d+/);
  });

  test('without proxy variables nothing goes through the proxy', async () => {
    proxy.seen.length = 0;
    const run = await h.cli(create, { env: { STACKONE_BASE_URL: tls.url, NODE_EXTRA_CA_CERTS: tls.caFile } });
    expect(run.code).toBe(0);
    expect(proxy.seen).toEqual([]);
  });
});
