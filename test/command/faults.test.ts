import { describe, expect, test } from 'vitest';
import { type Fault, startEmulator } from '../../src/emulator/index.js';
import { createSession, requestsTo } from '../helpers/e2e.js';
import { TEST_KEY, useHarness } from '../helpers/harness.js';

/**
 * The fault suite: scripted faults and the emulator's fault options, and the CLI must wait
 * through all of them. In-process on one fake clock, so backoff and Retry-After cost no time.
 */
const RETRY_LINE = /^! .*\. Retrying in [\d.]+m?s \(failure \d+\)\.$/gm;

const h = useHarness();

describe('scripted faults', () => {
  test('poll survives 5xx, 408, 429, resets, proxy pages, non-JSON, truncated and too-slow answers, one stderr line each', async () => {
    const { id } = await createSession(h);
    const path = `/connect_sessions/${id}`;
    // In rounds: backoff doubles over consecutive failures and resets after a success; each round
    // is queued once the poll has read the session fine after the previous one.
    const rounds: Fault[][] = [
      [
        { path, kind: 'status', status: 503, times: 2 },
        { path, kind: 'status', status: 500 },
      ],
      [
        { path, kind: 'status', status: 408 },
        { path, kind: 'status', status: 429, retryAfter: 1 },
        { path, kind: 'reset' },
      ],
      [
        { path, kind: 'html', status: 502 },
        { path, kind: 'html', status: 504 },
        { path, kind: 'non-json' },
      ],
      [
        { path, kind: 'truncate' },
        { path, kind: 'hang' },
        { path, kind: 'delay', delayMs: 2000 },
      ],
    ];
    const injected = rounds.flat().reduce((n, f) => n + (f.times ?? 1), 0);
    h.emulator.injectFaults(rounds[0]!);
    const recovered = (n: number) => (stderr: string) =>
      (stderr.match(/Reading the session again after \d+ failed tries?\./g)?.length ?? 0) >= n;
    const run = await h.drive(
      (o) => h.cli(['session', 'poll', String(id), '--json', '--interval', '100ms', '--request-timeout', '300ms'], o),
      [
        ...rounds.slice(1).map((round, i) => ({ when: recovered(i + 1), then: () => h.emulator.injectFaults(round) })),
        { when: recovered(rounds.length), then: () => void h.emulator.connect(id, { provider: 'hibob' }) },
      ],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ session_id: id, status: 'authenticated' });
    expect(run.stderr.match(RETRY_LINE)).toHaveLength(injected);
    expect(run.stderr.match(/Reading the session again after \d+ failed tries\./g)).toHaveLength(rounds.length);
    const gets = requestsTo(h.emulator.requests, 'GET', path);
    // non-JSON and truncated answers carry a 200: count error statuses and 200s that were faults apart
    expect(gets.filter((r) => r.status !== 200 && r.status !== 0)).toHaveLength(7); // 503 ×2, 500, 408, 429, 502, 504
    expect(gets.length).toBeGreaterThan(injected);
    // 429 waited its Retry-After (1 s) before the next try
    const after429 = gets.findIndex((r) => r.status === 429);
    expect(gets[after429 + 1]!.at - gets[after429]!.at).toBe(1000);
  });

  test('create is never repeated after a failure that may have reached the server', async () => {
    for (const fault of [{ kind: 'status', status: 502 }, { kind: 'reset' }, { kind: 'truncate' }] as Fault[]) {
      h.emulator.clearRequests();
      h.emulator.injectFaults([{ ...fault, method: 'POST', path: '/connect_sessions' }]);
      const run = await h.cli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/a session may or may not exist for acme; it was not sent again/);
      expect(run.stderr).toMatch(/Check the StackOne dashboard/);
      expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions')).toHaveLength(1);
    }
  });

  test('create is retried after 429 (Retry-After) and makes exactly one session', async () => {
    h.emulator.injectFaults([{ method: 'POST', path: '/connect_sessions', kind: 'status', status: 429, retryAfter: 1, times: 2 }]);
    const run = await h.cli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.match(/Create request rate limited \(429\); sending it again in 1s \(retry \d of 5\)/g)).toHaveLength(2);
    expect(requestsTo(h.emulator.requests, 'POST', '/connect_sessions').map((r) => r.status)).toEqual([429, 429, 201]);
  });
});

describe("the emulator's fault options", () => {
  test('poll outlasts an error rate, a rate limit with Retry-After and latency until auto-complete connects', async () => {
    // Seeded randomness: the same requests fail on every run.
    let seed = 42;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    const emulator = await startEmulator({
      apiKey: TEST_KEY,
      now: h.clock.now,
      random,
      errorRate: 0.4,
      latencyMs: [1, 5],
      rateLimit: { limit: 3, windowMs: 2000, retryAfterSeconds: 1 },
      autoComplete: { afterMs: 4000 },
    });
    try {
      const env = { STACKONE_BASE_URL: emulator.url };
      // A create may itself hit an injected 500, which the CLI rightly never retries: try until one is made.
      let id: number | undefined;
      for (let i = 0; i < 20 && id === undefined; i++) {
        const made = await h.cli(['session', 'create', '--origin-owner-id', 'acme', '--origin-owner-name', 'Acme', '--json'], { env });
        if (made.code === 0) id = (JSON.parse(made.stdout) as { id: number }).id;
        else h.clock.advance(2000); // a new rate-limit window
      }
      expect(id).toBeDefined();
      emulator.clearRequests();
      const run = await h.cli(['session', 'poll', String(id), '--json', '--interval', '150ms'], { env });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'authenticated' });
      const statuses = emulator.requests.map((r) => r.status);
      const survived = statuses.filter((s) => s === 500 || s === 429).length;
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(0);
      expect(survived).toBe(run.stderr.match(RETRY_LINE)?.length);
    } finally {
      await emulator.close();
    }
  });
});
