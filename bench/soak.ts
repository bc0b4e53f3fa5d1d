/**
 * `npm run bench:soak`: is the cost per image flat as images and history pile up?
 * 1. Status reads: the median time and the stack's CPU-ms of a status read
 *    (`GET /api/images/{id}`, and the Durable API's instance status, for an image's instance and
 *    for a stored instance the host has not cached) with 10 finished instances in the task hub,
 *    then with 10,000. The extra instances are written straight into the task hub's store as
 *    finished instances (state row and a short history each), as the engine writes them; no
 *    pipeline runs for them.
 * 2. Soak: BENCH_SOAK_BATCHES (5) batches of BENCH_SOAK_SIZE (200) small images on a fresh stack;
 *    each batch's throughput, the host's RSS after it and each process's CPU-ms per image.
 *    Targets: last / first batch throughput ≥ 0.9, RSS growth ≤ 1.3×.
 */
import { readFileSync } from 'node:fs';
import { EventType } from '../devhost/durable/history';
import type { OrchestrationState } from '../devhost/durable/orchestration-state';
import { historyRowKey, orchestrationStateRow } from '../devhost/durable/state-rows';
import { encodeKey, TableStore } from '../devhost/durable/table-store';
import { startStack, type Stack } from '../devhost/testing/stack';
import { smallPhotos, uniqueUploads } from './photo-sets';
import { cpuDelta, sampleCpu, type CpuSample } from './process-cpu';

const BATCHES = Number(process.env.BENCH_SOAK_BATCHES ?? 5);
const BATCH_SIZE = Number(process.env.BENCH_SOAK_SIZE ?? 200);
const INSTANCES = Number(process.env.BENCH_STATUS_INSTANCES ?? 10_000);
const READS = Number(process.env.BENCH_STATUS_READS ?? 200);
const TASK_HUB_TABLE = 'ImagePipelineTaskHub';
const UPLOADERS = 16;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function pool<T>(
  count: number,
  width: number,
  work: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

async function uploadAll(stack: Stack, photos: Buffer[]): Promise<string[]> {
  return pool(photos.length, UPLOADERS, async (i) => {
    const res = await fetch(`${stack.baseUrl}/api/images`, {
      method: 'POST',
      body: photos[i],
      headers: { 'content-type': 'image/jpeg' },
    });
    if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  });
}

interface Finished {
  status: string;
  orchestration?: { instanceId: string };
  error?: { code: string };
}

/** Polls one image at a time, oldest first, as a patient client does. */
async function waitAll(stack: Stack, ids: string[]): Promise<Finished[]> {
  const records: Finished[] = [];
  for (const id of ids) {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const body = (await (await fetch(`${stack.baseUrl}/api/images/${id}`)).json()) as Finished;
      if (body.status === 'Failed') throw new Error(`image ${id} failed: ${body.error?.code}`);
      if (body.status === 'Completed' || body.status === 'CompletedWithWarnings') {
        records.push(body);
        break;
      }
      if (Date.now() > deadline) throw new Error(`image ${id} still ${body.status} after 300 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return records;
}

interface ReadCost {
  /** Median ms of one read. */
  ms: number;
  /** CPU-ms of one read, host and emulators together: unlike the time, not inflated by load. */
  cpuMs: number;
}

/** `READS` sequential GETs of each URL: the median time, and the stack's CPU per read. */
async function timeReads(
  stack: Stack,
  urls: Record<string, string>,
): Promise<Record<string, ReadCost>> {
  const out: Record<string, ReadCost> = {};
  for (const [label, url] of Object.entries(urls)) {
    const times: number[] = [];
    const before = sampleCpu(stack.supervisorPid, stack.hostPid());
    for (let i = 0; i < READS; i++) {
      const start = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${label}: ${url} answered ${res.status}`);
      times.push(performance.now() - start);
    }
    const cpu = cpuDelta(sampleCpu(stack.supervisorPid, stack.hostPid()), before);
    const total = Object.values(cpu).reduce((sum, ms) => sum + ms, 0);
    out[label] = { ms: median(times), cpuMs: total / READS };
  }
  return out;
}

function finishedInstance(i: number): OrchestrationState {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  return {
    instanceId: `seeded-${String(i).padStart(6, '0')}`,
    name: 'processImage',
    status: 'Completed',
    input: JSON.stringify({ imageId: `seeded-${i}` }),
    output: JSON.stringify({ status: 'Completed' }),
    createdAt: at,
    updatedAt: at,
    executionId: `execution-${i}`,
    history: [],
    historyStart: 0,
    historyNext: 4,
    nextId: 4,
    actions: [],
    retries: {},
    consumed: new Set(),
  };
}

async function seed(store: TableStore, from: number, to: number): Promise<void> {
  await pool(to - from, 16, async (k) => {
    const state = finishedInstance(from + k);
    const history = [
      EventType.ExecutionStarted,
      EventType.TaskScheduled,
      EventType.TaskCompleted,
      EventType.ExecutionCompleted,
    ].map((type, seq) => ({
      rowKey: historyRowKey(state.instanceId, seq),
      data: { EventType: type, EventId: seq, Timestamp: state.createdAt, IsPlayed: true },
    }));
    await store.put(encodeKey(state.instanceId), [orchestrationStateRow(state), ...history]);
  });
}

function cpuPerImage(cpu: CpuSample): string {
  const per = (ms: number): string => (ms / BATCH_SIZE).toFixed(0);
  return [
    `host JavaScript ${per(cpu['host JavaScript'])}`,
    `host V8 and libuv ${per(cpu['host V8 and libuv threads'])}`,
    `host libvips ${per(cpu['host image work (libvips)'])}`,
    `Azurite ${per(cpu['storage (Azurite)'])}`,
    `Cosmos emulator and its journal ${per(cpu['Cosmos emulator'] + cpu.supervisor)}`,
  ].join(', ');
}

/** Waits until the stack is idle: under 5 % of one core for a whole second (60 s at most). */
async function settle(stack: Stack): Promise<void> {
  const deadline = Date.now() + 60_000;
  const total = (cpu: CpuSample): number => Object.values(cpu).reduce((a, b) => a + b, 0);
  while (Date.now() < deadline) {
    const before = sampleCpu(stack.supervisorPid, stack.hostPid());
    await new Promise((r) => setTimeout(r, 1000));
    const used = total(cpuDelta(sampleCpu(stack.supervisorPid, stack.hostPid()), before));
    if (used < 50) return;
  }
}

async function statusReads(): Promise<void> {
  const stack = await startStack({ env: { ANALYZER: 'none' } });
  try {
    const photos = uniqueUploads(await smallPhotos(10), 'status reads');
    const ids = await uploadAll(stack, photos);
    const records = await waitAll(stack, ids);
    const store = await TableStore.open(stack.storageConnectionString, TASK_HUB_TABLE);
    const durable = `${stack.baseUrl}/runtime/webhooks/durabletask/instances`;
    const key = `code=${stack.functionsKey}`;
    const urls = {
      'GET /api/images/{id}': `${stack.baseUrl}/api/images/${ids[0] ?? ''}`,
      'Durable API status, image instance': `${durable}/${records[0]?.orchestration?.instanceId ?? ''}?${key}`,
      'Durable API status, stored instance': `${durable}/seeded-000000?${key}`,
    };
    await seed(store, 0, 1);
    await timeReads(stack, urls); // warm-up
    await settle(stack);
    const few = await timeReads(stack, urls);
    console.log(`Seeding ${INSTANCES - 10} more finished instances into the task hub…`);
    await seed(store, 1, INSTANCES - 10);
    // Storing 10,000 instances leaves work behind (Azurite snapshots its grown journal): measure
    // the reads, not that.
    await settle(stack);
    const many = await timeReads(stack, urls);
    console.log(
      `\nStatus reads, median time of ${READS} sequential reads, and the stack's CPU per read:`,
    );
    for (const label of Object.keys(urls)) {
      const a = few[label]!;
      const b = many[label]!;
      console.log(
        `  ${label.padEnd(38)} 10 instances ${a.ms.toFixed(2)} ms (${a.cpuMs.toFixed(2)} CPU-ms)  ${INSTANCES} instances ${b.ms.toFixed(2)} ms (${b.cpuMs.toFixed(2)} CPU-ms)  ratio ${(b.ms / a.ms).toFixed(2)} (CPU ${(b.cpuMs / a.cpuMs).toFixed(2)})`,
      );
    }
  } finally {
    await stack.stop();
  }
}

async function soak(): Promise<void> {
  const stack = await startStack({ env: { ANALYZER: 'none' } });
  try {
    const photos = await smallPhotos(BATCH_SIZE);
    // Every upload is unique (uniqueUploads), or most would be copies of an identical earlier one.
    await waitAll(stack, await uploadAll(stack, uniqueUploads(photos.slice(0, 4), 'warm-up')));
    const rates: number[] = [];
    const rss: number[] = [];
    console.log(`\nSoak: ${BATCHES} batches of ${BATCH_SIZE} images of 480×320`);
    for (let batch = 1; batch <= BATCHES; batch++) {
      const uploads = uniqueUploads(photos, `batch ${batch}`);
      const start = performance.now();
      const cpuBefore = sampleCpu(stack.supervisorPid, stack.hostPid());
      await waitAll(stack, await uploadAll(stack, uploads));
      rates.push(BATCH_SIZE / ((performance.now() - start) / 1000));
      rss.push(rssMiB(stack.hostPid()));
      // CPU per image does not depend on how busy the machine is, throughput does: if the
      // throughput falls while these stay flat, the machine got busier, not devhost costlier.
      const cpu = cpuDelta(sampleCpu(stack.supervisorPid, stack.hostPid()), cpuBefore);
      console.log(
        `  batch ${batch}: ${rates[batch - 1]!.toFixed(2)} images/s, host RSS ${rss[batch - 1]!.toFixed(0)} MiB, CPU-ms per image: ${cpuPerImage(cpu)}`,
      );
    }
    const first = rates[0]!;
    const last = rates[rates.length - 1]!;
    console.log(
      `  throughput last / first ${(last / first).toFixed(2)} (target ≥ 0.90); host RSS last / first ${(rss[rss.length - 1]! / rss[0]!).toFixed(2)} (target ≤ 1.30)`,
    );
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_SOAK_SKIP_STATUS !== '1') await statusReads();
  await soak();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
