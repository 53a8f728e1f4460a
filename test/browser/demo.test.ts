import { afterEach, describe, expect, it } from 'vitest';
import { killRunningClis, startCli } from '../helpers/process.js';
import { useChromium } from './chromium.js';

const chromium = useChromium();
afterEach(() => killRunningClis());

describe('stackone-connect demo --manual in Chromium', () => {
  it('waits for a person to click Connect on the printed link, then prints the account id and exits 0', async () => {
    const browser = await chromium();
    // The demo needs no configuration: its emulator, key and history live inside the process.
    const demo = startCli(['demo', '--manual']);
    const link = (await demo.waitFor('stdout', /(http:\/\/127\.0\.0\.1:\d+\/hub\?token=\S+)\n/))[1]!;
    expect(demo.stderr).toContain('click Connect');
    expect(demo.stderr).not.toContain('by itself');

    const page = await browser.newPage();
    try {
      expect((await page.goto(link))?.status()).toBe(200);
      expect(await page.getByTestId('owner').textContent()).toBe('Demo Customer Ltd');
      await page.getByTestId('provider-personio').click();
      await page.getByTestId('connect').click();
      await page.locator('[data-testid="result"][data-status="authenticated"]').waitFor({ timeout: 10_000 });
      const accountId = await page.getByTestId('account-id').textContent();

      const result = await demo.exited;
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^  Account\\s+${accountId}$`, 'm'));
      expect(result.stdout).toContain('Demo Customer Ltd (demo-customer) connected');
    } finally {
      await page.close();
    }
  });
});
