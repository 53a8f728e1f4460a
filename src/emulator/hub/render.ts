import { findConnector } from '../catalogue.js';
import type { AttemptRecord, SessionRecord } from '../state.js';

/** Everything from a session is customer input: escape it in text and in attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

// Inline styles only: the page must work offline, without external assets or JavaScript.
const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
main{max-width:30rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:.2rem 0 1rem}.badge{font-size:.75rem;text-transform:uppercase;letter-spacing:.08em;color:#5b6474}
.muted{color:#5b6474;font-size:.9rem}label{display:block;font-weight:600;margin:1rem 0 .4rem}
select{width:100%;padding:.5rem;font-size:1rem}.actions{display:flex;gap:.5rem;margin-top:1.25rem}
button{flex:1;padding:.6rem;font-size:1rem;border-radius:8px;border:1px solid #c9ced8;background:#fff;cursor:pointer}
button[value=connect]{background:#0b5cff;border-color:#0b5cff;color:#fff}code{word-break:break-all}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · StackOne emulator</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="badge">StackOne emulator</p>
${body}
</main>
</body>
</html>
`;
}

function providerName(provider: string): string {
  return findConnector(provider)?.provider_name ?? provider;
}

function lastAttempt(attempt: AttemptRecord | null): string {
  if (!attempt) return '';
  const detail = attempt.status === 'error' ? ` (${attempt.errorCode ?? 'error'}: ${attempt.errorDescription ?? ''})` : '';
  return `<p class="muted" data-testid="last-attempt">Last attempt: ${escapeHtml(attempt.status + detail)}</p>`;
}

/** The hub: who is connecting, what they may connect, a provider picker and three outcomes. */
export function hubPage(session: SessionRecord, providers: string[]): string {
  const i = session.input;
  const categories = i.categories && i.categories.length > 0 ? i.categories.join(', ') : 'any';
  const options = providers
    .map((p) => `<option value="${escapeHtml(p)}">${escapeHtml(providerName(p))}</option>`)
    .join('\n');
  const edit = i.account_id ? `<p data-testid="edit-mode">Editing account <code>${escapeHtml(i.account_id)}</code></p>` : '';
  return layout(
    'Connect an account',
    `<h1>Connect an account</h1>
<p data-testid="owner">For <strong>${escapeHtml(i.origin_owner_name)}</strong> <span class="muted">(${escapeHtml(i.origin_owner_id)})</span></p>
<p data-testid="categories">Categories: ${escapeHtml(categories)}</p>
${edit}${lastAttempt(session.attempt)}
<form method="post" action="/hub/attempt">
<input type="hidden" name="token" value="${escapeHtml(session.token)}">
<label for="provider">Provider</label>
<select id="provider" name="provider" data-testid="provider-select">
${options}
</select>
<div class="actions">
<button type="submit" name="action" value="connect" data-testid="connect">Connect</button>
<button type="submit" name="action" value="fail" data-testid="fail">Fail</button>
<button type="submit" name="action" value="cancel" data-testid="cancel">Cancel</button>
</div>
</form>
<p class="muted">Session ${session.id} · expires ${escapeHtml(new Date(session.expiresAt).toISOString())}</p>`,
  );
}

/** What the customer sees after choosing an outcome. */
export function resultPage(session: SessionRecord, attempt: AttemptRecord): string {
  const again = `<p><a href="/hub?token=${encodeURIComponent(session.token)}" data-testid="try-again">Try again</a></p>`;
  if (attempt.status === 'authenticated') {
    return layout(
      'Connected',
      `<section data-testid="result" data-status="authenticated">
<h1>Connected</h1>
<p>${escapeHtml(providerName(attempt.provider))} is connected for ${escapeHtml(session.input.origin_owner_name)}.</p>
<p>Account <code data-testid="account-id">${escapeHtml(attempt.accountSecureId ?? '')}</code></p>
<p class="muted">You can close this window.</p>
</section>`,
    );
  }
  if (attempt.status === 'error') {
    return layout(
      'Connection failed',
      `<section data-testid="result" data-status="error">
<h1>Connection failed</h1>
<p><code>${escapeHtml(attempt.errorCode ?? 'error')}</code>: ${escapeHtml(attempt.errorDescription ?? '')}</p>
${again}
</section>`,
    );
  }
  return layout(
    'Connection cancelled',
    `<section data-testid="result" data-status="cancelled">
<h1>Connection cancelled</h1>
<p>Nothing was connected.</p>
${again}
</section>`,
  );
}

/** 404 for a link the emulator never issued, 410 for one that expired. */
export function problemPage(kind: 'invalid' | 'expired' | 'bad-request', detail = ''): string {
  const title = kind === 'expired' ? 'This link has expired' : kind === 'invalid' ? 'This link is not valid' : 'Bad request';
  const text =
    kind === 'expired'
      ? 'The connect session has expired. Ask for a new link.'
      : kind === 'invalid'
        ? 'The emulator does not know this connect session token.'
        : detail;
  return layout(title, `<section data-testid="result" data-status="${kind}">\n<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>\n</section>`);
}
