import { describe, expect, test } from 'vitest';
import { formatDuration, parseDurationMs, parseWholeSeconds } from '../../src/lib/durations.js';

describe('parseDurationMs', () => {
  test.each([
    ['3600', 3_600_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['500ms', 500],
    ['1.5s', 1500],
    [' 2S ', 2000],
    ['1h30m', 5_400_000],
    ['1d 12h', 129_600_000],
    ['2m30s', 150_000],
    ['1s500ms', 1500],
  ])('%s -> %d ms', (input, ms) => {
    expect(parseDurationMs(input)).toBe(ms);
  });

  test.each(['', 'abc', '-5', '5x', '30m1h', '1h1h', 's', '1e3', 'Infinity'])('rejects %j', (input) => {
    expect(parseDurationMs(input)).toBeUndefined();
  });
});

describe('parseWholeSeconds (expires_in)', () => {
  test('accepts positive whole seconds in any unit', () => {
    expect(parseWholeSeconds('3600')).toBe(3600);
    expect(parseWholeSeconds('90s')).toBe(90);
    expect(parseWholeSeconds('7d')).toBe(604_800);
  });
  test.each(['0', '0s', '1.5s', '500ms', 'soon'])('rejects %j', (input) => {
    expect(parseWholeSeconds(input)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [400, '400ms'],
    [45_000, '45s'],
    [65_000, '1m 05s'],
    [7_380_000, '2h 03m'],
    [86_400_000 * 3 + 3_600_000 * 4, '3d 4h'],
    [-5000, '0s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
