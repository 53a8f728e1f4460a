import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../src/emulator/http.js';
import type { RecordedRequest } from '../../../src/emulator/index.js';
import { MAX_RECORDED_BODY_BYTES, MAX_RECORDED_REQUESTS } from '../../../src/emulator/server.js';
import { call, emulator, expectStackOneError, json, OWNER } from './helpers.js';

/** A JSON body of exactly `bytes` bytes: a create request padded with a long label. */
function bodyOf(bytes: number): string {
  const head = JSON.stringify({ ...OWNER, label: '' });
  return `${head.slice(0, -2)}${'é'.repeat(Math.floor((bytes - head.length) / 2))}${(bytes - head.length) % 2 ? ' ' : ''}"}`;
}

describe('request bodies', () => {
  it('answers 413 in StackOne shape to a body over 1 MiB, rather than dropping the connection', async () => {
    const emu = await emulator();
    const body = 'x'.repeat(MAX_BODY_BYTES + 1);
    const res = await call(emu, '/connect_sessions', { body });
    expect(res.status).toBe(413);
    const error = await json(res);
    expectStackOneError(error, 413);
    expect(error.message).toMatch(/larger than 1048576 bytes/);
    // the hub and the control API answer the same
    expect((await fetch(`${emu.url}/hub/attempt`, { method: 'POST', body })).status).toBe(413);
    expect(
      (await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status,
    ).toBe(413);
    expect((await call(emu, '/accounts')).status).toBe(200);
  });

  it('reads a body of exactly 1 MiB', async () => {
    const emu = await emulator();
    const body = bodyOf(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    expect((await call(emu, '/connect_sessions', { body })).status).toBe(201);
  });
});

describe('the request log', () => {
  it('keeps small bodies whole and only the first 64 KiB of a large one, marked as cut', async () => {
    const emu = await emulator();
    await call(emu, '/connect_sessions', { body: OWNER });
    const large = bodyOf(MAX_BODY_BYTES);
    await call(emu, '/connect_sessions', { body: large });
    const [small, big] = emu.requests;
    expect(small).toMatchObject({
      body: OWNER,
      rawBody: JSON.stringify(OWNER),
      bodyBytes: JSON.stringify(OWNER).length,
      bodyTruncated: false,
    });
    expect(big).toMatchObject({ status: 201, bodyBytes: MAX_BODY_BYTES, bodyTruncated: true });
    expect(Buffer.byteLength(big!.rawBody)).toBeLessThanOrEqual(MAX_RECORDED_BODY_BYTES);
    expect(Buffer.byteLength(big!.rawBody)).toBeGreaterThan(MAX_RECORDED_BODY_BYTES - 4);
    expect(large.startsWith(big!.rawBody)).toBe(true);
    expect(big!.body).toBe(big!.rawBody);
  });

  it(`keeps the newest ${MAX_RECORDED_REQUESTS} requests`, async () => {
    const emu = await emulator();
    const total = MAX_RECORDED_REQUESTS + 5;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, j) => call(emu, `/accounts?page=${i + j + 1}`)));
    }
    expect(emu.requests).toHaveLength(MAX_RECORDED_REQUESTS);
    const pages = new Set(emu.requests.map((r) => Number(r.query.page)));
    expect(pages.size).toBe(MAX_RECORDED_REQUESTS);
    // the five dropped are among the first batch sent
    expect(Math.min(...pages)).toBeGreaterThan(0);
    expect([...Array.from({ length: total }, (_, k) => k + 1)].filter((p) => !pages.has(p)).every((p) => p <= 50)).toBe(true);
  });

  it('stays small after many large bodies: GET /_emulator/requests still answers', async () => {
    const emu = await emulator();
    const large = bodyOf(MAX_BODY_BYTES);
    for (let i = 0; i < 40; i++) await call(emu, '/connect_sessions', { body: large });
    const res = await fetch(`${emu.url}/_emulator/requests`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect((JSON.parse(text) as RecordedRequest[]).length).toBe(40);
    // 40 cut bodies kept twice (body and rawBody), not 40 MiB
    expect(text.length).toBeLessThan(40 * 2 * MAX_RECORDED_BODY_BYTES * 1.1);
  });
});
