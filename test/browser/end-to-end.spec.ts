/**
 * The web app end to end on a real devhost stack: real photos uploaded through the page go
 * through the pipeline and show up finished in the gallery; then an image's page, and the
 * operator pages with the stack's function key: orchestrations, an instance's timeline, the gate
 * and a dry-run reprocess. Every page is checked with axe and photographed.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { check, functionsKey, open } from './support';

const PHOTOS = path.resolve(__dirname, '../fixtures/photos');
/** Runs in the page: the browser's width of a loaded image, 0 while it is not loaded. */
const naturalWidth = (el: unknown): number => (el as { naturalWidth?: number }).naturalWidth ?? 0;
const FILES = ['cat.jpg', 'coffee.jpg', 'rocket.jpg', 'astronaut.jpg'];

test.describe.configure({ mode: 'serial' });

test('upload, gallery, image page, then the operator pages', async ({ page }) => {
  await open(page, '#/');
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible();

  await page.locator('#file-input').setInputFiles(FILES.map((f) => path.join(PHOTOS, f)));
  const uploads = page.locator('.uploads li');
  await expect(uploads).toHaveCount(FILES.length);
  await expect(uploads.getByRole('link', { name: 'follow its processing' })).toHaveCount(
    FILES.length,
  );

  // The gallery refreshes itself until every image on its first page is final.
  const cards = page.locator('.gallery li');
  await expect(cards).toHaveCount(FILES.length, { timeout: 120_000 });
  await expect(page.locator('.gallery img')).toHaveCount(FILES.length, { timeout: 120_000 });
  await expect(page.locator('.gallery .badge')).toHaveCount(0, { timeout: 120_000 });
  for (const img of await page.locator('.gallery img').all()) {
    await expect(img).toHaveAttribute('alt', /\S/);
    await expect.poll(() => img.evaluate(naturalWidth)).toBeGreaterThan(0);
  }
  await check(page, 'gallery');

  await cards.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /^Image / })).toBeVisible();
  await expect(page.locator('.notice').first()).toHaveText(/^Completed/);
  await expect(page.getByRole('table', { name: 'Steps' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Variants' }).locator('tbody tr')).toHaveCount(3);
  await expect.poll(() => page.locator('img.hero').evaluate(naturalWidth)).toBeGreaterThan(0);
  await check(page, 'image');

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Orchestrations' })
    .click();
  await expect(page.getByLabel('Function key')).toBeVisible();
  await check(page, 'key-form');
  await page.getByLabel('Function key').fill(functionsKey());
  await page.getByRole('button', { name: 'Use key' }).click();
  const rows = page.getByRole('row').filter({ hasText: 'processImage' });
  await expect(rows).toHaveCount(FILES.length);
  await expect(rows.filter({ hasText: 'Completed' })).toHaveCount(FILES.length);
  await check(page, 'orchestrations');

  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /^Instance / })).toBeVisible();
  const bars = page.locator('svg.timeline g.bar');
  await expect(bars.first()).toBeVisible();
  expect(await bars.count()).toBeGreaterThanOrEqual(4);
  // A bar is a button: activating it shows that entry's details.
  await bars.first().focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.entry-details h3')).toBeVisible();
  await check(page, 'instance');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Gate' }).click();
  const gate = page.locator('section.gate');
  await expect(gate).toHaveCount(1);
  await expect(gate.getByRole('heading', { level: 2 })).toContainText('Closed');
  await expect(gate.getByRole('img', { name: /Calls per minute/ })).toBeVisible();
  // Four analyses went through this gate, so the chart has at least one column.
  await expect(gate.locator('svg.gate-chart rect.calls').first()).toBeVisible();
  await check(page, 'gate');

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Reprocess' })
    .click();
  await page.getByLabel('Image status').selectOption('Completed');
  await page.getByRole('button', { name: 'Dry run' }).click();
  await expect(
    page.getByText(`Dry run: ${FILES.length} image(s) match. Nothing was started.`),
  ).toBeVisible();
  await check(page, 'reprocess');
});
