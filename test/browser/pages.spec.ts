/**
 * Every page in each state a user can meet (loading, empty, error, stalled, retrying, and the
 * filled ones the API is slow to produce for real: an open circuit with 429s, failed steps),
 * against a mocked API: Playwright answers every `/api/` request of the page, the static site
 * itself comes from the real devhost. Each state is checked with axe and photographed.
 */
import { expect, test, type Page, type Route } from '@playwright/test';
import { check, open } from './support';

type Handler = (route: Route, path: string) => Promise<void> | void;

/** Answers the page's API calls with `handler`; an unhandled call fails loudly with a 599. */
async function mockApi(page: Page, handler: Handler): Promise<void> {
  await page.route(/\/api\//, (route) => handler(route, new URL(route.request().url()).pathname));
}

function json(route: Route, body: unknown, status = 200, headers: Record<string, string> = {}) {
  return route.fulfill({
    status,
    contentType: 'application/json',
    headers,
    body: JSON.stringify(body),
  });
}

function apiError(route: Route, status: number, code: string, message: string) {
  return json(route, { error: { code, message } }, status);
}

/** A request held open: the page stays in its loading state for as long as the test looks. */
function hold(): Promise<void> {
  return new Promise(() => undefined);
}

async function withKey(page: Page): Promise<void> {
  // A string: the script runs in the page, where sessionStorage exists.
  await page.addInitScript("sessionStorage.setItem('image-pipeline.functionKey', 'test-key')");
}

const ID = '01m7y9va75z384k031x9ng0ydx';

function record(overrides: Record<string, unknown> = {}) {
  return {
    id: ID,
    status: 'Processing',
    createdAt: '2026-11-21T05:39:13.000Z',
    updatedAt: '2026-11-21T05:39:14.000Z',
    source: {
      filename: 'harbour.jpg',
      contentType: 'image/jpeg',
      bytes: 481_233,
      width: 4032,
      height: 3024,
      format: 'jpeg',
    },
    variants: [],
    analysis: null,
    steps: [
      {
        name: 'inspect',
        status: 'Completed',
        attempts: 1,
        startedAt: '2026-11-21T05:39:13.100Z',
        completedAt: '2026-11-21T05:39:13.400Z',
      },
      {
        name: 'resize',
        status: 'Running',
        attempts: 2,
        startedAt: '2026-11-21T05:39:13.500Z',
        completedAt: null,
        error: { code: 'TRANSIENT', message: 'Blob storage answered 503; retrying.' },
      },
      { name: 'analyze', status: 'Pending', attempts: 0, startedAt: null, completedAt: null },
    ],
    orchestration: { instanceId: ID, runtimeStatus: 'Running' },
    ...overrides,
  };
}

test.describe('gallery', () => {
  test('loading', async ({ page }) => {
    await mockApi(page, hold);
    await open(page, '#/');
    await expect(page.getByText('Loading images…')).toBeVisible();
    await check(page, 'gallery-loading');
  });

  test('empty', async ({ page }) => {
    await mockApi(page, (route) => json(route, { items: [], continuationToken: null }));
    await open(page, '#/');
    await expect(page.getByText('No images yet: upload one above.')).toBeVisible();
    await check(page, 'gallery-empty');
  });

  test('error: the API code as a sentence', async ({ page }) => {
    await mockApi(page, (route) => apiError(route, 503, 'HOST_STARTING', 'Host is starting.'));
    await open(page, '#/');
    await expect(page.getByRole('alert')).toHaveText(
      'Could not load the gallery: The server is starting; try again in a moment. (HOST_STARTING)',
    );
    await check(page, 'gallery-error');
  });

  test('images in every status, and a refused upload', async ({ page }) => {
    await mockApi(page, (route, path) => {
      if (path === '/api/images/upload-url')
        return apiError(route, 413, 'PAYLOAD_TOO_LARGE', 'contentLength is over MAX_UPLOAD_BYTES.');
      return json(route, {
        items: [
          record({ id: 'a1', status: 'Accepted', steps: [] }),
          record({
            id: 'a2',
            status: 'Failed',
            error: { code: 'UNREADABLE_IMAGE', message: 'Not an image.' },
          }),
          record({ id: 'a3', status: 'Processing' }),
        ],
        continuationToken: 'next',
      });
    });
    await open(page, '#/');
    await expect(page.locator('.gallery li')).toHaveCount(3);
    await expect(page.locator('.gallery .badge.failed')).toHaveText('Failed');
    await expect(page.getByRole('button', { name: 'Load more' })).toBeVisible();
    await page.locator('#file-input').setInputFiles({
      name: 'huge.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    });
    await expect(page.locator('.uploads .state.error')).toHaveText(
      'refused: The file is larger than the upload limit. (PAYLOAD_TOO_LARGE)',
    );
    await check(page, 'gallery-statuses');
  });
});

test.describe('image page', () => {
  test('loading', async ({ page }) => {
    await mockApi(page, hold);
    await open(page, `#/images/${ID}`);
    await expect(page.getByRole('status').first()).toHaveText('Loading…');
    await check(page, 'image-loading');
  });

  test('stalled: no progress for minutes says so instead of spinning', async ({ page }) => {
    // Times long past: stalled whatever today's date is.
    await mockApi(page, (route) => json(route, record(), 200, { etag: '"1"' }));
    await open(page, `#/images/${ID}`);
    await expect(page.locator('.notice.error')).toContainText('the image looks stalled');
    await expect(page.getByRole('row', { name: /resize/ })).toContainText('TRANSIENT');
    await check(page, 'image-stalled');
  });

  test('retrying: a failing API is retried until it answers', async ({ page }) => {
    let calls = 0;
    let recovered = false;
    await mockApi(page, (route) => {
      calls += 1;
      if (!recovered) return apiError(route, 500, 'INTERNAL', 'Cosmos DB did not answer in time.');
      return json(
        route,
        record({ status: 'Completed', updatedAt: '2026-11-21T05:39:20.000Z', steps: [] }),
      );
    });
    await open(page, `#/images/${ID}`);
    await expect(page.locator('.notice.error')).toHaveText(
      'Could not refresh: Cosmos DB did not answer in time. (INTERNAL); retrying.',
    );
    await check(page, 'image-retrying');
    const before = calls;
    recovered = true;
    // The page polls again by itself and shows the final status.
    await expect(page.locator('.notice').first()).toHaveText(/^Completed/);
    expect(calls).toBeGreaterThan(before);
  });

  test('not found', async ({ page }) => {
    await mockApi(page, (route) => apiError(route, 404, 'NOT_FOUND', `No image ${ID}.`));
    await open(page, `#/images/${ID}`);
    await expect(page.locator('.notice.error')).toContainText(`No image with id ${ID}.`);
    await check(page, 'image-not-found');
  });
});

test.describe('operator pages', () => {
  test('orchestrations: loading', async ({ page }) => {
    await withKey(page);
    await mockApi(page, hold);
    await open(page, '#/ops/orchestrations');
    await expect(page.getByText('Loading orchestrations…')).toBeVisible();
    await check(page, 'orchestrations-loading');
  });

  test('orchestrations: empty, with the filters kept in the URL', async ({ page }) => {
    await withKey(page);
    const queries: string[] = [];
    await mockApi(page, (route) => {
      queries.push(new URL(route.request().url()).search);
      return json(route, { items: [], continuationToken: null });
    });
    await open(page, '#/ops/orchestrations?runtimeStatus=Failed');
    await expect(page.getByText('No orchestration matches.')).toBeVisible();
    await expect(page.getByLabel('Status')).toHaveValue('Failed');
    expect(queries.some((q) => q.includes('runtimeStatus=Failed'))).toBe(true);
    await check(page, 'orchestrations-empty');
  });

  test('orchestrations: a refused key is explained', async ({ page }) => {
    await withKey(page);
    await mockApi(page, (route) => apiError(route, 401, 'UNAUTHORIZED', 'Missing or invalid key.'));
    await open(page, '#/ops/orchestrations');
    await expect(page.getByRole('alert')).toContainText('The function key was refused.');
    await check(page, 'orchestrations-error');
  });

  test('instance: loading, then an error', async ({ page }) => {
    await withKey(page);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await mockApi(page, async (route) => {
      await gate;
      await apiError(route, 404, 'NOT_FOUND', 'No instance abc.');
    });
    await open(page, '#/ops/instances/abc');
    await expect(page.getByText('Loading the instance…')).toBeVisible();
    await check(page, 'instance-loading');
    release();
    await expect(page.getByRole('alert')).toHaveText(
      'Could not load the instance: No instance abc. (NOT_FOUND)',
    );
    await check(page, 'instance-error');
  });

  test('instance: a failed activity and a retry on the timeline', async ({ page }) => {
    await withKey(page);
    const t = (s: number) => new Date(Date.UTC(2026, 10, 21, 5, 39, 13) + s).toISOString();
    await mockApi(page, (route) =>
      json(route, {
        instanceId: ID,
        name: 'processImage',
        runtimeStatus: 'Failed',
        createdTime: t(0),
        lastUpdatedTime: t(9000),
        input: { id: ID },
        output: 'resize failed',
        timeline: [
          {
            kind: 'activity',
            name: 'inspect',
            attempt: 1,
            scheduledAt: t(0),
            completedAt: t(300),
            durationMs: 300,
            status: 'Completed',
          },
          {
            kind: 'activity',
            name: 'resize',
            attempt: 1,
            scheduledAt: t(400),
            completedAt: t(2400),
            durationMs: 2000,
            status: 'Failed',
            error: 'Blob storage answered 503',
          },
          {
            kind: 'retryTimer',
            name: 'resize',
            attempt: 1,
            scheduledAt: t(2400),
            completedAt: t(4400),
            durationMs: 2000,
            status: 'Completed',
          },
          {
            kind: 'activity',
            name: 'resize',
            attempt: 2,
            scheduledAt: t(4400),
            completedAt: t(8900),
            durationMs: 4500,
            status: 'Failed',
            error: 'Blob storage answered 503',
          },
        ],
      }),
    );
    await open(page, `#/ops/instances/${ID}`);
    await expect(page.locator('svg.timeline g.bar')).toHaveCount(4);
    await expect(page.locator('svg.timeline g.bar.failed')).toHaveCount(2);
    await expect(page.getByRole('button', { name: 'Purge' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Terminate' })).toHaveCount(0);
    await check(page, 'instance-failed');
  });

  test('gate: an open circuit after 429s, and an empty list', async ({ page }) => {
    await withKey(page);
    const start = Date.UTC(2026, 10, 21, 5, 30);
    const minutes = Array.from({ length: 15 }, (_, i) => ({
      at: new Date(start + i * 60_000).toISOString(),
      calls: [0, 0, 4, 12, 20, 20, 20, 19, 20, 14, 10, 10, 3, 0, 1][i]!,
      throttled: [0, 0, 0, 0, 0, 2, 6, 1, 0, 0, 0, 0, 3, 0, 1][i]!,
    }));
    const gate = (id: string, circuit: string, extra: Record<string, unknown>) => ({
      id,
      endpoint: `https://${id}.cognitiveservices.azure.com/`,
      circuit,
      configuredPerMinute: 20,
      ratePerMinute: 20,
      tokens: 20,
      nextSlotAt: '2026-11-21T05:45:00.000Z',
      pausedUntil: null,
      openUntil: null,
      consecutiveFailures: 0,
      queued: 0,
      counters: {
        granted: 173,
        busy: 0,
        ok: 160,
        throttled: 13,
        failed: 0,
        rejected: 0,
        duplicateReports: 0,
      },
      minutes,
      ...extra,
    });
    let empty = false;
    await mockApi(page, (route) =>
      json(route, {
        gates: empty
          ? []
          : [
              gate('westeurope', 'Closed', { ratePerMinute: 14, tokens: 6 }),
              gate('northeurope', 'Open', {
                tokens: 0,
                openUntil: '2026-11-21T05:45:30.000Z',
                consecutiveFailures: 5,
                queued: 7,
                minutes: minutes.map((m) => ({ ...m, throttled: 0 })),
              }),
            ],
      }),
    );
    await open(page, '#/ops/gate');
    await expect(page.locator('section.gate')).toHaveCount(2);
    await expect(page.locator('section.gate').first()).toContainText(
      '14/min granted of 20/min configured',
    );
    await expect(page.locator('section.gate').first().locator('rect.throttled')).toHaveCount(5);
    await expect(page.locator('section.gate').nth(1).getByRole('heading')).toContainText('Open');
    await expect(
      page.getByRole('img', {
        name: 'Calls per minute over the last 15 minutes: 153 calls, 13 refused with 429.',
      }),
    ).toBeVisible();
    await check(page, 'gate-mocked');

    empty = true;
    await page.reload();
    await expect(page.getByText('No Vision gates')).toBeVisible();
    await check(page, 'gate-empty');
  });

  test('reprocess: a refused filter shows the API message', async ({ page }) => {
    await withKey(page);
    await mockApi(page, (route) =>
      apiError(route, 400, 'INVALID_REQUEST', 'filter: at least one field is required.'),
    );
    await open(page, '#/ops/reprocess');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expect(
      page.getByText('Dry run failed: filter: at least one field is required. (INVALID_REQUEST)'),
    ).toBeVisible();
    await check(page, 'reprocess-error');
  });
});

test.describe('on a phone-sized screen', () => {
  test.use({ viewport: { width: 412, height: 823 } });

  test('instance: the timeline scrolls instead of shrinking its bars below a 24 px target', async ({
    page,
  }) => {
    await withKey(page);
    const t = (s: number) => new Date(Date.UTC(2026, 10, 21, 5, 39, 13) + s).toISOString();
    await mockApi(page, (route) =>
      json(route, {
        instanceId: 'reprocess-batch',
        name: 'reprocessBatch',
        runtimeStatus: 'Completed',
        createdTime: t(0),
        lastUpdatedTime: t(70_000),
        timeline: Array.from({ length: 30 }, (_, i) => ({
          kind: 'subOrchestration',
          name: 'reprocessImage',
          scheduledAt: t(i * 1000),
          completedAt: t(i * 1000 + 900),
          durationMs: 900,
          status: 'Completed',
        })),
      }),
    );
    await open(page, '#/ops/instances/reprocess-batch');
    await expect(page.locator('svg.timeline g.bar')).toHaveCount(30);
    await check(page, 'instance-phone');
  });
});
