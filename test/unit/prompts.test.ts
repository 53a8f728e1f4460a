import { screen } from '@inquirer/testing/vitest';
import { describe, expect, test } from 'vitest';
import type { ConnectorMeta } from '../../src/api/types.js';
import { CancelledError, DeclinedError } from '../../src/core/errors.js';
import { providerChoices, sessionSummary } from '../../src/ui/prompt-choices.js';
// After @inquirer/testing/vitest, so the real prompts draw on its virtual screen.
import { type Ask, inquirerAsk, loadCatalogue, promptSessionInput, type SessionPromptDeps } from '../../src/ui/prompts.js';
import { type AskStep, scriptedAsk } from '../helpers/ask.js';
import { FakeClock } from '../helpers/clock.js';

const CATALOGUE: ConnectorMeta[] = [
  { provider: 'bamboohr', provider_name: 'BambooHR', category: 'hris', active: true },
  { provider: 'hibob', provider_name: 'HiBob', category: 'hris', active: true },
  { provider: 'greenhouse', provider_name: 'Greenhouse', category: 'ats', active: true },
  { provider: 'workday', provider_name: 'Workday', category: 'ats', active: true },
  { provider: 'workday', provider_name: 'Workday', category: 'hris', active: true },
  { provider: 'deel', provider_name: 'Deel', category: 'hris', active: false },
];

type Step = AskStep;
const scripted = scriptedAsk;

function deps(ask: Ask, extra: Partial<SessionPromptDeps> = {}) {
  const notes: string[] = [];
  const warnings: string[] = [];
  return {
    notes,
    warnings,
    deps: {
      ask,
      catalogue: { ok: true, connectors: CATALOGUE },
      note: (t: string) => notes.push(t),
      warn: (t: string) => warnings.push(t),
      ...extra,
    } as SessionPromptDeps,
  };
}

const EVERYTHING: Step[] = [
  ['text', 'Customer id', ' acme-42 '],
  ['text', 'Customer name', 'Acme Ltd'],
  ['checkbox', 'Categories', ['hris']],
  ['search', 'Provider', 'bamboohr'],
  ['select', 'Type', 'test'],
  ['select', 'The link expires after', 3600],
  ['text', 'Label', 'Payroll'],
  ['confirm', 'Create this connect session?', true],
];

describe('promptSessionInput with scripted answers', () => {
  test('asks for everything missing, in order, and returns the typed body fields', async () => {
    const ask = scripted(EVERYTHING);
    const { deps: d, notes } = deps(ask);
    const body = await promptSessionInput({}, d);
    expect(body).toEqual({
      origin_owner_id: 'acme-42',
      origin_owner_name: 'Acme Ltd',
      categories: ['hris'],
      provider: 'bamboohr',
      type: 'test',
      expires_in: 3600,
      label: 'Payroll',
    });
    expect(notes.join('\n')).toContain('  Provider      bamboohr');
    expect(notes.join('\n')).toContain('  Categories    HRIS');
    expect(notes.join('\n')).toContain('  Expires       after 1h 00m (3600 s)');
    expect((ask.configs.Type as { default: string }).default).toBe('production');
    expect((ask.configs['The link expires after'] as { default: number }).default).toBe(1800);
    expect((ask.configs.Categories as { choices: { name: string }[] }).choices.map((c) => c.name).slice(0, 5)).toEqual([
      'ATS',
      'HRIS',
      'HRIS (legacy)',
      'CRM',
      'IAM',
    ]);
  });

  test('the provider list is narrowed to the chosen categories, with "none" first', async () => {
    let offered: string[] = [];
    const steps = EVERYTHING.map(
      (s): Step =>
        s[0] === 'search'
          ? [
              'search',
              'Provider',
              (c: { source: (t?: string) => { value: string }[] }) => {
                offered = c.source(undefined).map((x) => x.value);
                return '';
              },
            ]
          : s,
    );
    const body = await promptSessionInput({}, deps(scripted(steps)).deps);
    expect(offered).toEqual(['', 'bamboohr', 'hibob', 'workday']); // not greenhouse (ats), not deel (inactive)
    expect(body.provider).toBeUndefined(); // "none": the customer chooses
  });

  test('fields given as flags are not asked again', async () => {
    const ask = scripted([
      ['text', 'Customer name', 'Acme'],
      ['confirm', 'Create', true],
    ]);
    const given = {
      origin_owner_id: 'acme',
      categories: ['ats' as const],
      provider: 'greenhouse',
      type: 'test' as const,
      expires_in: 604_800,
      label: 'x',
    };
    const body = await promptSessionInput(given, deps(ask).deps);
    expect(ask.asked).toHaveLength(2);
    expect(body).toEqual({ ...given, origin_owner_name: 'Acme' });
  });

  test('empty answers leave the optional fields out', async () => {
    const steps = EVERYTHING.map((s): Step => (s[0] === 'checkbox' ? [s[0], s[1], []] : s[1] === 'Label' ? [s[0], s[1], '  '] : s));
    const body = await promptSessionInput({}, deps(scripted(steps)).deps);
    expect(body).not.toHaveProperty('categories');
    expect(body).not.toHaveProperty('label');
  });

  test('the customer id and name are checked as typed: not blank, one line of plain text', async () => {
    const ask = scripted(EVERYTHING);
    await promptSessionInput({}, deps(ask).deps);
    const validate = (ask.configs['Customer id'] as { validate: (v: string) => true | string }).validate;
    expect(validate('   ')).toBe('The customer id is required.');
    expect(validate('a\u001b[2Jb')).toBe('The customer id must be plain text on one line.');
    expect(validate('acme-42')).toBe(true);
  });

  test('a custom expiry is parsed once, with the --expires-in rules', async () => {
    const steps = EVERYTHING.flatMap((s): Step[] =>
      s[1] === 'The link expires after'
        ? [
            [s[0], s[1], -1],
            ['text', 'Expires after', '1h30m'],
          ]
        : [s],
    );
    const ask = scripted(steps);
    const body = await promptSessionInput({}, deps(ask).deps);
    expect(body.expires_in).toBe(5400);
    const validate = (ask.configs['Expires after'] as { validate: (v: string) => true | string }).validate;
    for (const bad of ['0', '1.5s', '90x', '-5', 'soon'])
      expect(validate(bad)).toMatch(/^It must be a positive whole number of seconds\. Use seconds/);
    expect(validate('400d')).toMatch(/^It must be at most 365d\./);
    for (const good of ['3600', '90s', '12h', '7d']) expect(validate(good)).toBe(true);
  });

  test('a catalogue that could not be read: one warning saying why, then free text (lower-cased)', async () => {
    const steps = EVERYTHING.map((s): Step => (s[0] === 'search' ? ['text', 'Provider key', ' Personio '] : s));
    const { deps: d, warnings } = deps(scripted(steps), { catalogue: { ok: false, reason: '503 Service Unavailable' } });
    const body = await promptSessionInput({}, d);
    expect(warnings).toEqual(['Could not load the provider list (503 Service Unavailable); type the provider key instead.']);
    expect(body.provider).toBe('personio');
  });

  test('declining the summary is not an interruption: nothing was sent, exit 2', async () => {
    const steps = EVERYTHING.map((s): Step => (s[0] === 'confirm' ? [s[0], s[1], false] : s));
    const error = await promptSessionInput({}, deps(scripted(steps)).deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeclinedError);
    expect((error as DeclinedError).exitCode).toBe(2);
    expect((error as DeclinedError).message).toBe('Not created: the summary was declined. Nothing was sent.');
  });
});

describe('loadCatalogue', () => {
  const fatal = (error: unknown) => (error as Error).message.startsWith('fatal');

  test('a list that does not come in time: free text, with the reason', async () => {
    const clock = new FakeClock();
    const loading = loadCatalogue(() => new Promise(() => {}), clock.timer, fatal);
    clock.advance(8000);
    expect(await loading).toEqual({ ok: false, reason: 'no answer within 8s' });
  });

  test('a failure the dialogue can live with is a reason; one it cannot (a rejected key) is thrown', async () => {
    const clock = new FakeClock();
    expect(
      await loadCatalogue(
        async () => {
          throw new Error('Listing connectors failed: 503 Service Unavailable');
        },
        clock.timer,
        fatal,
      ),
    ).toEqual({ ok: false, reason: '503 Service Unavailable' });
    await expect(
      loadCatalogue(
        async () => {
          throw new Error('fatal: 401');
        },
        clock.timer,
        fatal,
      ),
    ).rejects.toThrow('fatal: 401');
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('provider choices and the summary', () => {
  test('typing filters by key, name or category, best matches first; an unknown key can be sent as typed', () => {
    expect(providerChoices(CATALOGUE, [], 'bob').map((c) => c.value)).toEqual(['hibob', '']);
    expect(providerChoices(CATALOGUE, [], 'W').map((c) => c.name)).toEqual([
      'Workday (workday) · ATS, HRIS',
      'none: let the customer choose',
    ]);
    expect(providerChoices(CATALOGUE, [], 'ats').map((c) => c.value)).toEqual(['greenhouse', 'workday', '']);
    expect(providerChoices(CATALOGUE, ['ats'], 'bamboo').map((c) => c.value)).toEqual(['bamboo', '']); // not offered for ats
    expect(providerChoices(CATALOGUE, [], 'deel').map((c) => c.value)).toEqual(['deel', '']);
    expect(providerChoices(CATALOGUE, [], 'two words').map((c) => c.value)).toEqual(['']);
    expect(providerChoices(CATALOGUE, ['marketing'], undefined)[0]!.description).toContain('No enabled provider in these categories');
  });

  test('StackOne lists only enabled providers and sends `active` only with include=inactive: absent means offered', () => {
    const plain: ConnectorMeta[] = [
      { provider: 'bamboohr', provider_name: 'BambooHR', category: 'hris', models: {} },
      { provider: 'deel', provider_name: 'Deel', category: 'hris', active: false, models: {} },
    ];
    expect(providerChoices(plain, ['hris'], undefined).map((c) => c.value)).toEqual(['', 'bamboohr']);
  });

  test('on a narrow terminal a long summary value wraps under itself; labels stay in their column', () => {
    const summary = sessionSummary(
      { origin_owner_id: 'acme', origin_owner_name: 'Acme Holdings International Limited of Great Britain', label: 'x' },
      undefined,
      60,
    );
    expect(summary.split('\n')).toEqual([
      '',
      'About to create a connect session:',
      '  Customer      Acme Holdings International Limited of Great',
      '                Britain (acme)',
      '  Categories    any',
      '  Provider      none: the customer chooses',
      '  Type          production (API default)',
      '  Expires       after 30m (API default)',
      '  Label         x',
      '',
    ]);
    for (const line of summary.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });

  test('server text in the list and the summary is made safe for the terminal', () => {
    const hostile = [{ provider: 'x', provider_name: 'X\u001b[2J\nEvil', category: 'hris' }];
    expect(providerChoices(hostile, [], undefined)[1]!.name).toBe('X Evil (x) · HRIS');
    const summary = sessionSummary({ origin_owner_id: 'a', origin_owner_name: 'b\u001b]0;t\u0007', metadata: { crm: 'x\u001b[2J' } });
    expect(summary).toContain('  Customer      b (a)');
    expect(summary).toContain('  Metadata      {"crm":"x\\u001b[2J"}');
    expect(summary).not.toContain('\u001b');
  });
});

describe('promptSessionInput on inquirer prompts (@inquirer/testing screen)', () => {
  test('typed answers go through the real prompts; the summary is confirmed with Enter', async () => {
    const { deps: d, notes } = deps(inquirerAsk());
    const done = promptSessionInput({ categories: ['hris'], type: 'test', expires_in: 3600 }, d);

    expect(screen.getScreen()).toContain('Customer id (origin owner id):');
    screen.type('acme');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Customer name (origin owner name):');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('The customer name is required.');
    screen.type('Acme');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('❯ none: let the customer choose');
    screen.type('hib');
    await screen.next();
    expect(screen.getScreen()).toContain('❯ HiBob (hibob) · HRIS');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Label for the linked account (optional):');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Create this connect session? (Y/n)');
    screen.keypress('enter');

    await expect(done).resolves.toEqual({
      origin_owner_id: 'acme',
      origin_owner_name: 'Acme',
      categories: ['hris'],
      provider: 'hibob',
      type: 'test',
      expires_in: 3600,
    });
    expect(notes.join('\n')).toContain('  Customer      Acme (acme)');
  });

  test('Ctrl-C at a prompt becomes CancelledError (exit 130)', async () => {
    const done = promptSessionInput({}, deps(inquirerAsk()).deps).catch((e: unknown) => e);
    expect(screen.getScreen()).toContain('Customer id');
    screen.keypress({ name: 'c', ctrl: true });
    const error = await done;
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).message).toBe('Cancelled; nothing was created.');
  });
});
