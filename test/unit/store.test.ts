import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { StateError } from '../../src/errors.js';
import { SessionHistory, type SessionRecord } from '../../src/store/history.js';
import { ProfileStore } from '../../src/store/profiles.js';
import { tempConfigDir } from '../helpers/process.js';

let temp: ReturnType<typeof tempConfigDir>;
beforeEach(() => {
  temp = tempConfigDir();
});
afterEach(() => temp.cleanup());

const record = (id: number, profile = 'default'): SessionRecord => ({
  session_id: id,
  token: `tok-${id}`,
  auth_link_url: `https://hub/?token=tok-${id}`,
  origin_owner_id: 'acme',
  origin_owner_name: 'Acme',
  provider: null,
  created_at: new Date(0).toISOString(),
  expires_in: 1800,
  expires_at: new Date(1_800_000).toISOString(),
  profile,
  base_url: 'https://api.stackone.com',
  status: 'pending',
  account_secure_id: null,
  updated_at: new Date(0).toISOString(),
});

describe('SessionHistory', () => {
  test('reading a missing history creates nothing', () => {
    expect(new SessionHistory(temp.dir).all()).toEqual([]);
    expect(() => statSync(temp.dir)).toThrow();
  });

  test('creates the directory 0700 and the file 0600', async () => {
    await new SessionHistory(temp.dir).add(record(1));
    expect(statSync(temp.dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(temp.dir, 'sessions.json')).mode & 0o777).toBe(0o600);
  });

  test('find prefers the profile, latest is per profile, update changes one record', async () => {
    const history = new SessionHistory(temp.dir);
    await history.add(record(1, 'eu'));
    await history.add(record(1, 'us'));
    await history.add(record(2, 'eu'));
    expect(history.find('1', 'eu')?.profile).toBe('eu');
    expect(history.find('1', 'us')?.profile).toBe('us');
    expect(history.latest('eu')?.session_id).toBe(2);
    expect(history.latest('us')?.session_id).toBe(1);
    expect(history.latest('other')).toBeUndefined();
    await history.update(1, 'us', { status: 'authenticated', account_secure_id: 'acc' }, Date.parse('2026-11-28T12:00:00Z'));
    expect(history.find('1', 'us')).toMatchObject({ status: 'authenticated', account_secure_id: 'acc', updated_at: '2026-11-28T12:00:00.000Z' });
    expect(history.find('1', 'eu')).toMatchObject({ status: 'pending' });
  });

  test('concurrent writers in one process lose nothing', async () => {
    const writers = Array.from({ length: 30 }, (_, i) => new SessionHistory(temp.dir).add(record(i)));
    await Promise.all(writers);
    const ids = new SessionHistory(temp.dir).all().map((r) => r.session_id).sort((a, b) => Number(a) - Number(b));
    expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  test('a corrupt file is an error naming it, and is left untouched', async () => {
    mkdirSync(temp.dir, { recursive: true });
    const path = join(temp.dir, 'sessions.json');
    writeFileSync(path, '{"sessions": [ {"token": "secret-token-value"');
    const history = new SessionHistory(temp.dir);
    const error = (() => {
      try {
        history.all();
      } catch (e) {
        return e;
      }
    })() as StateError;
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/is not valid JSON/);
    expect(error.message).not.toContain('secret-token-value');
    await expect(history.add(record(1))).rejects.toBeInstanceOf(StateError);
    expect(readFileSync(path, 'utf8')).toBe('{"sessions": [ {"token": "secret-token-value"');
  });

  test('a file of the wrong shape is an error too', () => {
    mkdirSync(temp.dir, { recursive: true });
    writeFileSync(join(temp.dir, 'sessions.json'), '{"sessions": {"not": "a list"}}');
    expect(() => new SessionHistory(temp.dir).all()).toThrow(/has no valid "sessions" list/);
  });

  test('an unreadable file (here: a directory in its place, which root cannot read either) is an error naming it', () => {
    mkdirSync(join(temp.dir, 'sessions.json'), { recursive: true });
    expect(() => new SessionHistory(temp.dir).all()).toThrow(/sessions\.json is a directory/);
  });
});

describe('ProfileStore', () => {
  test('the first profile saved becomes the default; removeKey keeps the profile', async () => {
    const profiles = new ProfileStore(temp.dir);
    expect(await profiles.save('eu', { api_key: 'k1', base_url: 'https://eu.example' })).toEqual({ madeDefault: true });
    expect(await profiles.save('us', { api_key: 'k2' })).toEqual({ madeDefault: false });
    expect(profiles.defaultProfile()).toBe('eu');
    expect(profiles.names()).toEqual(['eu', 'us']);
    await profiles.setDefault('us');
    expect(profiles.defaultProfile()).toBe('us');
    expect(await profiles.removeKey('eu')).toBe(true);
    expect(await profiles.removeKey('eu')).toBe(false);
    expect(profiles.get('eu')).toEqual({ base_url: 'https://eu.example' });
    expect(statSync(profiles.path).mode & 0o777).toBe(0o600);
  });
});
