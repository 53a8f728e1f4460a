import { formatDuration } from '../../core/durations.js';
import { findConnector } from '../catalogue.js';
import type { AttemptRecord, SessionRecord } from '../state.js';
import { HUB_CSS } from './style.js';

/** Everything from a session is customer input: escape it in text and in attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const CATEGORY_NAMES: Record<string, string> = {
  ats: 'ATS', hris: 'HRIS', 'hris-legacy': 'HRIS (legacy)', crm: 'CRM', iam: 'IAM', lms: 'LMS', stackone: 'StackOne',
  marketing: 'Marketing', documents: 'Documents', ticketing: 'Ticketing', screening: 'Screening',
  messaging: 'Messaging', accounting: 'Accounting', scheduling: 'Scheduling',
};

const categoryName = (category: string): string => CATEGORY_NAMES[category] ?? category;
const providerName = (provider: string): string => findConnector(provider)?.provider_name ?? provider;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · StackOne emulator</title>
<style>${HUB_CSS}</style>
</head>
<body>
<div class="topbar"><span class="mark" aria-hidden="true">S1</span>StackOne Connect<span class="tag">local emulator</span></div>
<main>
${body}
</main>
<p class="foot">Served by stackone-connect's emulator: nothing is sent to StackOne or to any provider.</p>
</body>
</html>
`;
}

/** A monogram in a colour derived from the key, standing in for the provider's logo. */
function logo(provider: string): string {
  let hash = 0;
  for (const char of provider) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  const letters = providerName(provider).replace(/[^A-Za-z0-9]/g, '').slice(0, 2);
  return `<span class="logo" aria-hidden="true" style="background:hsl(${hash} 55% 42%)">${escapeHtml(letters)}</span>`;
}

/** Radio cards grouped by category; the first is chosen, so Connect works with one click. */
function providerPicker(providers: string[]): string {
  const groups = new Map<string, string[]>();
  for (const p of providers) {
    const category = findConnector(p)?.category ?? 'other';
    groups.set(category, [...(groups.get(category) ?? []), p]);
  }
  const card = (p: string, first: boolean): string => `<label class="provider" data-testid="provider-${escapeHtml(p)}">
<input type="radio" name="provider" value="${escapeHtml(p)}"${first ? ' checked' : ''}>${logo(p)}
<span><span class="name">${escapeHtml(providerName(p))}</span><span class="cat">${escapeHtml(categoryName(findConnector(p)?.category ?? ''))}</span></span>
</label>`;
  const sections = [...groups].map(
    ([category, keys]) =>
      `${groups.size > 1 ? `<h3>${escapeHtml(categoryName(category))}</h3>\n` : ''}<div class="grid">\n${keys.map((p) => card(p, p === providers[0])).join('\n')}\n</div>`,
  );
  return `<fieldset data-testid="providers">\n<legend><h2>Choose the software to connect</h2></legend>\n${sections.join('\n')}\n</fieldset>`;
}

function lastAttempt(attempt: AttemptRecord | null): string {
  if (!attempt) return '';
  const text: Record<AttemptRecord['status'], string> = {
    pending: `A connection to ${providerName(attempt.provider)} is in progress.`,
    authenticated: `Already connected to ${providerName(attempt.provider)} (account ${attempt.accountSecureId ?? ''}). Connecting again updates the account.`,
    error: `The last attempt failed: ${attempt.errorCode ?? 'error'}: ${attempt.errorDescription ?? ''}. You can try again.`,
    cancelled: 'The last attempt was cancelled. You can try again.',
  };
  return `<p class="notice ${attempt.status}" data-testid="last-attempt" data-status="${attempt.status}">${escapeHtml(text[attempt.status])}</p>`;
}

/** The hub: who is connecting, what they may connect, a provider picker and three outcomes. */
export function hubPage(session: SessionRecord, providers: string[], now: number): string {
  const i = session.input;
  const who = [i.origin_owner_id, i.origin_username].filter(Boolean).map((v) => escapeHtml(v)).join(' · ');
  const chips = [
    ...(i.categories && i.categories.length > 0 ? i.categories.map(categoryName) : ['All categories']).map(
      (c) => `<li class="chip">${escapeHtml(c)}</li>`,
    ),
    ...(i.type === 'test' ? ['<li class="chip plain">test account</li>'] : []),
    ...(i.multiple ? ['<li class="chip plain">multiple accounts allowed</li>'] : []),
    ...(i.label ? [`<li class="chip plain">label: ${escapeHtml(i.label)}</li>`] : []),
  ].join('');
  const edit = i.account_id
    ? `<p class="notice edit" data-testid="edit-mode">Reconnecting the existing account <code>${escapeHtml(i.account_id)}</code>: connecting updates it.</p>`
    : '';
  return layout(
    'Connect an account',
    `<p class="eyebrow">Connect an account for</p>
<h1 data-testid="owner">${escapeHtml(i.origin_owner_name)}</h1>
<p class="muted small" data-testid="owner-id">${who}</p>
<ul class="meta" data-testid="categories">${chips}</ul>
${edit}${lastAttempt(session.attempt)}
<form method="post" action="/hub/attempt">
<input type="hidden" name="token" value="${escapeHtml(session.token)}">
${providerPicker(providers)}
<div class="actions">
<button type="submit" class="primary" name="action" value="connect" data-testid="connect">Connect</button>
<button type="submit" class="danger" name="action" value="fail" data-testid="fail" title="Simulate a denied OAuth consent">Fail</button>
<button type="submit" name="action" value="cancel" data-testid="cancel">Cancel</button>
</div>
</form>
<footer><span>Session ${session.id}</span><span title="${escapeHtml(new Date(session.expiresAt).toISOString())}">Link expires in ${formatDuration(session.expiresAt - now)}</span></footer>`,
  );
}

function resultSection(status: string, icon: string, title: string, body: string): string {
  return layout(
    title,
    `<section class="result" data-testid="result" data-status="${status}">
<div class="icon ${status}" aria-hidden="true">${icon}</div>
<h1>${escapeHtml(title)}</h1>
${body}
</section>`,
  );
}

/** What the customer sees after choosing an outcome. */
export function resultPage(session: SessionRecord, attempt: AttemptRecord): string {
  const again = `<a class="button" href="/hub?token=${encodeURIComponent(session.token)}" data-testid="try-again">Try again</a>`;
  if (attempt.status === 'authenticated') {
    return resultSection(
      'authenticated',
      '✓',
      'Connected',
      `<p>${escapeHtml(providerName(attempt.provider))} is connected for ${escapeHtml(session.input.origin_owner_name)}.</p>
<p class="muted small">Account <code data-testid="account-id">${escapeHtml(attempt.accountSecureId ?? '')}</code></p>
<p class="muted small">You can close this window.</p>`,
    );
  }
  if (attempt.status === 'error') {
    return resultSection(
      'error',
      '✕',
      'Connection failed',
      `<p>${escapeHtml(providerName(attempt.provider))} refused the connection.</p>
<p class="muted small"><code>${escapeHtml(attempt.errorCode ?? 'error')}</code> ${escapeHtml(attempt.errorDescription ?? '')}</p>
${again}`,
    );
  }
  return resultSection('cancelled', '–', 'Connection cancelled', `<p>Nothing was connected.</p>\n${again}`);
}

/** 404 for a link the emulator never issued, 410 for one that expired. */
export function problemPage(kind: 'invalid' | 'expired' | 'bad-request', detail = ''): string {
  const title = kind === 'expired' ? 'This link has expired' : kind === 'invalid' ? 'This link is not valid' : 'Bad request';
  const text =
    kind === 'expired'
      ? 'The connect session has expired. Ask whoever sent it for a new link.'
      : kind === 'invalid'
        ? 'The emulator does not know this connect session token.'
        : detail;
  return resultSection(kind, kind === 'expired' ? '⏱' : '!', title, `<p>${escapeHtml(text)}</p>`);
}
