import { describe, expect, test } from 'vitest';
import { displayUrl, redactKey, redactSecrets, safeJson, sanitizeLine, sanitizeText } from '../../src/lib/text.js';

describe('sanitize', () => {
  test.each([
    ['ANSI colour', 'Acme \u001b[31mred\u001b[0m', 'Acme red'],
    ['OSC title with BEL', 'a\u001b]0;pwned\u0007b', 'ab'],
    ['OSC 8 hyperlink with ST', '\u001b]8;;https://evil\u001b\\click\u001b]8;;\u001b\\', 'click'],
    ['cursor movement', 'x\u001b[2Ay\u001b[K', 'xy'],
    ['carriage return overwrite', 'safe\rEVIL', 'safe\nEVIL'],
    ['backspaces', 'ab\b\bcd', 'abcd'],
    ['bidi override', 'user\u202Egnp.exe', 'usergnp.exe'],
    ['bidi isolates', 'a\u2066b\u2069c', 'abc'],
    ['C1 CSI', 'a\u009b31mb', 'ab'],
    ['NUL and BEL', 'a\u0000b\u0007c', 'abc'],
  ])('removes %s', (_name, input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });

  test('sanitizeLine folds newlines and tabs into spaces', () => {
    expect(sanitizeLine('line one\n\tline two\r\nthree')).toBe('line one line two three');
  });

  test('non-strings and nullish values', () => {
    expect(sanitizeText(null)).toBe('');
    expect(sanitizeText(42)).toBe('42');
  });

  test('safeJson escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { name: 'a\u202Eb\u0085c\u2028d\u001be', n: 1 };
    const line = safeJson(value);
    expect(line).not.toMatch(/[\u007f-\u009f\u2028\u202e\u001b]/);
    expect(JSON.parse(line)).toEqual(value);
  });
});

describe('redact', () => {
  test('shows at most the first and last 4 characters of a key', () => {
    expect(redactKey('v1.eu1.abcdefghijklmnopqrstuvwxyz')).toBe('v1.e…wxyz');
    expect(redactKey('shortkey123')).toBe('sh…23');
    expect(redactKey('tiny')).toBe('…');
  });

  test('removes every occurrence of every secret', () => {
    expect(redactSecrets('key=SECRETKEY and SECRETKEY again, tok=T0KEN', ['SECRETKEY', 'T0KEN', undefined])).toBe(
      'key=[redacted] and [redacted] again, tok=[redacted]',
    );
  });

  test('displayUrl drops user info and query values', () => {
    expect(displayUrl('https://u:p@hub.example/connect?token=abc&x=1')).toBe('https://hub.example/connect?token=…&x=…');
  });
});
