import { describe, expect, test } from 'vitest';
import { StackOneClient } from '../../src/api/client.js';
import { BadResponseError, classifyNetworkError, HttpError, NetworkError, parseRetryAfter } from '../../src/api/errors.js';
import { Interrupted } from '../../src/lib/sleep.js';

const KEY = 'v1.eu1.abcdefghijklmnopqrstuvwxyz';
const created = { id: 12, token: 'tok', auth_link_url: 'https://hub/x?token=tok', origin_owner_id: 'a', origin_owner_name: 'A' };

type Answer = Response | Error | (() => Response);
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function client(answers: Answer[], options: { signal?: AbortSignal } = {}) {
  const requests: { url: string; init: RequestInit }[] = [];
  const sleeps: number[] = [];
  const retries: string[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    requests.push({ url: String(url), init });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer() : answer.clone();
  }) as unknown as typeof fetch;
  const c = new StackOneClient(
    {
      baseUrl: 'https://api.example.test/',
      apiKey: KEY,
      userAgent: 'stackone-connect/test',
      timeoutMs: 1000,
      sleep: async (ms) => void sleeps.push(ms),
      onRetry: (reason) => retries.push(reason),
      ...options,
    },
    fetchImpl,
  );
  return { c, requests, sleeps, retries };
}

const refused = () =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
const reset = () =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });

describe('StackOneClient', () => {
  test('sends Basic auth of key + ":", a User-Agent, JSON, to the base URL', async () => {
    const { c, requests } = client([json(201, created)]);
    await c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' });
    const { url, init } = requests[0]!;
    expect(url).toBe('https://api.example.test/connect_sessions');
    const headers = new Headers(init.headers);
    expect(headers.get('authorization')).toBe(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
    expect(headers.get('user-agent')).toBe('stackone-connect/test');
    expect(headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ origin_owner_id: 'a', origin_owner_name: 'A' });
  });

  test('keeps the status and the server message, as plain data (no exit codes here)', async () => {
    const unauthorized = await client([json(401, { statusCode: 401, message: 'Unauthorized', timestamp: 't' })])
      .c.getSession('1')
      .catch((e) => e);
    expect(unauthorized).toBeInstanceOf(HttpError);
    expect(unauthorized).toMatchObject({ status: 401, delivered: true });
    expect(unauthorized).not.toHaveProperty('exitCode');
    expect(unauthorized.message).toBe('The API key was rejected (401 Unauthorized).');
    const bad = await client([json(400, { statusCode: 400, message: 'categories.0 must be one of ...' })])
      .c.getSession('1')
      .catch((e) => e);
    expect(bad.message).toBe('Reading the session failed: 400 Bad Request: categories.0 must be one of ...');
    const forbidden = await client([new Response('<html>denied</html>', { status: 403 })])
      .c.getSession('1')
      .catch((e) => e);
    expect(forbidden.status).toBe(403);
  });

  test('a 2xx body that is not JSON is a BadResponseError', async () => {
    const error = await client([new Response('<html>proxy</html>', { status: 200, headers: { 'content-type': 'text/html' } })])
      .c.getSession('1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toMatch(/not JSON \(text\/html, 18 bytes\)/);
  });

  test('a create answer without token or link is an error that says what is missing', async () => {
    const error = await client([json(201, { id: 5 })])
      .c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toMatch(/lacks token, auth_link_url/);
  });

  test('create retries 429 after Retry-After (capped at 60 s) and a failure before anything was sent', async () => {
    const { c, requests, sleeps, retries } = client([
      json(429, { message: 'Too Many Requests' }, { 'retry-after': '3' }),
      json(429, { message: 'Too Many Requests' }, { 'retry-after': '120' }),
      refused(),
      json(201, created),
    ]);
    await expect(c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' })).resolves.toMatchObject({ id: 12 });
    expect(requests).toHaveLength(4);
    expect(sleeps).toEqual([3000, 60_000, 1000]);
    expect(retries).toEqual([
      'rate limited (429)',
      'rate limited (429)',
      'not sent (Could not reach api.example.test: connection refused)',
    ]);
  });

  test('a refused connection is retried three times, quickly, then reported', async () => {
    const { c, requests, sleeps } = client([refused()]);
    await expect(c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' })).rejects.toBeInstanceOf(NetworkError);
    expect(requests).toHaveLength(4);
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  test('create gives up after 5 retries', async () => {
    const { c, requests } = client([json(429, { message: 'Too Many Requests' }, { 'retry-after': '1' })]);
    await expect(c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' })).rejects.toMatchObject({ status: 429 });
    expect(requests).toHaveLength(6);
  });

  test.each([
    ['a 500', () => json(500, { message: 'boom' })],
    ['a 502 HTML page', () => new Response('<html>bad gateway</html>', { status: 502 })],
    ['a 408', () => json(408, { message: 'timeout' })],
    ['a reset', reset],
  ])('create is never sent twice after %s', async (_name, answer) => {
    const { c, requests } = client([answer(), json(201, created)]);
    await expect(c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' })).rejects.toBeDefined();
    expect(requests).toHaveLength(1);
  });

  test('network failures become NetworkError with their code, and say whether the request may have been sent', async () => {
    const error = await client([reset()])
      .c.getSession('1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'ECONNRESET', delivered: true });
    expect(error.message).toBe('Could not reach api.example.test: the connection was reset');
    expect(
      await client([refused()])
        .c.getSession('1')
        .catch((e) => e),
    ).toMatchObject({ code: 'ECONNREFUSED', delivered: false });
  });

  test.each([
    ['a host name that does not resolve', 'ENOTFOUND'],
    ['a temporary DNS failure', 'EAI_AGAIN'],
    ['a network that is down', 'ENETUNREACH'],
    ['a TLS certificate for another name', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['a self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['plain http answering a TLS handshake', 'ERR_SSL_WRONG_VERSION_NUMBER'],
  ])('%s: nothing was sent, so a create is tried again (a few times) and then reported as not sent', async (_what, code) => {
    const failure = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
    const { c, requests } = client([failure()]);
    const error = await c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' }).catch((e) => e);
    expect(error).toMatchObject({ code, delivered: false });
    expect(requests).toHaveLength(4);
  });

  test.each([301, 302, 303, 307, 308])(
    'a %i is an unexpected answer: never followed, so nothing (a token, a body) goes elsewhere',
    async (status) => {
      const { c, requests } = client([
        new Response(null, { status, headers: { location: 'https://elsewhere.test/connect_sessions?token=secret' } }),
        json(201, created),
      ]);
      const error = await c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' }).catch((e) => e);
      expect(error).toBeInstanceOf(BadResponseError);
      expect(error.message).toMatch(
        new RegExp(
          `^The API answered ${status} .*to https://elsewhere\\.test/connect_sessions\\?token=…; StackOne does not redirect, so it was not followed\\.$`,
        ),
      );
      expect(requests).toHaveLength(1);
      expect(requests[0]!.init.redirect).toBe('manual');
    },
  );

  test('an answer larger than 4 MiB is not read whole (Content-Length, or counted as it streams)', async () => {
    const declared = await client([new Response('{}', { status: 200, headers: { 'content-length': String(5 * 1024 * 1024) } })])
      .c.getSession('1')
      .catch((e) => e);
    expect(declared).toBeInstanceOf(BadResponseError);
    expect(declared.message).toMatch(/larger than 4 MiB/);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024).fill(32));
      },
    });
    const streamed = await client([() => new Response(endless, { status: 200 })])
      .c.getSession('1')
      .catch((e) => e);
    expect(streamed.message).toMatch(/larger than 4 MiB/);
    expect(pulled).toBeLessThan(80); // stopped soon after 4 MiB, not read forever
  });

  test('JSON nested deeper than any StackOne answer is refused before anything prints it', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const error = await client([new Response(deep, { status: 201 })])
      .c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toMatch(/nested too deeply/);
  });

  test('a session id that is not a safe whole number is not an id; an answer about another session is refused', async () => {
    // biome-ignore lint/correctness/noPrecisionLoss: an id beyond Number.MAX_SAFE_INTEGER is the case under test
    for (const id of ['58210', 9007199254740993, 1.5, -3]) {
      const error = await client([json(201, { ...created, id })])
        .c.createSession({ origin_owner_id: 'a', origin_owner_name: 'A' })
        .catch((e) => e);
      expect(error.message).toMatch(/lacks a numeric id/);
    }
    const other = await client([json(200, { id: 77, latest_connection_attempt: null })])
      .c.getSession('12')
      .catch((e) => e);
    expect(other).toBeInstanceOf(BadResponseError);
    expect(other.message).toBe('The API answered about session 77 when asked for session 12.');
  });

  test('a request that outlives the timeout is ETIMEDOUT', async () => {
    const hang = (async (_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
      )) as unknown as typeof fetch;
    const c = new StackOneClient({ baseUrl: 'https://h.test', apiKey: KEY, userAgent: 'x', timeoutMs: 50 }, hang);
    const error = await c.getSession('1').catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('ETIMEDOUT');
  });

  test('Ctrl-C (the signal) aborts the request as Interrupted, with the signal', async () => {
    const controller = new AbortController();
    const hang = (async (_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
      )) as unknown as typeof fetch;
    const c = new StackOneClient(
      { baseUrl: 'https://h.test', apiKey: KEY, userAgent: 'x', timeoutMs: 5000, signal: controller.signal },
      hang,
    );
    const pending = c.getSession('1');
    controller.abort('SIGTERM');
    await expect(pending).rejects.toBeInstanceOf(Interrupted);
    await expect(pending).rejects.toMatchObject({ reason: 'SIGTERM' });
  });

  test('listAccounts sends page_size and needs an array back', async () => {
    const { c, requests } = client([json(200, [{ id: 'acc' }])]);
    await expect(c.listAccounts({ page_size: 1 })).resolves.toEqual([{ id: 'acc' }]);
    expect(requests[0]!.url).toBe('https://api.example.test/accounts?page_size=1');
    await expect(client([json(200, { data: [] })]).c.listAccounts()).rejects.toBeInstanceOf(BadResponseError);
  });
});

describe('error helpers', () => {
  test('parseRetryAfter reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('60', 0)).toBe(60_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  test('classifyNetworkError digs the system error out of undici causes', () => {
    expect(classifyNetworkError(refused())).toEqual({ code: 'ECONNREFUSED', detail: 'connection refused', delivered: false });
    const dns = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }),
    });
    expect(classifyNetworkError(dns)).toMatchObject({ detail: 'the host name could not be resolved', delivered: false });
    expect(classifyNetworkError(new Error('weird \u001b[31mred'))).toMatchObject({ detail: 'weird red', delivered: true });
  });

  test("fetch's bad port (a port it refuses to connect to) is a failure before anything was sent", () => {
    const badPort = new TypeError('fetch failed', { cause: new Error('bad port') });
    expect(classifyNetworkError(badPort)).toEqual({
      code: 'ERR_BAD_PORT',
      detail: 'bad port (fetch does not connect to it)',
      delivered: false,
    });
  });
});
