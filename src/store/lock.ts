import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from './errors.js';

export interface LockOptions {
  /** Told once, after a moment of waiting, what the wait is for. */
  onWait?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** The error to give up with, naming the process that holds the lock when it is known. */
  busy?: (pid: number | undefined) => Error;
}

interface Owner {
  pid: number;
  host: string;
}

/** A lock whose owner cannot be read is stale after this long (owner-less only if killed between two syscalls). */
const ORPHAN_STALE_MS = 10_000;
const NOTICE_AFTER_MS = 2000;

function readOwner(lock: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(lock, 'owner'), 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, someone else's
  }
}

/** Whether a lock in place belongs to nobody any more: its process is gone, or it never said whose it was. */
function stale(lock: string, now: number): boolean {
  const owner = readOwner(lock);
  if (owner) return owner.host === hostname() && !alive(owner.pid);
  try {
    return now - statSync(lock).mtimeMs > ORPHAN_STALE_MS;
  } catch {
    return false; // released meanwhile
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` holding `<path>.lock`, a directory (mkdir is atomic) with its owner's pid inside. A
 * lock left by a writer that was killed is taken over at once (its pid is gone) instead of after
 * a silent timeout; a live one is waited for, and `onWait` says so.
 */
export async function withLock<R>(path: string, fn: () => R | Promise<R>, options: LockOptions = {}): Promise<R> {
  const lock = `${path}.lock`;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const started = now();
  let told = false;
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock, { mode: 0o700 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError(`Cannot lock ${path}: ${(error as Error).message}`, path, undefined, error);
      }
    }
    if (stale(lock, now())) {
      // Move it aside first: of several waiters that saw it stale, one wins the rename.
      const aside = `${lock}.stale-${process.pid}-${attempt}`;
      try {
        renameSync(lock, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        // another waiter took it over first
      }
      continue;
    }
    const waited = now() - started;
    if (waited > (options.timeoutMs ?? 30_000)) {
      const owner = readOwner(lock);
      if (options.busy) throw options.busy(owner?.pid);
      throw new StoreError(
        `Timed out waiting for the lock on ${path}${owner ? ` (held by process ${owner.pid})` : ''}.`,
        path,
        `If no other stackone-connect is running, remove ${lock}.`,
      );
    }
    if (!told && waited >= NOTICE_AFTER_MS) {
      told = true;
      const owner = readOwner(lock);
      options.onWait?.(`Waiting for another stackone-connect${owner ? ` (process ${owner.pid})` : ''} to finish writing ${path}.`);
    }
    await sleep(Math.min(100, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2));
  }
  try {
    writeFileSync(join(lock, 'owner'), JSON.stringify({ pid: process.pid, host: hostname() }), { mode: 0o600 });
  } catch {
    // an owner-less lock is still a lock; it only ages out instead of being taken over at once
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
