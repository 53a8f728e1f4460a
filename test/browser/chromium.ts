import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const ARTIFACTS_DIR = resolve(import.meta.dirname, '../artifacts');

// Without these, an offline Chromium keeps opening background connections (updates, sync,
// QUIC probes) that are refused many at a time and slow everything down.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  executablePath: string;
  args: string[];
  /** Where it came from, for messages. */
  source: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` holding a lock directory (mkdir is atomic); a lock older than two minutes is stale. */
async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The Chromium to drive, never a downloaded one: CHROMIUM_PATH, else a `chromium` on the PATH
 * (Debian's, say), else the one the npm package @sparticuz/chromium carries inside it, so a
 * machine with only Node and npm runs these tests too.
 */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  const explicit = env.CHROMIUM_PATH;
  if (explicit) {
    if (!executable(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} is not an executable file.`);
    return { executablePath: explicit, args: ARGS, source: 'CHROMIUM_PATH' };
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const path = join(dir, name);
      if (executable(path)) return { executablePath: path, args: ARGS, source: `${name} on the PATH` };
    }
  }
  // Unpacked into the temp dir on first use (a few seconds), then reused. The package checks only
  // that the binary exists: a second suite running at the same time must wait for the first to
  // finish unpacking, not launch a half-written file.
  const { default: packaged } = await import('@sparticuz/chromium');
  const executablePath = await withLock(join(tmpdir(), 'stackone-connect-chromium.lock'), () => packaged.executablePath());
  return { executablePath, args: [...packaged.args, ...ARGS.filter((a) => !packaged.args.includes(a))], source: '@sparticuz/chromium' };
}

export interface Chromium {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** One headless Chromium with a fresh profile, removed again by close(). */
export async function launchChromium(): Promise<Chromium> {
  const browser = await findChromium();
  const profile = mkdtempSync(join(tmpdir(), 'stackone-connect-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: browser.executablePath,
      headless: true,
      args: browser.args,
      viewport: { width: 1000, height: 820 },
      timeout: 30_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium from ${browser.source} (${browser.executablePath}) did not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One Chromium for a test file, started before its tests. A missing or broken Chromium fails
 * every test with the reason (a failed beforeAll would only mark them skipped).
 */
export function useChromium(): () => Promise<Chromium> {
  let launching: Promise<Chromium> | undefined;
  beforeAll(() => {
    launching = launchChromium();
    launching.catch(() => undefined); // reported by each test that awaits it
  });
  afterAll(async () => {
    const browser = await launching?.catch(() => undefined);
    await browser?.close();
  });
  return () => launching ?? Promise.reject(new Error('useChromium() must be called at the top level of a test file'));
}

/** A screenshot under test/artifacts (git-ignored), for people to look at; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
