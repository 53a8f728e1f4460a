import stripAnsi from 'strip-ansi';

// After escape sequences are gone, whatever C0/C1 control or bidi/format character remains could
// still move the cursor, overwrite a line or reorder what the reader sees: drop it.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const LINE_BREAKS = /[\n\t\u2028\u2029]+/g;

/** Text that came from the server or from a file, safe to print on a terminal; keeps newlines. */
export function sanitizeText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return stripAnsi(String(value)).replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(/[\u2028\u2029]/g, '\n');
}

/** A single value for one line of output: newlines and tabs become single spaces. */
export function sanitizeLine(value: unknown): string {
  return sanitizeText(value).replace(LINE_BREAKS, ' ');
}

// JSON.stringify escapes C0 controls but leaves C1, bidi overrides and line separators raw;
// escaping them keeps the parsed value identical and the raw line inert on a terminal.
const JSON_UNSAFE = /[\u007F-\u009F\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** One line of JSON whose raw text carries no terminal control characters. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
