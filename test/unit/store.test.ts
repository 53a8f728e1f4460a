import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { SessionHistory, type SessionRecord } from '../../src/store/history.js';
import { withLock } from '../../src/store/lock.js';
import { ProfileStore } from '../../src/store/profiles.js';
import { tempConfigDir } from '../helpers/process.js';

let temp: ReturnType<typeof tempConfigDir>;
beforeEach(() => {
  temp = tempConfigDir();
});
afterEach(() => temp.cleanup());

const record = (id: number, profile = 'default', base = 'https://api.stackone.com'): SessionRecord => ({
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
  base_url: base,
  status: 'pending',
  account_secure_id: null,
  updated_at: new Date(0).toISOString(),
});

const AT = Date.parse('2026-11-28T12:00:00Z');

function thrown(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    return error as StoreError;
  }
  throw new Error('it did not throw');
}

describe('SessionHistory', () => {
  test('reading a missing history creates nothing', () => {
    expect(new SessionHistory(temp.dir).all()).toEqual([]);
    expect(existsSync(temp.dir)).toBe(false);
  });

  test('creates the directory 0700 and the log 0600, one line a session', async () => {
    const history = new SessionHistory(temp.dir);
    await history.add(record(1));
    await history.add(record(2), record(3));
    expect(statSync(temp.dir).mode & 0o777).toBe(0o700);
    expect(statSync(history.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(history.path, 'utf8').trimEnd().split('\n')).toHaveLength(3);
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
    await history.update(history.find('1', 'us')!, { status: 'authenticated', account_secure_id: 'acc' }, AT);
    expect(history.find('1', 'us')).toMatchObject({
      status: 'authenticated',
      account_secure_id: 'acc',
      updated_at: '2026-11-28T12:00:00.000Z',
    });
    expect(history.find('1', 'eu')).toMatchObject({ status: 'pending' });
    expect(history.all().map((r) => [r.session_id, r.profile, r.status])).toEqual([
      [1, 'eu', 'pending'],
      [1, 'us', 'authenticated'],
      [2, 'eu', 'pending'],
    ]);
    expect(history.recent().map((r) => [r.session_id, r.profile])).toEqual([
      [2, 'eu'],
      [1, 'us'],
      [1, 'eu'],
    ]);
  });

  test('an update that changes nothing writes nothing', async () => {
    const history = new SessionHistory(temp.dir);
    await history.add(record(1));
    const before = readFileSync(history.path, 'utf8');
    await history.update(history.find('1')!, { status: 'pending', account_secure_id: null }, AT);
    expect(readFileSync(history.path, 'utf8')).toBe(before);
  });

  test('the same id at another API (an emulator started again) is another session: updates go to the right one', async () => {
    const history = new SessionHistory(temp.dir);
    await history.add(record(58210, 'default', 'http://127.0.0.1:4010'));
    const first = history.find('58210')!;
    await history.add(record(58210, 'default', 'http://127.0.0.1:5555'));
    await history.update(first, { status: 'expired' }, AT);
    expect(history.all().map((r) => [r.base_url, r.status])).toEqual([
      ['http://127.0.0.1:4010', 'expired'],
      ['http://127.0.0.1:5555', 'pending'],
    ]);
    expect(history.find('58210')).toMatchObject({ base_url: 'http://127.0.0.1:5555', status: 'pending' });
  });

  test('concurrent writers in one process lose nothing', async () => {
    const writers = Array.from({ length: 30 }, (_, i) => new SessionHistory(temp.dir).add(record(i)));
    await Promise.all(writers);
    const ids = new SessionHistory(temp.dir)
      .all()
      .map((r) => r.session_id)
      .sort((a, b) => Number(a) - Number(b));
    expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  test('a line torn by a crash is skipped, and cut off by the next append', async () => {
    const history = new SessionHistory(temp.dir);
    await history.add(record(1));
    writeFileSync(history.path, `${readFileSync(history.path, 'utf8')}{"kind":"session","session_id":2,"tok`);
    expect(history.all().map((r) => r.session_id)).toEqual([1]);
    expect(history.latest('default')?.session_id).toBe(1);
    await history.add(record(3));
    expect(history.all().map((r) => r.session_id)).toEqual([1, 3]);
    expect(history.latest('default')?.session_id).toBe(3);
    expect(readFileSync(history.path, 'utf8')).not.toContain('"tok\n');
  });

  test('a line that is not JSON in the middle is an error naming the file and the place, never quoting it', async () => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    const path = join(temp.dir, 'sessions.jsonl');
    writeFileSync(
      path,
      `${JSON.stringify({ kind: 'session', ...record(1) })}\n{"token": "secret-token-value"\n${JSON.stringify({ kind: 'session', ...record(2) })}\n`,
      { mode: 0o600 },
    );
    const history = new SessionHistory(temp.dir);
    const error = thrown(() => history.all());
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/has a line that is not valid JSON \(at byte \d+\)/);
    expect(error.message).not.toContain('secret-token-value');
    expect(history.latest('default')?.session_id).toBe(2); // what is after it is still found
  });

  test('a sessions.json of an earlier version is read, updated through the log, and never rewritten', async () => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    const legacy = join(temp.dir, 'sessions.json');
    const old = `${JSON.stringify({ sessions: [record(7), record(8)] }, null, 2)}\n`;
    writeFileSync(legacy, old, { mode: 0o600 });
    const history = new SessionHistory(temp.dir);
    expect(history.latest('default')?.session_id).toBe(8);
    await history.add(record(9));
    await history.update(history.find('7')!, { status: 'authenticated', account_secure_id: 'acc7' }, AT);
    expect(history.all().map((r) => [r.session_id, r.status])).toEqual([
      [7, 'authenticated'],
      [8, 'pending'],
      [9, 'pending'],
    ]);
    expect(history.find('7')).toMatchObject({ account_secure_id: 'acc7' });
    expect(readFileSync(legacy, 'utf8')).toBe(old);
  });

  test('a corrupt sessions.json of an earlier version is an error naming it, and is left untouched', () => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    const path = join(temp.dir, 'sessions.json');
    writeFileSync(path, '{"sessions": [ {"token": "secret-token-value"', { mode: 0o600 });
    const error = thrown(() => new SessionHistory(temp.dir).all());
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/is not valid JSON/);
    expect(error.message).not.toContain('secret-token-value');
    expect(readFileSync(path, 'utf8')).toBe('{"sessions": [ {"token": "secret-token-value"');
  });

  test('100,000 sessions: appending one writes one line; the newest are found from the end of the log', async () => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    const history = new SessionHistory(temp.dir);
    const lines = Array.from({ length: 100_000 }, (_, i) => JSON.stringify({ kind: 'session', ...record(i + 1, i % 2 ? 'eu' : 'us') }));
    writeFileSync(history.path, `${lines.join('\n')}\n`, { mode: 0o600 });
    const size = statSync(history.path).size;
    await history.add(record(100_001, 'eu'));
    expect(statSync(history.path).size - size).toBe(JSON.stringify({ kind: 'session', ...record(100_001, 'eu') }).length + 1);
    expect(history.latest('us')?.session_id).toBe(99_999);
    expect(history.find('100001')?.profile).toBe('eu');
    expect(history.recent(3).map((r) => r.session_id)).toEqual([100_001, 100_000, 99_999]);
    expect(history.all()).toHaveLength(100_001);
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

  test('conf writes without installing signal handlers of its own (its `atomically` is replaced)', async () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    await new ProfileStore(temp.dir).save('eu', { api_key: 'k1' });
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
  });
});

describe("state that is not this user's own is refused, never used or repaired", () => {
  test('a config directory writable by others (0777): nothing is read or written there', async () => {
    mkdirSync(temp.dir, { recursive: true });
    chmodSync(temp.dir, 0o777);
    writeFileSync(join(temp.dir, 'config.json'), '{}', { mode: 0o600 });
    const profiles = new ProfileStore(temp.dir);
    const error = (await profiles.save('default', { api_key: 'root-key-0123456789' }).catch((e: unknown) => e)) as StoreError;
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe(`Refusing to keep API keys and session tokens in ${temp.dir}: it is writable by other users (mode 0777).`);
    expect(error.hint).toMatch(/chmod 700/);
    expect(readFileSync(join(temp.dir, 'config.json'), 'utf8')).toBe('{}');
    expect(() => new SessionHistory(temp.dir).all()).toThrow(/writable by other users/);
    await expect(new SessionHistory(temp.dir).add(record(1))).rejects.toThrow(/writable by other users/);
    expect(existsSync(join(temp.dir, 'sessions.jsonl'))).toBe(false);
  });

  test('a config directory of another user, and a file of another user (root only: chown)', async ({ skip }) => {
    if (process.getuid?.() !== 0) skip('needs root to give a file to another user');
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(temp.dir, 'config.json'), '{}', { mode: 0o600 });
    chownSync(join(temp.dir, 'config.json'), 65534, 65534);
    await expect(new ProfileStore(temp.dir).save('default', { api_key: 'k' })).rejects.toThrow(
      /config\.json: it belongs to another user \(uid 65534, you are 0\)/,
    );
    expect(statSync(join(temp.dir, 'config.json')).uid).toBe(65534); // never chowned back
    chownSync(temp.dir, 65534, 65534);
    expect(() => new ProfileStore(temp.dir).defaultProfile()).toThrow(
      /Refusing to keep API keys and session tokens in .*: it belongs to another user/,
    );
  });

  test('config.json and sessions.jsonl that are symbolic links are refused; their targets are left alone', async () => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    const target = join(temp.dir, '..', 'elsewhere.json');
    writeFileSync(target, '{"profiles": {}}', { mode: 0o644 });
    symlinkSync(target, join(temp.dir, 'config.json'));
    symlinkSync(target, join(temp.dir, 'sessions.jsonl'));
    await expect(new ProfileStore(temp.dir).save('default', { api_key: 'k' })).rejects.toThrow(
      /config\.json is a symbolic link: refusing to follow it/,
    );
    expect(() => new ProfileStore(temp.dir).defaultProfile()).toThrow(/symbolic link/);
    await expect(new SessionHistory(temp.dir).add(record(1))).rejects.toThrow(/sessions\.jsonl is a symbolic link/);
    expect(() => new SessionHistory(temp.dir).all()).toThrow(/symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('{"profiles": {}}');
    expect(statSync(target).mode & 0o777).toBe(0o644);
  });

  test('a history file writable by its group is refused', () => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(temp.dir, 'sessions.jsonl'), '', { mode: 0o600 });
    chmodSync(join(temp.dir, 'sessions.jsonl'), 0o660);
    expect(() => new SessionHistory(temp.dir).all()).toThrow(/sessions\.jsonl: it is writable by its group \(mode 0660\)/);
  });
});

describe('the lock', () => {
  test('a lock left by a killed writer is taken over at once; a live one is waited for, and the wait is announced', async () => {
    mkdirSync(temp.dir, { recursive: true, mode: 0o700 });
    const path = join(temp.dir, 'sessions.jsonl');
    // A process that has exited: its pid is free.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    mkdirSync(`${path}.lock`);
    writeFileSync(`${path}.lock/owner`, JSON.stringify({ pid: dead, host: (await import('node:os')).hostname() }));
    const notes: string[] = [];
    let t = 0;
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    expect(await withLock(path, () => 'ran', { ...clock, onWait: (m) => notes.push(m) })).toBe('ran');
    expect(notes).toEqual([]);
    expect(existsSync(`${path}.lock`)).toBe(false);

    // Held by this (live) process: waited for, announced once, then given up after the time limit.
    mkdirSync(`${path}.lock`);
    writeFileSync(`${path}.lock/owner`, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname() }));
    const error = (await withLock(path, () => 'ran', { ...clock, timeoutMs: 5000, onWait: (m) => notes.push(m) }).catch(
      (e: unknown) => e,
    )) as StoreError;
    expect(notes).toEqual([`Waiting for another stackone-connect (process ${process.pid}) to finish writing ${path}.`]);
    expect(error.message).toBe(`Timed out waiting for the lock on ${path} (held by process ${process.pid}).`);
  });
});

describe('a full disk (a real 64 KiB tmpfs)', () => {
  let mount: string | undefined;
  afterEach(() => {
    if (mount) spawnSync('umount', [mount]);
    mount = undefined;
  });

  /** A tmpfs with `left` bytes free, or why there cannot be one here. */
  function smallDisk(): string | { reason: string } {
    if (process.getuid?.() !== 0) return { reason: 'needs root to mount a tmpfs' };
    const dir = join(temp.dir, '..', 'tmpfs');
    mkdirSync(dir, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
    if (mounted.status !== 0) return { reason: `cannot mount a tmpfs here: ${mounted.stderr.trim()}` };
    mount = dir;
    return dir;
  }

  function fill(dir: string): void {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=1k', 'count=1024'], { stdio: 'ignore' });
    } catch {
      // full, as intended
    }
  }

  test('config.json and sessions.jsonl keep every earlier byte when a write finds the disk full', async ({ skip }) => {
    const disk = smallDisk();
    if (typeof disk !== 'string') return skip(disk.reason);
    const dir = join(disk, 'config');
    const profiles = new ProfileStore(dir);
    await profiles.save('eu', { api_key: 'k1' });
    const history = new SessionHistory(dir);
    await history.add(record(1));
    const config = readFileSync(profiles.path, 'utf8');
    const log = readFileSync(history.path, 'utf8');
    fill(disk);

    const saved = (await profiles.save('us', { api_key: 'k2'.repeat(2000) }).catch((e: unknown) => e)) as StoreError;
    expect(saved).toBeInstanceOf(StoreError);
    expect(saved.message).toBe(`Could not write ${profiles.path}: the disk is full. It was left as it was before.`);
    expect(readFileSync(profiles.path, 'utf8')).toBe(config);

    const added = (await history.add(...Array.from({ length: 50 }, (_, i) => record(i + 2))).catch((e: unknown) => e)) as StoreError;
    expect(added).toBeInstanceOf(StoreError);
    expect(added.message).toMatch(/the disk is full/);
    expect(readFileSync(history.path, 'utf8')).toBe(log);
    expect(history.all().map((r) => r.session_id)).toEqual([1]);
    expect(existsSync(`${history.path}.lock`)).toBe(false);
  });
});
