import { describe, expect, it } from 'vitest';
import {
  optionsFromFlags,
  parseAutoComplete,
  parseErrorRate,
  parseLatency,
  parseOutcome,
  parsePort,
  parsePublicUrl,
  parseRateLimit,
  parseRetryAfter,
} from '../../src/commands/emulator-flags.js';
import { UsageError } from '../../src/core/errors.js';
import { isLoopbackHost } from '../../src/lib/net.js';

/** The flag a UsageError names first, as the message starts with it. */
function flagOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return /^(--[a-z-]+)/.exec(error.message)?.[1];
    throw error;
  }
  return undefined;
}

describe('emulator flag values', () => {
  it('parses ports 0..65535', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('4010')).toBe(4010);
    for (const bad of ['65536', '-1', 'abc', '40.5', '']) expect(flagOf(() => parsePort(bad))).toBe('--port');
  });

  it('parses latency as a value or a range', () => {
    expect(parseLatency('200')).toBe(200);
    expect(parseLatency('1s')).toBe(1000);
    expect(parseLatency('100-800')).toEqual([100, 800]);
    expect(parseLatency('100ms-2s')).toEqual([100, 2000]);
    for (const bad of ['800-100', 'slow', '1-2-3', '-5']) expect(flagOf(() => parseLatency(bad))).toBe('--latency');
  });

  it('parses error rates from 0 to 1, or a percentage', () => {
    expect(parseErrorRate('0.1')).toBe(0.1);
    expect(parseErrorRate('1')).toBe(1);
    expect(parseErrorRate('25%')).toBe(0.25);
    for (const bad of ['1.5', '-0.1', 'often', '200%']) expect(flagOf(() => parseErrorRate(bad))).toBe('--error-rate');
  });

  it('parses rate limits with an optional window (default a minute)', () => {
    expect(parseRateLimit('100')).toEqual({ limit: 100, windowMs: 60_000 });
    expect(parseRateLimit('5/10s')).toEqual({ limit: 5, windowMs: 10_000 });
    expect(parseRateLimit('5/1m')).toEqual({ limit: 5, windowMs: 60_000 });
    expect(parseRateLimit('5/30')).toEqual({ limit: 5, windowMs: 30_000 });
    for (const bad of ['0', 'x/1s', '5/', '5/1s/2']) expect(flagOf(() => parseRateLimit(bad))).toBe('--rate-limit');
  });

  it('parses retry-after, auto-complete and the outcome', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter('2m')).toBe(120);
    expect(flagOf(() => parseRetryAfter('1500ms'))).toBe('--retry-after');
    expect(parseAutoComplete('5s')).toBe(5000);
    expect(parseAutoComplete('3')).toBe(3000);
    expect(flagOf(() => parseAutoComplete('soon'))).toBe('--auto-complete');
    expect(parseOutcome('FAIL')).toBe('fail');
    expect(flagOf(() => parseOutcome('succeed'))).toBe('--auto-outcome');
  });

  it('parses --public-url: an http(s) origin, nothing after it', () => {
    expect(parsePublicUrl('http://emulator:4010')).toBe('http://emulator:4010');
    expect(parsePublicUrl('https://hub.example.test/')).toBe('https://hub.example.test');
    expect(optionsFromFlags({ host: '0.0.0.0', publicUrl: 'http://emulator:4010' })).toMatchObject({
      host: '0.0.0.0',
      publicUrl: 'http://emulator:4010',
    });
    for (const bad of ['emulator:4010x', 'ftp://x', 'http://x/hub', 'http://x?a=1', 'http://u:p@x', ''])
      expect(flagOf(() => parsePublicUrl(bad))).toBe('--public-url');
  });

  it('builds emulator options and refuses contradictory flags', () => {
    expect(optionsFromFlags({})).toEqual({ port: 4010, host: '127.0.0.1' });
    expect(
      optionsFromFlags({
        port: '0',
        apiKey: 'k',
        latency: '5',
        errorRate: '0.5',
        rateLimit: '3/1s',
        retryAfter: '2',
        autoComplete: '1s',
        autoOutcome: 'cancel',
        legacy: true,
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      apiKey: 'k',
      latencyMs: 5,
      errorRate: 0.5,
      rateLimit: { limit: 3, windowMs: 1000, retryAfterSeconds: 2 },
      autoComplete: { afterMs: 1000, outcome: 'cancel' },
      legacy: true,
    });
    expect(flagOf(() => optionsFromFlags({ apiKey: 'k', anyKey: true }))).toBe('--api-key'); // "--api-key and --any-key cannot be used together"
    expect(flagOf(() => optionsFromFlags({ apiKey: ' ' }))).toBe('--api-key');
    expect(flagOf(() => optionsFromFlags({ retryAfter: '5' }))).toBe('--retry-after');
    expect(flagOf(() => optionsFromFlags({ autoOutcome: 'fail' }))).toBe('--auto-outcome');
  });

  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'example.com']) expect(isLoopbackHost(host)).toBe(false);
  });
});
