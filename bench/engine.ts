/**
 * `npm run bench:engine`: devhost's durable engine (the task hub over the real durable-functions
 * handlers) on its real storage, Azure Table storage in Azurite, driven in this process without
 * HTTP so that only the engine and its storage are measured. Prints
 *   1. orchestrations/s, one no-op activity each: a burst started at once, and one at a time;
 *   2. activities/s in one orchestration that fans out to 1,000 no-op activities;
 *   3. this process's RSS after 1,000 and after 10,000 finished instances: it must stay flat.
 * Every repetition gets a fresh table: Azurite's cost per request grows with the number of
 * instances a table holds, so reusing one would make later repetitions slower than earlier ones.
 * For the same reason the memory run spreads its instances over tables of
 * BENCH_ENGINE_TABLE_INSTANCES each, one hub per table, and keeps every hub alive until the last
 * reading so that whatever a hub retains per finished instance still counts.
 * The end of a run is `hub.whenIdle()` (nothing running, queued or due), which costs nothing while
 * waiting; every instance's stored status is checked afterwards, outside the timed span.
 *
 * Options (env): BENCH_ENGINE_REPS (3), BENCH_ENGINE_BURST (500), BENCH_ENGINE_SEQUENTIAL (200),
 * BENCH_ENGINE_FAN_OUT (1000), BENCH_ENGINE_INSTANCES (10000), BENCH_ENGINE_WAVE (500),
 * BENCH_ENGINE_TABLE_INSTANCES (1000; 10000 puts the whole memory run in one table, which takes
 * about ten minutes on Azurite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { TableStore } from '../devhost/durable/table-store';
import { startAzurite, type RunningAzurite } from '../devhost/emulators/azurite';
import { globalRegistry, installCoreApi } from '../devhost/host/functions-core';
import { findFreePorts } from '../devhost/supervisor/ports';
import { DurableHarness } from '../devhost/testing/durable-harness';
import { BenchFunctions } from './engine-names';

const REPS = envInt('BENCH_ENGINE_REPS', 3);
const BURST = envInt('BENCH_ENGINE_BURST', 500);
const SEQUENTIAL = envInt('BENCH_ENGINE_SEQUENTIAL', 200);
const FAN_OUT = envInt('BENCH_ENGINE_FAN_OUT', 1000);
const INSTANCES = envInt('BENCH_ENGINE_INSTANCES', 10_000);
const WAVE = envInt('BENCH_ENGINE_WAVE', 500);
const TABLE_INSTANCES = envInt('BENCH_ENGINE_TABLE_INSTANCES', 1000);
/** The first RSS reading is taken once this many instances have finished. */
const EARLY = Math.min(1000, INSTANCES);

/** Microsoft's figures for the Azure Storage backend on one small VM, and ours (5× those). */
const REFERENCE = { fanOutActivities: 100, sequentialOrchestrations: 5 };
const TARGET = { fanOutActivities: 500, sequentialOrchestrations: 25 };
/** RSS after INSTANCES over RSS after EARLY; above this it grows with finished instances. */
const MAX_RSS_RATIO = 1.1;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got '${raw}'.`);
  }
  return value;
}

const problems: string[] = [];

function log(level: string, message: string): void {
  if (level !== 'error' && level !== 'warn' && level !== 'warning') return;
  problems.push(`${level}: ${message}`);
  console.error(`[${level}] ${message}`);
}

let tables = 0;

/** A task hub exactly as DurableHarness builds it, on a table of its own. */
async function openHub(azurite: RunningAzurite, purpose: string): Promise<DurableHarness> {
  const store = await TableStore.open(azurite.connectionString, `Bench${purpose}${++tables}`);
  return new DurableHarness(undefined, { store, log }).start();
}

/** Runs `measure` on a fresh hub `REPS` times; returns the rates. */
async function repeat(
  azurite: RunningAzurite,
  purpose: string,
  measure: (h: DurableHarness, rep: number) => Promise<number>,
  describe: (rate: number) => string,
): Promise<number[]> {
  const rates: number[] = [];
  for (let rep = 1; rep <= REPS; rep++) {
    const h = await openHub(azurite, purpose);
    try {
      rates.push(await measure(h, rep));
    } finally {
      h.stop();
    }
    console.log(`${purpose.toLowerCase()} ${rep}: ${describe(rates.at(-1)!)}`);
  }
  return rates;
}

function instanceId(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(6, '0')}`;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/** Fails unless every instance whose id starts with `prefix-` is stored as Completed. */
async function expectCompleted(h: DurableHarness, prefix: string, count: number): Promise<void> {
  const statuses = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await h.store.queryInstances({ instanceIdPrefix: `${prefix}-` }, 1000, token);
    for (const row of page.rows) {
      const status = String(row.columns.Status);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    token = page.continuationToken;
  } while (token);
  if (statuses.get('Completed') !== count) {
    const seen = [...statuses].map(([s, n]) => `${n} ${s}`).join(', ') || 'none';
    throw new Error(`expected ${count} Completed instances '${prefix}-*', found ${seen}`);
  }
}

/** Starts `count` one-activity instances at once; returns orchestrations per second. */
async function burst(h: DurableHarness, prefix: string, count: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      h.startOrchestration(BenchFunctions.oneActivity, undefined, instanceId(prefix, i)),
    ),
  );
  await h.hub.whenIdle();
  const rate = count / seconds(start);
  await expectCompleted(h, prefix, count);
  return rate;
}

/** Runs `count` one-activity instances strictly one after another; returns orchestrations/s. */
async function sequential(h: DurableHarness, prefix: string, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await h.startOrchestration(BenchFunctions.oneActivity, undefined, instanceId(prefix, i));
    await h.hub.whenIdle();
  }
  const rate = count / seconds(start);
  await expectCompleted(h, prefix, count);
  return rate;
}

/** One instance fanning out to `count` activities; returns activity completions per second. */
async function fanOut(h: DurableHarness, id: string, count: number): Promise<number> {
  const start = performance.now();
  await h.startOrchestration(BenchFunctions.fanOut, count, id);
  await h.hub.whenIdle();
  const rate = count / seconds(start);
  const state = await h.status(id);
  if (state?.status !== 'Completed' || h.output<number>(state) !== count) {
    throw new Error(`fan-out ${id} ended ${state?.status ?? 'unknown'} with ${state?.output}`);
  }
  return rate;
}

interface MemoryReading {
  rssMiB: number;
  heapMiB: number;
}

function readMemory(): MemoryReading {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Twice: the first pass can leave finalised objects that only the second one frees.
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { rssMiB: usage.rss / 2 ** 20, heapMiB: usage.heapUsed / 2 ** 20 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (x: number, digits = 1): string => x.toFixed(digits);
const list = (xs: number[]): string => xs.map((x) => fmt(x)).join(', ');
const verdict = (ok: boolean): string => (ok ? 'meets target' : 'BELOW TARGET');

async function main(): Promise<void> {
  // `@azure/functions` looks for the worker's core module once, when it loads.
  installCoreApi(globalRegistry());
  await import('./engine-functions');

  const gcAvailable = typeof (globalThis as { gc?: unknown }).gc === 'function';
  console.log(
    `devhost durable engine on Azurite tables, in-process, ${os.cpus().length} cores, Node ${process.version}` +
      (gcAvailable ? '' : ' (no --expose-gc: RSS readings are taken without a forced GC)'),
  );
  const [blobPort, queuePort, tablePort] = await findFreePorts(3);
  if (blobPort === undefined || queuePort === undefined || tablePort === undefined) {
    throw new Error('could not find three free ports for Azurite');
  }
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
  const azurite = await startAzurite({ blobPort, queuePort, tablePort, stateDir });
  const started = performance.now();
  try {
    const warm = await openHub(azurite, 'Warmup');
    await burst(warm, 'warm', 100);
    await fanOut(warm, 'warm-fan', 100);
    warm.stop();

    const burstRates = await repeat(
      azurite,
      'Burst',
      (h, rep) => burst(h, `burst${rep}`, BURST),
      (rate) => `${BURST} started at once, ${fmt(rate)} orchestrations/s`,
    );
    const seqRates = await repeat(
      azurite,
      'Sequential',
      (h, rep) => sequential(h, `seq${rep}`, SEQUENTIAL),
      (rate) => `${SEQUENTIAL} one at a time, ${fmt(rate)} orchestrations/s`,
    );
    const fanRates = await repeat(
      azurite,
      'FanOut',
      (h, rep) => fanOut(h, `fan${rep}`, FAN_OUT),
      (rate) => `${FAN_OUT} activities in one instance, ${fmt(rate)} activities/s`,
    );

    const memHubs: DurableHarness[] = [];
    let early: MemoryReading | undefined;
    let finished = 0;
    let blockSeconds = 0;
    let blockCount = 0;
    for (let wave = 0; finished < INSTANCES; wave++) {
      if (finished % TABLE_INSTANCES === 0) {
        memHubs.at(-1)?.stop();
        memHubs.push(await openHub(azurite, 'Memory'));
      }
      const size = Math.min(
        WAVE,
        INSTANCES - finished,
        TABLE_INSTANCES - (finished % TABLE_INSTANCES),
        finished < EARLY ? EARLY - finished : WAVE,
      );
      blockSeconds += size / (await burst(memHubs.at(-1)!, `mem${wave}`, size));
      blockCount += size;
      finished += size;
      if (finished === EARLY) early = readMemory();
      if (finished % 1000 === 0 || finished === INSTANCES) {
        console.log(
          `memory run: ${finished} finished, ${fmt(blockCount / blockSeconds)} orchestrations/s over the last ${blockCount}`,
        );
        blockSeconds = 0;
        blockCount = 0;
      }
    }
    const late = readMemory();
    memHubs.at(-1)?.stop();
    const ratio = late.rssMiB / early!.rssMiB;

    const seq = median(seqRates);
    const fan = median(fanRates);
    const row = (label: string, value: string, rest = ''): void =>
      console.log(`  ${label.padEnd(40)}${value.padEnd(10)}${rest}`);
    console.log('');
    console.log(
      `Results: median of ${REPS} [each run]; reference = Microsoft's figure for the Azure Storage ` +
        'backend on one small VM; target = 5 × reference',
    );
    row(
      `orchestrations/s, ${BURST} started at once`,
      fmt(median(burstRates)),
      `[${list(burstRates)}]`,
    );
    row(
      `orchestrations/s, ${SEQUENTIAL} one at a time`,
      fmt(seq),
      `[${list(seqRates)}]  reference ${REFERENCE.sequentialOrchestrations}, target ≥ ${TARGET.sequentialOrchestrations}: ${verdict(seq >= TARGET.sequentialOrchestrations)}`,
    );
    row(
      `activities/s, fan-out of ${FAN_OUT}`,
      fmt(fan),
      `[${list(fanRates)}]  reference ${REFERENCE.fanOutActivities}, target ≥ ${TARGET.fanOutActivities}: ${verdict(fan >= TARGET.fanOutActivities)}`,
    );
    row(
      `RSS after ${EARLY} finished instances`,
      `${fmt(early!.rssMiB)} MiB`,
      `(heap used ${fmt(early!.heapMiB)} MiB)`,
    );
    row(
      `RSS after ${INSTANCES} finished instances`,
      `${fmt(late.rssMiB)} MiB`,
      `(heap used ${fmt(late.heapMiB)} MiB)`,
    );
    row(
      `RSS ratio ${INSTANCES} / ${EARLY}`,
      fmt(ratio, 3),
      `${ratio <= MAX_RSS_RATIO ? 'flat' : 'GROWS'} (limit ${MAX_RSS_RATIO}); ${memHubs.length} hub${memHubs.length === 1 ? '' : 's'} of ≤ ${TABLE_INSTANCES} instances, all kept alive`,
    );
    console.log(
      `engine log: ${problems.length} errors or warnings; whole run ${fmt(seconds(started), 0)} s`,
    );
  } finally {
    await azurite.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
