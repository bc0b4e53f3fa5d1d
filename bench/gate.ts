/**
 * `npm run bench:gate`: one burst of images against one Vision emulator quota, side by side in
 * one run.
 *
 *   gate, quota right   the whole app (upload → processImage → analyzeThroughGate → visionGate
 *                       entity → callVision) told the service's real quota
 *   gate, quota wrong   the same app told twice the quota the service really grants
 *   classic             what most apps do: every worker calls the service itself (the same
 *                       azure adapter) and retries 429s with exponential backoff and jitter,
 *                       nothing shared between workers
 *
 * For each: calls made, 429s received, time to finish, and the share of the quota used while
 * busy (the mean, over every 60 s window between the first call and the last success, of the
 * successful calls in it ÷ the quota). Targets for the gate: ≥ 95 % used, 0 429s with the right
 * quota, ≤ 5 % of calls answered 429 with the wrong one.
 *
 * Options (env): BENCH_GATE_IMAGES (default 180), BENCH_GATE_QUOTA (calls per minute, default 60), BENCH_GATE_WORKERS (classic
 * workers, default 16).
 */
import sharp from 'sharp';
import { startStack, type Stack, type StackVision } from '../devhost/testing/stack';
import { createAzureVisionService } from '../src/adapters/azure-vision-service';

const IMAGES = Number(process.env.BENCH_GATE_IMAGES ?? 180);
const QUOTA = Number(process.env.BENCH_GATE_QUOTA ?? 60);
const WORKERS = Number(process.env.BENCH_GATE_WORKERS ?? 16);
const WINDOW_MS = 60_000;

interface Row {
  name: string;
  calls: number;
  throttled: number;
  analysed: number;
  images: number;
  seconds: number;
  utilisation: number;
  maxInWindow: number;
}

/** Small distinct photos: the service's quota, not the CPU, is what this measures. */
async function makeImages(count: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp({
        create: {
          width: 640,
          height: 480,
          channels: 3,
          background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 },
        },
      })
        .jpeg()
        .toBuffer(),
    ),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** When each call arrived and whether the quota accepted it. */
interface Call {
  at: number;
  ok: boolean;
}

/** Mean share of the quota used over every 60 s window from the first call to the last success. */
function utilisation(calls: readonly Call[], quota: number): number {
  const ok = calls.filter((c) => c.ok).map((c) => c.at);
  if (ok.length === 0) return 0;
  const first = Math.min(...calls.map((c) => c.at));
  const last = Math.max(...ok);
  const lastStart = Math.max(first, last - WINDOW_MS);
  const shares: number[] = [];
  for (let start = first; start <= lastStart; start += 1000) {
    shares.push(ok.filter((t) => t >= start && t < start + WINDOW_MS).length / quota);
  }
  return shares.reduce((sum, share) => sum + share, 0) / shares.length;
}

function maxInWindow(calls: readonly Call[]): number {
  const ok = calls.filter((c) => c.ok).map((c) => c.at);
  return Math.max(0, ...ok.map((t) => ok.filter((u) => u >= t && u < t + WINDOW_MS).length));
}

/**
 * Collects every call the emulator logs while `work` runs. Its log keeps the last 200 calls, so
 * it is read every few seconds and merged.
 */
async function recordCalls<T>(
  vision: StackVision,
  endpoint: string,
  work: () => Promise<T>,
): Promise<{ result: T; calls: Call[] }> {
  const seen = new Map<string, Call>();
  const collect = async (): Promise<void> => {
    for (const entry of await vision.admin.requests(endpoint, 200)) {
      if (entry.key === null) continue;
      const key = `${entry.at}|${entry.status}|${entry.bytes}`;
      seen.set(key, { at: Date.parse(entry.at), ok: entry.outcome === 'ok' });
    }
  };
  let running = true;
  const poller = (async () => {
    while (running) {
      await collect();
      await sleep(5_000);
    }
  })();
  try {
    const result = await work();
    return { result, calls: [...seen.values()] };
  } finally {
    running = false;
    await poller;
    await collect();
  }
}

async function rowOf(
  name: string,
  vision: StackVision,
  endpoint: string,
  calls: Call[],
  analysed: number,
  images: number,
  ms: number,
  quota: number,
): Promise<Row> {
  const counters = await vision.admin.counters(endpoint);
  return {
    name,
    calls: counters.calls,
    throttled: counters.throttled,
    analysed,
    images,
    seconds: ms / 1000,
    utilisation: utilisation(calls, quota),
    maxInWindow: maxInWindow(calls),
  };
}

async function throughTheApp(stack: Stack, images: Buffer[]): Promise<{ analysed: number }> {
  const ids: string[] = [];
  for (let i = 0; i < images.length; i += 8) {
    const batch = images.slice(i, i + 8);
    const uploaded = await Promise.all(
      batch.map(async (image) => {
        const res = await fetch(`${stack.baseUrl}/api/images`, {
          method: 'POST',
          body: image,
          headers: { 'content-type': 'image/jpeg' },
        });
        if (res.status !== 202) throw new Error(`upload answered ${res.status}`);
        return ((await res.json()) as { id: string }).id;
      }),
    );
    ids.push(...uploaded);
  }
  let analysed = 0;
  for (const id of ids) {
    for (;;) {
      const res = await fetch(`${stack.baseUrl}/api/images/${id}`);
      const body = (await res.json()) as { status: string; analysis?: { status?: string } };
      if (['Completed', 'CompletedWithWarnings', 'Failed'].includes(body.status)) {
        if (body.analysis?.status === 'Completed') analysed++;
        break;
      }
      await sleep(250);
    }
  }
  return { analysed };
}

/** Each worker takes the next image and retries 429s itself: 1 s, 2 s, 4 s … with jitter. */
async function classic(
  vision: StackVision,
  images: Buffer[],
): Promise<{ analysed: number; calls: Call[] }> {
  const service = createAzureVisionService({
    endpoints: [vision.endpoints[0] ?? ''],
    keys: [vision.keys[0] ?? ''],
  });
  const endpoint = vision.endpoints[0] ?? '';
  let next = 0;
  let analysed = 0;
  const calls: Call[] = [];
  const worker = async (): Promise<void> => {
    while (next < images.length) {
      const image = images[next++] as Buffer;
      for (let attempt = 0; attempt < 10; attempt++) {
        const at = Date.now();
        const answer = await service.analyze(endpoint, image);
        calls.push({ at, ok: answer.kind === 'ok' });
        if (answer.kind === 'ok') {
          analysed++;
          break;
        }
        if (answer.kind === 'rejected') break;
        const backoff = Math.min(60_000, 1000 * 2 ** attempt);
        await sleep(backoff / 2 + Math.random() * (backoff / 2));
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { analysed, calls };
}

function print(rows: readonly Row[]): void {
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  console.log('');
  console.log(
    `${'approach'.padEnd(20)}${'calls'.padStart(7)}${'429s'.padStart(7)}${'429 share'.padStart(11)}${'analysed'.padStart(10)}${'seconds'.padStart(9)}${'quota used'.padStart(12)}${'max/60 s'.padStart(10)}`,
  );
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(20)}${String(row.calls).padStart(7)}${String(row.throttled).padStart(7)}${pct(row.throttled / Math.max(1, row.calls)).padStart(11)}${`${row.analysed}/${row.images}`.padStart(10)}${row.seconds.toFixed(1).padStart(9)}${pct(row.utilisation).padStart(12)}${String(row.maxInWindow).padStart(10)}`,
    );
  }
}

async function main(): Promise<void> {
  console.log(
    `${IMAGES} images, service quota ${QUOTA} calls/min, classic workers ${WORKERS}, Vision emulator latency 100–300 ms`,
  );
  const images = await makeImages(IMAGES);
  const stack = await startStack({
    vision: { quotaPerMinute: QUOTA, config: { latencyMs: 100, jitterMs: 200 } },
    env: { ANALYZER: 'azure', VISION_CALLS_PER_MINUTE: String(QUOTA) },
  });
  const vision = stack.vision as StackVision;
  const endpoint = vision.names[0] ?? 'r1';
  const rows: Row[] = [];
  try {
    let started = performance.now();
    const right = await recordCalls(vision, endpoint, () => throughTheApp(stack, images));
    rows.push(
      await rowOf(
        'gate, quota right',
        vision,
        endpoint,
        right.calls,
        right.result.analysed,
        images.length,
        performance.now() - started,
        QUOTA,
      ),
    );
    print(rows);

    // The service now grants half of what the gate was told. The same burst of fresh images,
    // and a fresh window.
    const half = Math.max(1, Math.floor(QUOTA / 2));
    const freshImages = (await makeImages(IMAGES)).reverse();
    await vision.admin.reset(endpoint);
    await vision.admin.configure({ quotaPerMinute: half }, endpoint);
    await sleep(WINDOW_MS);
    started = performance.now();
    const wrong = await recordCalls(vision, endpoint, () => throughTheApp(stack, freshImages));
    rows.push(
      await rowOf(
        'gate, quota wrong',
        vision,
        endpoint,
        wrong.calls,
        wrong.result.analysed,
        freshImages.length,
        performance.now() - started,
        half,
      ),
    );
    print(rows);

    await vision.admin.reset(endpoint);
    await vision.admin.configure({ quotaPerMinute: QUOTA }, endpoint);
    await sleep(WINDOW_MS);
    started = performance.now();
    const classicRun = await classic(vision, images);
    rows.push(
      await rowOf(
        'classic backoff',
        vision,
        endpoint,
        classicRun.calls,
        classicRun.analysed,
        images.length,
        performance.now() - started,
        QUOTA,
      ),
    );
    print(rows);
    console.log('');
    console.log(
      `"gate, quota wrong": the gate is told ${QUOTA}/min, the service grants ${half}/min; its quota used is measured against ${half}.`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
