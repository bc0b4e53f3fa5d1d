/**
 * What every browser test shares: where the stack is, the axe check (no serious or critical
 * violation on any page) and a full-page screenshot per page state in test-output/browser/.
 */
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const SCREENSHOTS = path.resolve(__dirname, '../../test-output/browser/screenshots');

export function baseUrl(): string {
  const url = process.env.WEB_BASE_URL;
  if (url === undefined)
    throw new Error('WEB_BASE_URL is unset: run through the Playwright config');
  return url;
}

export function functionsKey(): string {
  return process.env.WEB_FUNCTIONS_KEY ?? '';
}

/** Opens a route of the app (`#/ops/gate`), starting from the site's root. */
export async function open(page: Page, hash = '#/'): Promise<void> {
  await page.goto(`${baseUrl()}/${hash}`);
}

/** axe with the WCAG 2.2 A/AA rules (target size too) and best practices; serious and critical findings fail. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Both at once, as every page state gets them. */
export async function check(page: Page, name: string): Promise<void> {
  await expectAccessible(page);
  await screenshot(page, name);
}
