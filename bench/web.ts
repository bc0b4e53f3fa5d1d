/**
 * `npm run bench:web`: Lighthouse (performance, accessibility, best practices) on the web app as
 * a user meets it, against a devhost stack this bench starts on free ports: the gallery with 60
 * processed images, then the instance page of a reprocessing batch over 70 (a history of more
 * than 200 events).
 * Chromium is Debian's `/usr/bin/chromium` (`CHROMIUM_PATH` overrides); nothing is downloaded.
 * Lighthouse runs with its defaults: a mid-range phone on a throttled network (simulated).
 *
 * Prints each page's three scores (the goal is ≥ 95 each) and the gallery's bytes transferred;
 * exits 1 when a score is under the goal.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, type Stack } from '../devhost/testing/stack';

const IMAGES = Number(process.env.BENCH_WEB_IMAGES ?? 60);
/**
 * Images the batch reprocesses: a batch run one child at a time writes about three history
 * events per image, so 70 give the instance page more than 200. The gallery is measured first,
 * with IMAGES; the rest are uploaded after.
 */
const BATCH_IMAGES = Math.max(IMAGES, Number(process.env.BENCH_WEB_BATCH_IMAGES ?? 70));
const GOAL = 95;
const PHOTOS = ['cat.jpg', 'coffee.jpg', 'rocket.jpg', 'astronaut.jpg'].map((f) =>
  readFileSync(path.resolve(__dirname, '../../test/fixtures/photos', f)),
);
const FINAL = ['Completed', 'CompletedWithWarnings', 'Failed'];

interface Lhr {
  categories: Record<string, { score: number | null }>;
  audits: Record<string, { numericValue?: number; score: number | null; title: string }>;
}
type LighthouseFn = (
  url: string,
  flags: Record<string, unknown>,
  config: undefined,
  page: unknown,
) => Promise<{ lhr: Lhr } | undefined>;
interface PuppeteerPage {
  evaluateOnNewDocument(fn: string): Promise<unknown>;
  close(): Promise<void>;
}
interface PuppeteerBrowser {
  newPage(): Promise<PuppeteerPage>;
  disconnect(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function api<T>(stack: Stack, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.baseUrl}${route}`, {
    method,
    headers: {
      'x-functions-key': stack.functionsKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 400)
    throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Uploads images numbered `from` to `to` − 1 and waits until every image is final. */
async function uploadImages(stack: Stack, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, to - i) }, async (_, j) => {
        const n = i + j;
        const res = await fetch(`${stack.baseUrl}/api/images?filename=photo-${n}.jpg`, {
          method: 'POST',
          body: PHOTOS[n % PHOTOS.length],
          headers: { 'content-type': 'image/jpeg' },
        });
        if (res.status !== 202) throw new Error(`upload answered ${res.status}`);
      }),
    );
  }
  for (;;) {
    const page = await api<{ items: { status: string }[] }>(stack, 'GET', '/api/images?limit=100');
    const done = page.items.filter((r) => FINAL.includes(r.status)).length;
    if (page.items.length >= to && done === page.items.length) return;
    await sleep(1000);
  }
}

/** Reprocesses every image once: the batch's instance gets one child per image in its history. */
async function batchInstance(stack: Stack): Promise<string> {
  const { batchId } = await api<{ batchId: string }>(stack, 'POST', '/api/ops/reprocess', {
    filter: { status: ['Completed', 'CompletedWithWarnings'] },
    steps: ['analyze'],
    // One at a time: every child ends in its own episode, so the history is long (about four
    // events per image).
    maxConcurrency: 1,
  });
  for (;;) {
    const b = await api<{ status: string }>(stack, 'GET', `/api/ops/reprocess/${batchId}`);
    if (b.status !== 'Running') break;
    await sleep(1000);
  }
  return `reprocess-${batchId}`;
}

async function historySize(
  stack: Stack,
  instanceId: string,
): Promise<{ events: number; rows: number }> {
  const durable = await api<{ historyEvents?: unknown[] }>(
    stack,
    'GET',
    `/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?showHistory=true`,
  );
  const ops = await api<{ timeline?: unknown[] }>(
    stack,
    'GET',
    `/api/ops/orchestrations/${encodeURIComponent(instanceId)}?history=true`,
  );
  return { events: durable.historyEvents?.length ?? 0, rows: ops.timeline?.length ?? 0 };
}

interface Scores {
  performance: number;
  accessibility: number;
  bestPractices: number;
  bytes: number;
  /** LCP, TBT and CLS: what moves the performance score. */
  metrics: string;
  failing: string[];
}

async function audit(
  lighthouse: LighthouseFn,
  browser: PuppeteerBrowser,
  url: string,
  functionsKey: string | undefined,
): Promise<Scores> {
  const page = await browser.newPage();
  // Operator pages read the key from the tab's sessionStorage, as if typed into the key form.
  if (functionsKey !== undefined)
    await page.evaluateOnNewDocument(
      `sessionStorage.setItem('image-pipeline.functionKey', ${JSON.stringify(functionsKey)})`,
    );
  const result = await lighthouse(
    url,
    {
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      logLevel: 'error',
      // The key set above must survive: Lighthouse would otherwise clear the origin's storage.
      disableStorageReset: true,
    },
    undefined,
    page,
  );
  await page.close();
  if (result === undefined) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { categories, audits } = result.lhr;
  const score = (id: string): number => Math.round((categories[id]?.score ?? 0) * 100);
  return {
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    bytes: audits['total-byte-weight']?.numericValue ?? 0,
    metrics: [
      ['LCP', 'largest-contentful-paint', 'ms'],
      ['TBT', 'total-blocking-time', 'ms'],
      ['CLS', 'cumulative-layout-shift', ''],
    ]
      .map(([label, id, unit]) => {
        const v = audits[id!]?.numericValue ?? 0;
        return `${label} ${unit === 'ms' ? Math.round(v) : v.toFixed(3)}${unit}`;
      })
      .join(', '),
    failing: Object.entries(audits)
      .filter(([, a]) => a.score !== null && a.score < 0.9 && a.numericValue === undefined)
      .map(([id, a]) => `${id}: ${a.title}`),
  };
}

async function main(): Promise<void> {
  const chromePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  console.log(
    `Starting a devhost stack (Vision emulator, ANALYZER=azure) and uploading ${IMAGES} images…`,
  );
  const stack = await startStack({
    readyTimeoutMs: 120_000,
    vision: { quotaPerMinute: 0 },
    env: { ANALYZER: 'azure', VISION_CALLS_PER_MINUTE: '600' },
  });
  let failed = false;
  try {
    await uploadImages(stack, 0, IMAGES);

    const { default: lighthouse } = (await import('lighthouse')) as unknown as {
      default: LighthouseFn;
    };
    // ES modules, loaded through require(esm) as Node.js does since 20.19.
    const chromeLauncher = (await import('chrome-launcher')) as unknown as {
      launch(o: {
        chromePath: string;
        chromeFlags: string[];
      }): Promise<{ port: number; kill(): void }>;
    };
    const puppeteer = (await import('puppeteer-core')) as unknown as {
      default: {
        connect(o: { browserURL: string; defaultViewport: null }): Promise<PuppeteerBrowser>;
      };
    };
    const chrome = await chromeLauncher.launch({
      chromePath,
      chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const browser = await puppeteer.default.connect({
        browserURL: `http://127.0.0.1:${chrome.port}`,
        defaultViewport: null,
      });
      const report = async (name: string, url: string, key?: string): Promise<string> => {
        const s = await audit(lighthouse, browser, url, key);
        if (Math.min(s.performance, s.accessibility, s.bestPractices) < GOAL) failed = true;
        const line = `${name.padEnd(36)} ${String(s.performance).padStart(5)} ${String(s.accessibility).padStart(5)} ${String(s.bestPractices).padStart(5)}  ${(s.bytes / 1024).toFixed(1)} KiB`;
        const details = `${line}\n  ${s.metrics}`;
        return s.failing.length > 0 ? `${details}\n  below 0.9: ${s.failing.join('; ')}` : details;
      };
      const lines = [await report(`gallery (${IMAGES} images)`, `${stack.baseUrl}/#/`)];

      console.log(`Uploading ${BATCH_IMAGES - IMAGES} more, then reprocessing all in one batch…`);
      await uploadImages(stack, IMAGES, BATCH_IMAGES);
      const instanceId = await batchInstance(stack);
      const history = await historySize(stack, instanceId);
      console.log(
        `Batch instance ${instanceId}: ${history.events} history events, ${history.rows} timeline rows.`,
      );
      lines.push(
        await report(
          `instance (${history.events} history events)`,
          `${stack.baseUrl}/#/ops/instances/${encodeURIComponent(instanceId)}`,
          stack.functionsKey,
        ),
      );
      console.log(
        `\npage                                  perf  a11y  best  bytes\n${lines.join('\n')}`,
      );
      await browser.disconnect();
    } finally {
      chrome.kill();
    }
  } finally {
    await stack.stop();
  }
  console.log(failed ? `\nA score is under ${GOAL}.` : `\nEvery score is ${GOAL} or more.`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
