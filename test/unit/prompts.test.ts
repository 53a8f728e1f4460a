import { screen } from '@inquirer/testing/vitest';
import { describe, expect, test } from 'vitest';
// After @inquirer/testing/vitest, so the real prompts draw on its virtual screen.
import { inquirerAsk, promptSessionInput, type Ask, type SessionPromptDeps } from '../../src/ui/prompts.js';
import { providerChoices, sessionSummary } from '../../src/ui/prompt-choices.js';
import { CancelledError } from '../../src/errors.js';
import { scriptedAsk, type AskStep } from '../helpers/ask.js';
import { FakeClock } from '../helpers/clock.js';
import type { ConnectorMeta } from '../../src/api/types.js';

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

function deps(ask: Ask, extra: Partial<SessionPromptDeps> = {}, clock = new FakeClock()) {
  const notes: string[] = [];
  const warnings: string[] = [];
  return {
    notes,
    warnings,
    deps: { ask, timer: clock.timer, listConnectors: async () => CATALOGUE, note: (t: string) => notes.push(t), warn: (t: string) => warnings.push(t), ...extra } as SessionPromptDeps,
  };
}

const EVERYTHING: Step[] = [
  ['text', 'Customer id', ' acme-42 '],
  ['text', 'Customer name', 'Acme Ltd'],
  ['checkbox', 'Categories', ['hris']],
  ['search', 'Provider', 'bamboohr'],
  ['select', 'Type', 'test'],
  ['select', 'The link expires after', '1h'],
  ['text', 'Label', 'Payroll'],
  ['confirm', 'Create this connect session?', true],
];

describe('promptSessionInput with scripted answers', () => {
  test('asks for everything missing, in order, and returns flags that build the body', async () => {
    const ask = scripted(EVERYTHING);
    const { deps: d, notes } = deps(ask);
    const flags = await promptSessionInput({}, d);
    expect(flags).toEqual({ originOwnerId: 'acme-42', originOwnerName: 'Acme Ltd', categories: ['hris'], provider: 'bamboohr', type: 'test', expiresIn: '1h', label: 'Payroll' });
    expect(notes.join('\n')).toContain('  Provider      bamboohr');
    expect((ask.configs['Type'] as { default: string }).default).toBe('production');
    expect((ask.configs['The link expires after'] as { default: string }).default).toBe('30m');
  });

  test('the provider list is narrowed to the chosen categories, with "none" first', async () => {
    let offered: string[] = [];
    const steps = EVERYTHING.map((s): Step => s[0] === 'search'
      ? ['search', 'Provider', (c: { source: (t?: string) => { value: string }[] }) => {
        offered = c.source(undefined).map((x) => x.value);
        return '';
      }]
      : s);
    const flags = await promptSessionInput({}, deps(scripted(steps)).deps);
    expect(offered).toEqual(['', 'bamboohr', 'hibob', 'workday']); // not greenhouse (ats), not deel (inactive)
    expect(flags.provider).toBeUndefined(); // "none": the customer chooses
  });

  test('flags given are not asked again', async () => {
    const ask = scripted([['text', 'Customer name', 'Acme'], ['confirm', 'Create', true]]);
    const given = { originOwnerId: 'acme', categories: ['ats'], provider: 'greenhouse', type: 'TEST', expiresIn: '7d', label: 'x' };
    const flags = await promptSessionInput(given, deps(ask).deps);
    expect(ask.asked).toHaveLength(2);
    expect(flags).toEqual({ ...given, originOwnerName: 'Acme' });
  });

  test('empty answers leave the optional fields out', async () => {
    const steps = EVERYTHING.map((s): Step => (s[0] === 'checkbox' ? [s[0], s[1], []] : s[1] === 'Label' ? [s[0], s[1], '  '] : s));
    const flags = await promptSessionInput({}, deps(scripted(steps)).deps);
    expect(flags).not.toHaveProperty('categories');
    expect(flags).not.toHaveProperty('label');
  });

  test('the customer id and name are checked as typed: not blank, one line of plain text', async () => {
    const ask = scripted(EVERYTHING);
    await promptSessionInput({}, deps(ask).deps);
    const validate = (ask.configs['Customer id'] as { validate: (v: string) => true | string }).validate;
    expect(validate('   ')).toBe('The customer id is required.');
    expect(validate('a\u001b[2Jb')).toBe('The customer id must be plain text on one line.');
    expect(validate('acme-42')).toBe(true);
  });

  test('a custom expiry is validated with the --expires-in parser', async () => {
    const steps = EVERYTHING.flatMap((s): Step[] => s[1] === 'The link expires after'
      ? [[s[0], s[1], '\u0000custom'], ['text', 'Expires after', '90m']]
      : [s]);
    const ask = scripted(steps);
    const flags = await promptSessionInput({}, deps(ask).deps);
    expect(flags.expiresIn).toBe('90m');
    const validate = (ask.configs['Expires after'] as { validate: (v: string) => true | string }).validate;
    for (const bad of ['0', '1.5s', '90x', '-5', 'soon']) expect(validate(bad)).toMatch(/^Not a positive whole number of seconds\. Use seconds/);
    for (const good of ['3600', '90s', '12h', '7d']) expect(validate(good)).toBe(true);
  });

  test('a catalogue that cannot be read: one warning saying why, then free text', async () => {
    const steps = EVERYTHING.map((s): Step => (s[0] === 'search' ? ['text', 'Provider key', ' personio '] : s));
    const failing = async () => { throw new Error('Listing connectors failed: 503 Service Unavailable'); };
    const { deps: d, warnings } = deps(scripted(steps), { listConnectors: failing });
    const flags = await promptSessionInput({}, d);
    expect(warnings).toEqual(['Could not load the provider list (503 Service Unavailable); type the provider key instead.']);
    expect(flags.provider).toBe('personio');
  });

  test('a catalogue that does not answer in time: free text, with the reason', async () => {
    const steps = EVERYTHING.map((s): Step => (s[0] === 'search' ? ['text', 'Provider key', ''] : s));
    const clock = new FakeClock();
    // While the dialogue waits for the list, 8 s pass: the time limit falls due.
    const waiting = (t: string) => t.startsWith('Loading the provider list') && clock.advance(8000);
    const { deps: d, warnings } = deps(scripted(steps), { listConnectors: () => new Promise(() => {}), note: waiting }, clock);
    const flags = await promptSessionInput({}, d);
    expect(warnings[0]).toContain('(no answer within 8s)');
    expect(flags).not.toHaveProperty('provider');
  });

  test('declining the summary throws CancelledError (exit 130), nothing returned', async () => {
    const steps = EVERYTHING.map((s): Step => (s[0] === 'confirm' ? [s[0], s[1], false] : s));
    const error = await promptSessionInput({}, deps(scripted(steps)).deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).exitCode).toBe(130);
  });
});

describe('provider choices and the summary', () => {
  test('typing filters by key, name or category, best matches first; an unknown key can be sent as typed', () => {
    expect(providerChoices(CATALOGUE, [], 'bob').map((c) => c.value)).toEqual(['hibob', '']);
    expect(providerChoices(CATALOGUE, [], 'W').map((c) => c.name)).toEqual(['Workday (workday) · ats, hris', 'none: let the customer choose']);
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

  test('server text in the list and the summary is made safe for the terminal', () => {
    const hostile = [{ provider: 'x', provider_name: 'X\u001b[2J\nEvil', category: 'hris' }];
    expect(providerChoices(hostile, [], undefined)[1]!.name).toBe('X Evil (x) · hris');
    expect(sessionSummary({ originOwnerId: 'a', originOwnerName: 'b\u001b]0;t\u0007', metadata: '@crm.json' })).toContain('  Metadata      @crm.json');
  });
});

describe('promptSessionInput on inquirer prompts (@inquirer/testing screen)', () => {
  test('typed answers go through the real prompts; the summary is confirmed with Enter', async () => {
    const { deps: d, notes } = deps(inquirerAsk());
    const done = promptSessionInput({ categories: ['hris'], type: 'test', expiresIn: '1h' }, d);

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
    expect(screen.getScreen()).toContain('❯ HiBob (hibob) · hris');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Label for the linked account (optional):');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Create this connect session? (Y/n)');
    screen.keypress('enter');

    await expect(done).resolves.toEqual({ originOwnerId: 'acme', originOwnerName: 'Acme', categories: ['hris'], provider: 'hibob', type: 'test', expiresIn: '1h' });
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
