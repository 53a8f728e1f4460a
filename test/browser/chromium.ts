import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's Chromium; never a downloaded browser (the machines running these tests are offline). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

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

/** Throws (so every test of the file fails) with the command that installs Chromium. */
function requireChromium(): void {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}, and it is not there. ` +
        'Install it with `sudo apt-get install -y --no-install-recommends chromium` (Debian/Ubuntu), ' +
        'or point CHROMIUM_PATH at a Chromium or Chrome binary. These tests never download a browser.',
    );
  }
}

export interface Chromium {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** One headless Chromium with a fresh profile, removed again by close(). */
export async function launchChromium(): Promise<Chromium> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'stackone-connect-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      viewport: { width: 1000, height: 820 },
      timeout: 30_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${(error as Error).message}`, { cause: error });
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
