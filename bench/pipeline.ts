/**
 * `npm run bench`: the same photos through the whole pipeline (upload → blob trigger →
 * orchestration → inspect + three resize activities → record) and through sharp alone (the
 * same three variants, same machine, same run), alternating rounds. Prints the throughput ratio
 * and the host's peak RSS. Target: pipeline ≥ 0.7 × sharp alone with ANALYZER=none.
 *
 * Options (env): BENCH_PHOTOS (default 24), BENCH_ROUNDS (3), BENCH_CONCURRENCY (4, sharp alone).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import sharp from 'sharp';
import { startStack, type Stack } from '../devhost/testing/stack';

const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 24);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const VARIANTS = [
  { name: 'thumb', box: 150 },
  { name: 'medium', box: 640 },
  { name: 'large', box: 1280 },
];

/** Camera-like photos: smooth gradients plus grain, so JPEG and WebP do real work. */
async function makePhotos(count: number): Promise<Buffer[]> {
  const photos: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const width = 3000 + (i % 4) * 100;
    const height = 2000;
    const raw = Buffer.alloc(width * height * 3);
    let seed = i * 7919 + 1;
    for (let p = 0; p < width * height; p++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const x = p % width;
      const y = Math.floor(p / width);
      const grain = (seed >> 16) % 24;
      raw[p * 3] = (x * 255) / width + grain;
      raw[p * 3 + 1] = (y * 255) / height + grain;
      raw[p * 3 + 2] = ((x + y + i * 40) % 255) + grain;
    }
    photos.push(
      await sharp(raw, { raw: { width, height, channels: 3 } })
        .jpeg({ quality: 88 })
        .toBuffer(),
    );
  }
  return photos;
}

async function sharpAlone(photos: Buffer[]): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < photos.length) {
      const photo = photos[next++]!;
      await sharp(photo).metadata();
      for (const v of VARIANTS) {
        await sharp(photo)
          .rotate()
          .resize(v.box, v.box, { fit: 'inside', withoutEnlargement: true })
          .webp()
          .toBuffer();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return photos.length / ((performance.now() - start) / 1000);
}

async function pipeline(stack: Stack, photos: Buffer[]): Promise<number> {
  const start = performance.now();
  const ids = await Promise.all(
    photos.map(async (photo) => {
      const res = await fetch(`${stack.baseUrl}/api/images`, {
        method: 'POST',
        body: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    }),
  );
  // Poll like a patient client: one request at a time for the oldest unfinished image, so the
  // measuring does not steal the CPU it measures.
  for (const id of ids) {
    for (;;) {
      const res = await fetch(`${stack.baseUrl}/api/images/${id}`);
      const body = (await res.json()) as { status: string; error?: { code: string } };
      if (body.status === 'Failed') throw new Error(`image ${id} failed: ${body.error?.code}`);
      if (body.status === 'Completed' || body.status === 'CompletedWithWarnings') break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return photos.length / ((performance.now() - start) / 1000);
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  console.log(`Preparing ${PHOTOS} photos (about 3000×2000 JPEG) on ${os.cpus().length} cores…`);
  const photos = await makePhotos(PHOTOS);
  const stack = await startStack({
    env: {
      ANALYZER: 'none',
      ...(process.env.DEVHOST_BLOB_POLL_MS
        ? { DEVHOST_BLOB_POLL_MS: process.env.DEVHOST_BLOB_POLL_MS }
        : {}),
      ...(process.env.DEVHOST_MAX_ACTIVITIES
        ? { DEVHOST_MAX_ACTIVITIES: process.env.DEVHOST_MAX_ACTIVITIES }
        : {}),
    },
    removeStateDirOnStop: process.env.BENCH_KEEP_STATE !== '1',
  });
  console.log(`devhost state and logs: ${stack.stateDir}`);
  try {
    await pipeline(stack, photos.slice(0, 2)); // warm-up: first requests, containers, clients
    const ratios: number[] = [];
    const piped: number[] = [];
    const alone: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const a = await sharpAlone(photos);
      const p = await pipeline(stack, photos);
      alone.push(a);
      piped.push(p);
      ratios.push(p / a);
      console.log(
        `round ${round}: sharp alone ${a.toFixed(2)} photos/s, pipeline ${p.toFixed(2)} photos/s, ratio ${(p / a).toFixed(2)}`,
      );
    }
    const rss = peakRssMiB(stack.hostPid());
    console.log('');
    console.log(
      `sharp alone   median ${median(alone).toFixed(2)} photos/s (concurrency ${CONCURRENCY})`,
    );
    console.log(
      `pipeline      median ${median(piped).toFixed(2)} photos/s (ANALYZER=none, through devhost + Azurite + Cosmos emulator)`,
    );
    console.log(`ratio         median ${median(ratios).toFixed(2)} (target ≥ 0.70)`);
    console.log(`host peak RSS ${rss.toFixed(0)} MiB`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
