import type * as http from 'node:http';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { LOOPBACK } from '../supervisor/ports';
import { EmulatorClient } from './cosmos-http';
import {
  dropTornTail,
  JournalAppender,
  readJournal,
  replaceJournal,
  type JournalContents,
  type JournalEntry,
} from './cosmos-journal';
import { createJournalingProxy } from './cosmos-proxy';
import { countOps, replayJournal, snapshotAsJournal } from './cosmos-replay';
import { RedundancyCounter } from './cosmos-redundancy';
import { installSystemPropertyRestore } from './cosmos-system-properties';

export interface DurableCosmosOptions {
  /** The public port clients use. */
  port: number;
  journalFile: string;
  log: (line: string) => void;
  /** While running, compact once this many journaled ops have become redundant. Default 10,000. */
  compactAfterRedundantOps?: number;
}

export interface DurableCosmos {
  port: number;
  close(): Promise<void>;
}

interface InMemoryEmulator {
  server: http.Server;
  client: EmulatorClient;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** A fresh, empty emulator on a private loopback port of its own. */
async function startInMemoryEmulator(): Promise<InMemoryEmulator> {
  const server = createHttpServer({ keepAlive: true });
  const client = new EmulatorClient(await listen(server, 0));
  return {
    server,
    client,
    close: () =>
      new Promise<void>((resolve) => {
        client.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function loadJournal(
  entries: readonly JournalEntry[],
  log: (line: string) => void,
  label: string,
): Promise<{ emulator: InMemoryEmulator; clean: boolean }> {
  const emulator = await startInMemoryEmulator();
  const report = await replayJournal(emulator.client, entries);
  log(
    `${label}: replayed ${report.ops} operations in ${report.elapsedMs} ms ` +
      `(${report.ignored} already applied, ${report.failed} failed)`,
  );
  for (const failure of report.failures) log(`  replay failure: ${failure}`);
  return { emulator, clean: report.failed === 0 };
}

/**
 * Whether two snapshots hold the same data. With restored system properties they must match
 * exactly, order included; without, the emulator assigns new _rids (which order unordered
 * results), so only the set of resources is compared.
 */
function sameContent(a: JournalEntry[], b: JournalEntry[], exact: boolean): boolean {
  if (exact) return JSON.stringify(a) === JSON.stringify(b);
  const canonical = (entries: JournalEntry[]): string =>
    JSON.stringify(
      entries
        .flatMap((entry) => entry.ops)
        .map((op) => JSON.stringify({ ...op, system: undefined }))
        .sort(),
    );
  return canonical(a) === canonical(b);
}

/**
 * Rewrites the journal as the shortest one that rebuilds `current`, when that is shorter (or
 * the journal ends in a torn write). The compacted journal is first replayed into a second
 * emulator and kept only if both hold the same data; that emulator is then the one served,
 * so what is served is exactly what the next replay of the journal rebuilds.
 */
async function compact(
  current: InMemoryEmulator,
  contents: JournalContents,
  options: DurableCosmosOptions,
  exact: boolean,
): Promise<{ emulator: InMemoryEmulator; journal: JournalEntry[] }> {
  const { journalFile, log } = options;
  const journaledOps = countOps(contents.entries);
  const snapshot = await snapshotAsJournal(current.client);
  const liveOps = countOps(snapshot);
  if (liveOps >= journaledOps && contents.tornTailBytes === 0) {
    return { emulator: current, journal: contents.entries };
  }
  const rebuilt = await loadJournal(snapshot, log, 'compacted journal');
  const same =
    rebuilt.clean && sameContent(await snapshotAsJournal(rebuilt.emulator.client), snapshot, exact);
  if (!same) {
    log('journal: compaction did not reproduce the same data; keeping the journal as it is');
    await rebuilt.emulator.close();
    return { emulator: current, journal: contents.entries };
  }
  replaceJournal(journalFile, snapshot);
  log(`journal: compacted ${journaledOps} operations to ${liveOps}`);
  await current.close();
  return { emulator: rebuilt.emulator, journal: snapshot };
}

/**
 * Keeps a long-running emulator's journal short: once enough appended ops have become
 * redundant, the journal is rewritten from a snapshot taken while mutations wait. Only with
 * restored system properties, since only then does replaying the snapshot rebuild exactly the
 * state being served.
 */
class RuntimeCompaction {
  private running = false;
  private readonly redundancy = new RedundancyCounter();

  constructor(
    journal: readonly JournalEntry[],
    private readonly minRedundantOps: number,
    private readonly compactNow: () => Promise<JournalEntry[]>,
    private readonly log: (line: string) => void,
  ) {
    this.redundancy.reset(journal);
  }

  appended(entry: JournalEntry): void {
    this.redundancy.add([entry]);
    if (this.running || this.redundancy.redundantOps < this.minRedundantOps) return;
    this.running = true;
    const dropped = this.redundancy.redundantOps;
    this.compactNow()
      .then((snapshot) => {
        this.redundancy.reset(snapshot);
        this.log(`journal: compacted while running (about ${dropped} operations dropped)`);
      })
      .catch((error: unknown) =>
        this.log(`journal: compaction while running failed: ${String(error)}`),
      )
      .finally(() => (this.running = false));
  }
}

/**
 * Rebuilds the emulator from the journal, shortens the journal when that pays, and only then
 * opens the public port, so no client ever sees a half-restored database.
 */
export async function startDurableCosmos(options: DurableCosmosOptions): Promise<DurableCosmos> {
  const { journalFile, log } = options;
  const restoresSystemProperties = installSystemPropertyRestore();
  if (!restoresSystemProperties) {
    log('journal: cannot restore _rid/_etag/_ts on this emulator version; they change on restart');
  }
  const contents = readJournal(journalFile);
  if (contents.tornTailBytes > 0) {
    log(`journal: dropping ${contents.tornTailBytes} bytes of an unfinished last write`);
  }
  if (contents.corruptLines > 0) {
    log(`journal: skipping ${contents.corruptLines} unreadable lines (compaction disabled)`);
  }

  const loaded = await loadJournal(contents.entries, log, 'journal');
  let served = loaded.emulator;
  let onDisk = contents.entries;
  if (loaded.clean && contents.corruptLines === 0) {
    ({ emulator: served, journal: onDisk } = await compact(
      served,
      contents,
      options,
      restoresSystemProperties,
    ));
  }
  // The next append must start on a line of its own (a compacted journal has no torn tail).
  if (onDisk === contents.entries) dropTornTail(journalFile, contents);

  const journal = new JournalAppender(journalFile);
  const emulator = served;
  const compaction = new RuntimeCompaction(
    onDisk,
    options.compactAfterRedundantOps ?? 10_000,
    () =>
      proxy.exclusively(async () => {
        const snapshot = await snapshotAsJournal(emulator.client);
        journal.replaceWith(snapshot);
        return snapshot;
      }),
    log,
  );
  const proxy = createJournalingProxy({
    emulator: emulator.client,
    journal,
    log,
    onJournalFailure: (error) => {
      log(`journal write failed, exiting so a restart rebuilds from disk: ${String(error)}`);
      setImmediate(() => process.exit(1));
    },
    onAppended: restoresSystemProperties ? (entry) => compaction.appended(entry) : undefined,
  });
  const port = await listen(proxy.server, options.port);
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        proxy.server.closeAllConnections();
        proxy.server.close(() => resolve());
      });
      journal.close();
      await emulator.close();
    },
  };
}
