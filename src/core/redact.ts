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
