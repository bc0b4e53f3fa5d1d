/**
 * Browser tests of the web app: Debian's Chromium (`/usr/bin/chromium`; nothing downloads a
 * browser), one devhost stack started by the global setup on free ports, UTC and en-US so times
 * and numbers read the same everywhere. Screenshots of every page go to test-output/browser/
 * (git-ignored). `npm test` runs this through test/browser/playwright.test.ts.
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const root = path.resolve(__dirname, '../..');

export default defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.ts',
  outputDir: path.join(root, 'test-output/browser/results'),
  globalSetup: path.join(__dirname, 'global-setup.ts'),
  // Two workers: the mocked-page tests run beside the end-to-end file on a 2-core machine.
  workers: 2,
  fullyParallel: true,
  retries: 0,
  // Generous: the stack shares the machine with the browser; no assertion depends on a time.
  timeout: 180_000,
  expect: { timeout: 60_000 },
  reporter: [
    ['list'],
    ['json', { outputFile: path.join(root, 'test-output/browser/report.json') }],
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    timezoneId: 'UTC',
    locale: 'en-US',
    viewport: { width: 1200, height: 900 },
    trace: 'off',
  },
});
