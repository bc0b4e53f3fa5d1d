/**
 * `npm run bench`: the same photos through the whole pipeline (upload → blob trigger →
 * orchestration → inspect + three resize activities → record) and through sharp alone (the
 * same three variants, same machine, same run), alternating rounds, for each photo set (real
 * camera JPEGs when installed, see photo-sets.ts, and a synthetic set) with ANALYZER=none, then
 * ANALYZER=local beside it. Prints medians of the throughput, the ratio pipeline / sharp alone
 * (target ≥ 0.85 with ANALYZER=none), the CPU-ms per image of each devhost process (read from
 * /proc) against sharp alone's, and the host's peak RSS.
 *
 * Options (env): BENCH_PHOTOS (default 24), BENCH_ROUNDS (3), BENCH_CONCURRENCY (4, sharp
 * alone), BENCH_SETS (camera,synthetic), BENCH_ANALYZERS (none,local), BENCH_PHOTO_DIR.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import sharp from 'sharp';
import { startStack, type Stack } from '../devhost/testing/stack';
import {
  cameraPhotos,
  DEFAULT_CAMERA_DIR,
  syntheticPhotos,
  uniqueUploads,
  type PhotoSet,
} from './photo-sets';
import {
  addCpu,
  CPU_PARTS,
  cpuDelta,
  ownCpuMs,
  sampleCpu,
  zeroCpu,
  type CpuSample,
} from './process-cpu';

const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 24);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SETS = (process.env.BENCH_SETS ?? 'camera,synthetic').split(',');
const ANALYZERS = (process.env.BENCH_ANALYZERS ?? 'none,local').split(',');
const VARIANTS = [
  { name: 'thumb', box: 150 },
  { name: 'medium', box: 640 },
  { name: 'large', box: 1280 },
];

async function sharpAlone(photos: Buffer[]): Promise<{ rate: number; cpuMs: number }> {
  const cpu = ownCpuMs();
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
          .webp({ quality: 80, effort: 4 })
          .toBuffer();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return {
    rate: photos.length / ((performance.now() - start) / 1000),
    cpuMs: ownCpuMs() - cpu,
  };
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
      const body = (await res.json()) as {
        status: string;
        error?: { code: string };
        reusedFrom?: unknown;
      };
      if (body.status === 'Failed') throw new Error(`image ${id} failed: ${body.error?.code}`);
      if (body.reusedFrom !== undefined)
        throw new Error(`image ${id} was a copy of an identical upload: nothing was measured`);
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

interface Row {
  set: string;
  analyzer: string;
  alone: number;
  piped: number;
  ratio: number;
  ratios: number[];
  /** CPU-ms per image of each part of the stack, over every pipeline round. */
  cpu: CpuSample;
  aloneCpuMs: number;
  rssMiB: number;
}

async function runSet(stack: Stack, set: PhotoSet, analyzer: string): Promise<Row> {
  console.log(`\n${set.name}, ANALYZER=${analyzer}: ${set.describe}`);
  // Warm-up: first requests, containers, clients. Every upload is unique (uniqueUploads), or the
  // pipeline would copy the variants of an identical earlier upload instead of resizing.
  await pipeline(stack, uniqueUploads(set.photos.slice(0, 2), 'warm-up'));
  const ratios: number[] = [];
  const piped: number[] = [];
  const alone: number[] = [];
  const cpu = zeroCpu();
  let aloneCpu = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const photos = uniqueUploads(set.photos, `round ${round}`);
    const a = await sharpAlone(photos);
    const before = sampleCpu(stack.supervisorPid, stack.hostPid());
    const p = await pipeline(stack, photos);
    addCpu(cpu, cpuDelta(sampleCpu(stack.supervisorPid, stack.hostPid()), before));
    aloneCpu += a.cpuMs;
    alone.push(a.rate);
    piped.push(p);
    ratios.push(p / a.rate);
    console.log(
      `  round ${round}: sharp alone ${a.rate.toFixed(2)} photos/s, pipeline ${p.toFixed(2)} photos/s, ratio ${(p / a.rate).toFixed(2)}`,
    );
  }
  const images = ROUNDS * set.photos.length;
  for (const part of CPU_PARTS) cpu[part] /= images;
  return {
    set: set.name,
    analyzer,
    alone: median(alone),
    piped: median(piped),
    ratio: median(ratios),
    ratios,
    cpu,
    aloneCpuMs: aloneCpu / images,
    rssMiB: peakRssMiB(stack.hostPid()),
  };
}

function report(rows: Row[]): void {
  console.log('\nMedians of each row (one run, rounds alternated with sharp alone):');
  for (const r of rows) {
    const lo = Math.min(...r.ratios).toFixed(2);
    const hi = Math.max(...r.ratios).toFixed(2);
    console.log(
      `  ${r.set.padEnd(9)} ANALYZER=${r.analyzer.padEnd(5)}  sharp alone ${r.alone.toFixed(2)} photos/s  pipeline ${r.piped.toFixed(2)} photos/s  ratio ${r.ratio.toFixed(2)} (${lo}–${hi})${r.analyzer === 'none' ? '  target ≥ 0.85' : ''}  host peak RSS ${r.rssMiB.toFixed(0)} MiB`,
    );
  }
  console.log('\nCPU-ms per image, by process (pipeline rounds; sharp alone is this process):');
  for (const r of rows) {
    const total = CPU_PARTS.reduce((sum, part) => sum + r.cpu[part], 0);
    const parts = CPU_PARTS.map((part) => `${part} ${r.cpu[part].toFixed(0)}`).join(', ');
    console.log(
      `  ${r.set.padEnd(9)} ANALYZER=${r.analyzer.padEnd(5)}  total ${total.toFixed(0)} (${parts}); sharp alone ${r.aloneCpuMs.toFixed(0)}; overhead ${(total - r.aloneCpuMs).toFixed(0)}`,
    );
  }
}

async function main(): Promise<void> {
  console.log(`Preparing photos on ${os.cpus().length} cores…`);
  const sets: PhotoSet[] = [];
  for (const name of SETS) {
    if (name === 'camera') {
      const camera = await cameraPhotos(PHOTOS);
      if (camera) sets.push(camera);
      else
        console.log(
          `No camera photos in ${process.env.BENCH_PHOTO_DIR ?? DEFAULT_CAMERA_DIR}: apt-get install mate-backgrounds, or set BENCH_PHOTO_DIR. Skipping that set.`,
        );
    } else if (name === 'synthetic') sets.push(await syntheticPhotos(PHOTOS));
    else throw new Error(`BENCH_SETS: unknown set '${name}' (camera, synthetic)`);
  }
  const rows: Row[] = [];
  for (const analyzer of ANALYZERS) {
    const stack = await startStack({
      env: {
        ANALYZER: analyzer,
        ...(process.env.DEVHOST_BLOB_POLL_MS
          ? { DEVHOST_BLOB_POLL_MS: process.env.DEVHOST_BLOB_POLL_MS }
          : {}),
        ...(process.env.DEVHOST_MAX_ACTIVITIES
          ? { DEVHOST_MAX_ACTIVITIES: process.env.DEVHOST_MAX_ACTIVITIES }
          : {}),
      },
      removeStateDirOnStop: process.env.BENCH_KEEP_STATE !== '1',
    });
    console.log(`\ndevhost (ANALYZER=${analyzer}) state and logs: ${stack.stateDir}`);
    try {
      // The analyzer's row beside none: the first set is enough.
      for (const set of analyzer === 'none' ? sets : sets.slice(0, 1)) {
        rows.push(await runSet(stack, set, analyzer));
      }
    } finally {
      await stack.stop();
    }
  }
  report(rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
