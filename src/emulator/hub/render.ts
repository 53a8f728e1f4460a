import { categoryLabel } from '../../lib/categories.js';
import { formatDuration } from '../../lib/durations.js';
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

const providerName = (provider: string): string => findConnector(provider)?.provider_name ?? provider;

/** The link back to the hub of a session, where the customer can try again. */
export const hubHref = (token: string): string => `/hub?token=${encodeURIComponent(token)}`;

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
  const letters = providerName(provider)
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 2);
  return `<span class="logo" aria-hidden="true" style="background:hsl(${hash} 55% 42%)">${escapeHtml(letters)}</span>`;
}

/**
 * Radio cards grouped by category. Only a provider the session names is chosen in advance: any
 * other default would let a customer who clicks Connect at once connect software they never picked.
 * `required` makes the browser ask for a choice before Connect; Fail and Cancel need none.
 */
function providerPicker(providers: string[], fixed: boolean): string {
  const groups = new Map<string, string[]>();
  for (const p of providers) {
    const category = findConnector(p)?.category ?? 'other';
    groups.set(category, [...(groups.get(category) ?? []), p]);
  }
  const card = (p: string): string => `<label class="provider" data-testid="provider-${escapeHtml(p)}">
<input type="radio" name="provider" value="${escapeHtml(p)}" required${fixed ? ' checked' : ''}>${logo(p)}
<span><span class="name">${escapeHtml(providerName(p))}</span><span class="cat">${escapeHtml(categoryLabel(findConnector(p)?.category ?? ''))}</span></span>
</label>`;
  const sections = [...groups].map(
    ([category, keys]) =>
      `${groups.size > 1 ? `<h3>${escapeHtml(categoryLabel(category))}</h3>\n` : ''}<div class="grid">\n${keys.map(card).join('\n')}\n</div>`,
  );
  return `<fieldset data-testid="providers">\n<legend><h2>Choose the software to connect</h2></legend>\n${sections.join('\n')}\n</fieldset>`;
}

function lastAttempt(attempt: AttemptRecord | null): string {
  if (!attempt) return '';
  const which = attempt.provider ? ` to ${providerName(attempt.provider)}` : '';
  const text: Record<AttemptRecord['status'], string> = {
    pending: `A connection${which} is in progress.`,
    authenticated: `You are connected${which} (account ${attempt.accountSecureId ?? ''}). You can close this window, or connect again to renew the connection.`,
    error: `The last attempt failed: ${attempt.errorCode ?? 'error'}: ${attempt.errorDescription ?? ''}. You can try again.`,
    cancelled: 'The last attempt was cancelled. You can try again.',
  };
  return `<p class="notice ${attempt.status}" data-testid="last-attempt" data-status="${attempt.status}">${escapeHtml(text[attempt.status])}</p>`;
}

export interface HubPageOptions {
  /** The providers on offer; `fixed` when the session (or the edited account) names the one. */
  providers: string[];
  fixed: boolean;
  now: number;
  /** Shown above the picker, e.g. when Connect was sent without a choice. */
  problem?: string;
}

/**
 * The hub: who is connecting, what they may connect, a provider picker and the outcomes. Once the
 * session is connected only Connect (again) is offered: failing or cancelling cannot undo it.
 */
export function hubPage(session: SessionRecord, { providers, fixed, now, problem }: HubPageOptions): string {
  const i = session.input;
  const connected = session.attempt?.status === 'authenticated';
  const who = [i.origin_owner_id, i.origin_username]
    .filter(Boolean)
    .map((v) => escapeHtml(v))
    .join(' · ');
  const chips = [
    ...(i.categories && i.categories.length > 0 ? i.categories.map(categoryLabel) : ['All categories']).map(
      (c) => `<li class="chip">${escapeHtml(c)}</li>`,
    ),
    ...(i.type === 'test' ? ['<li class="chip plain">test account</li>'] : []),
    ...(i.multiple ? ['<li class="chip plain">multiple accounts allowed</li>'] : []),
    ...(i.label ? [`<li class="chip plain">label: ${escapeHtml(i.label)}</li>`] : []),
  ].join('');
  const edit = i.account_id
    ? `<p class="notice edit" data-testid="edit-mode">Reconnecting the existing account <code>${escapeHtml(i.account_id)}</code>: connecting updates it.</p>`
    : '';
  const alert = problem ? `<p class="notice error" role="alert" data-testid="problem">${escapeHtml(problem)}</p>` : '';
  const buttons = connected
    ? '<button type="submit" class="primary" name="action" value="connect" data-testid="connect">Connect again</button>'
    : `<button type="submit" class="primary" name="action" value="connect" data-testid="connect">Connect</button>
<button type="submit" class="danger" name="action" value="fail" formnovalidate data-testid="fail" title="Simulate a denied OAuth consent">Fail</button>
<button type="submit" name="action" value="cancel" formnovalidate data-testid="cancel">Cancel</button>`;
  return layout(
    'Connect an account',
    `<p class="eyebrow">Connect an account for</p>
<h1 data-testid="owner">${escapeHtml(i.origin_owner_name)}</h1>
<p class="muted small" data-testid="owner-id">${who}</p>
<ul class="meta" data-testid="categories">${chips}</ul>
${edit}${lastAttempt(session.attempt)}${alert}
<form method="post" action="/hub/attempt">
<input type="hidden" name="token" value="${escapeHtml(session.token)}">
${providerPicker(providers, fixed)}
<div class="actions">
${buttons}
</div>
</form>
<footer><span>Session ${session.id}</span><span title="${escapeHtml(new Date(session.expiresAt).toISOString())}">Link expires in ${formatDuration(session.expiresAt - now)}</span></footer>`,
  );
}

type IconName = 'check' | 'cross' | 'dash' | 'clock' | 'alert';

/**
 * Result icons as inline SVG: a customer's machine may have no emoji or symbol font, and the page
 * loads nothing from anywhere, so no glyph is relied on.
 */
const ICONS: Record<IconName, string> = {
  check: '<polyline points="5 12.5 10 17.5 19 7"/>',
  cross: '<line x1="6.5" y1="6.5" x2="17.5" y2="17.5"/><line x1="17.5" y1="6.5" x2="6.5" y2="17.5"/>',
  dash: '<line x1="6" y1="12" x2="18" y2="12"/>',
  clock: '<circle cx="12" cy="12" r="8"/><polyline points="12 7.5 12 12 15 14"/>',
  alert: '<line x1="12" y1="6" x2="12" y2="13.5"/><line x1="12" y1="17.5" x2="12" y2="17.6"/>',
};

function icon(name: IconName): string {
  return `<svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false" data-icon="${name}">${ICONS[name]}</svg>`;
}

function resultSection(status: string, iconName: IconName, title: string, body: string): string {
  return layout(
    title,
    `<section class="result" data-testid="result" data-status="${status}">
<div class="icon ${status}">${icon(iconName)}</div>
<h1>${escapeHtml(title)}</h1>
${body}
</section>`,
  );
}

/** What the customer sees once an attempt has finished: the result, and no buttons to change it. */
export function resultPage(session: SessionRecord, attempt: AttemptRecord): string {
  const again = `<a class="button" href="${escapeHtml(hubHref(session.token))}" data-testid="try-again">Try again</a>`;
  const name = attempt.provider ? providerName(attempt.provider) : undefined;
  if (attempt.status === 'authenticated') {
    return resultSection(
      'authenticated',
      'check',
      'Connected',
      `<p>${escapeHtml(name ?? 'The software')} is connected for ${escapeHtml(session.input.origin_owner_name)}.</p>
<p class="muted small">Account <code data-testid="account-id">${escapeHtml(attempt.accountSecureId ?? '')}</code></p>
<p class="muted small">You can close this window.</p>`,
    );
  }
  if (attempt.status === 'error') {
    return resultSection(
      'error',
      'cross',
      'Connection failed',
      `<p>${name ? `${escapeHtml(name)} refused the connection.` : 'The connection was refused.'}</p>
<p class="muted small"><code>${escapeHtml(attempt.errorCode ?? 'error')}</code> ${escapeHtml(attempt.errorDescription ?? '')}</p>
${again}`,
    );
  }
  return resultSection('cancelled', 'dash', 'Connection cancelled', `<p>Nothing was connected.</p>\n${again}`);
}

/** A link that is no use (never issued, or expired), or a request the page never sends. */
export function problemPage(kind: 'invalid' | 'expired' | 'bad-request', detail = ''): string {
  if (kind === 'expired') {
    return resultSection('expired', 'clock', 'This link has expired', '<p>Ask the person who sent it for a new one.</p>');
  }
  if (kind === 'invalid') {
    return resultSection(
      'invalid',
      'alert',
      'This link is not valid',
      '<p>This link is incomplete or no longer valid. Ask the person who sent it for a new one.</p>',
    );
  }
  return resultSection('bad-request', 'alert', 'Something went wrong', `<p>${escapeHtml(detail)}</p>`);
}
