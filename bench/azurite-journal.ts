/**
 * What Azurite's metadata journal costs (devhost/emulators/loki-journal.ts): the same storage
 * work an image causes in devhost (one upload, three variant blobs, a receipt blob, four task-hub
 * table transactions), against Azurite with and without the journal, alternating rounds in one
 * run. Prints images/s and Azurite's CPU-ms per image for each, and their ratios (medians).
 *
 * Run: npm run build && node dist/bench/azurite-journal.js   (BENCH_IMAGES, BENCH_ROUNDS)
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TableClient, TableTransaction } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '../devhost/emulators/azurite';
import { findFreePorts } from '../devhost/supervisor/ports';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 150);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 8;

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

async function round(journal: boolean): Promise<{ perSecond: number; cpuPerImage: number }> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'bench-azurite-'));
  const [blobPort, queuePort, tablePort] = (await findFreePorts(3)) as [number, number, number];
  const azurite = await startAzurite({ stateDir, blobPort, queuePort, tablePort, journal });
  try {
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const incoming = blobs.getContainerClient('incoming');
    const variants = blobs.getContainerClient('variants');
    await incoming.createIfNotExists();
    await variants.createIfNotExists();
    const hub = TableClient.fromConnectionString(azurite.connectionString, 'hub', {
      allowInsecureConnection: true,
    });
    await hub.createTable();
    const source = Buffer.alloc(400_000, 7);
    const variant = Buffer.alloc(40_000, 9);
    const history = 'x'.repeat(2_000);
    const one = async (i: number): Promise<void> => {
      await incoming.getBlockBlobClient(`img-${i}`).upload(source, source.length);
      for (let step = 0; step < 4; step++) {
        const tx = new TableTransaction();
        for (let r = 0; r < 6; r++)
          tx.upsertEntity({ partitionKey: `img-${i}`, rowKey: `H-${step}-${r}`, Data: history });
        await hub.submitTransaction(tx.actions);
      }
      for (const name of ['thumb', 'medium', 'large'])
        await variants.getBlockBlobClient(`img-${i}/${name}`).upload(variant, variant.length);
      await incoming.getBlockBlobClient(`receipts/img-${i}`).upload('', 0);
    };
    const pid = azurite.child.pid ?? 0;
    const cpuBefore = cpuMs(pid);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < IMAGES) await one(next++);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: IMAGES / seconds, cpuPerImage: (cpuMs(pid) - cpuBefore) / IMAGES };
  } finally {
    await azurite.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function main(): Promise<void> {
  const withJ: { perSecond: number; cpuPerImage: number }[] = [];
  const without: { perSecond: number; cpuPerImage: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    without.push(await round(false));
    withJ.push(await round(true));
  }
  const row = (name: string, xs: typeof withJ): string =>
    `${name.padEnd(22)} ${median(xs.map((x) => x.perSecond)).toFixed(1)} images/s   ` +
    `Azurite ${median(xs.map((x) => x.cpuPerImage)).toFixed(1)} CPU-ms/image`;
  console.log(`${IMAGES} images' storage work, ${ROUNDS} rounds each, medians`);
  console.log(row('Azurite alone', without));
  console.log(row('Azurite + journal', withJ));
  console.log(
    `ratio journal/alone: throughput ${(median(withJ.map((x) => x.perSecond)) / median(without.map((x) => x.perSecond))).toFixed(2)}, ` +
      `CPU ${(median(withJ.map((x) => x.cpuPerImage)) / median(without.map((x) => x.cpuPerImage))).toFixed(2)}`,
  );
}

void main();
