import { stripVTControlCharacters } from 'node:util';

// After escape sequences are gone, whatever control, format or invisible character remains could
// still move the cursor, overwrite a line, reorder what the reader sees or hide text in plain
// sight: C0/C1 controls (not newline and tab, handled below), every format character (Cf: bidi
// overrides, zero-width and word joiners, soft hyphen, tag characters...), and the blank "filler"
// letters (Hangul fillers, U+3164 and kin) that render as nothing.
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Cf}\u115F\u1160\u3164\uFFA0\u180E]/gu;
const LINE_BREAKS = /[\n\t\u2028\u2029]+/g;

/** Text that came from the server or from a file, safe to print on a terminal; keeps newlines. */
export function sanitizeText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return stripVTControlCharacters(String(value))
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(/[\u2028\u2029]/g, '\n');
}

/** A single value for one line of output: newlines and tabs become single spaces. */
export function sanitizeLine(value: unknown): string {
  return sanitizeText(value).replace(LINE_BREAKS, ' ');
}

// JSON.stringify escapes C0 controls but leaves C1, format characters and line separators raw;
// escaping them keeps the parsed value identical and the raw line inert on a terminal.
const JSON_UNSAFE = /[\u007F-\u009F\p{Cf}\u2028\u2029\u115F\u1160\u3164\uFFA0]/gu;

/** One line of JSON whose raw text carries no terminal control characters. */
export function safeJson(value: unknown): string {
  // Each UTF-16 unit of the character as \uXXXX: a tag character beyond the BMP becomes its surrogate pair.
  const unicodeEscapes = (c: string) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  return JSON.stringify(value).replace(JSON_UNSAFE, unicodeEscapes);
}

/** The API key as it may be shown: at most its first 4 and last 4 characters. */
export function redactKey(key: string): string {
  if (key.length >= 16) return `${key.slice(0, 4)}…${key.slice(-4)}`;
  // A short key would be half shown by 4+4: show less of it.
  if (key.length >= 8) return `${key.slice(0, 2)}…${key.slice(-2)}`;
  return '…';
}

/** Removes every occurrence of each secret from a text (error messages, traces). */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** A URL for display: no user info, and no query values (an auth link's token lives there). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '…');
    return u.toString().replace(/%E2%80%A6/g, '…');
  } catch {
    return '[invalid url]';
  }
}

/**
 * Breaks a line of words into lines of at most `width` characters (a word longer than that is cut),
 * for values shown beside a label on a narrow terminal.
 */
export function wrapWords(text: string, width: number): string[] {
  if (width < 1 || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while (rest.length > width) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
      line = '';
    }
    if (line && line.length + 1 + rest.length > width) {
      lines.push(line);
      line = rest;
    } else {
      line = line ? `${line} ${rest}` : rest;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A string with something in it, else undefined (the API sends "" and null for "none"). */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
