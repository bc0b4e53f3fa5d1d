import type { JournalEntry, JournalOp } from './cosmos-journal';
import type { EmulatorClient } from './cosmos-http';
import { upsertDocumentOp } from './cosmos-mutations';
import { systemPropertiesOf, withSystemProperties } from './cosmos-system-properties';

export interface ReplayReport {
  ops: number;
  /** Answered 404 or 409: the effect is already there or already gone. */
  ignored: number;
  /** Any other non-2xx answer. Compaction is skipped when this is not zero. */
  failed: number;
  failures: string[];
  elapsedMs: number;
}

/** Statuses a replayed op may get without anything being lost. */
const HARMLESS_ON_REPLAY = new Set([404, 409]);

/** Re-sends every op in journal order; order matters, so one at a time. */
export async function replayJournal(
  client: EmulatorClient,
  entries: readonly JournalEntry[],
): Promise<ReplayReport> {
  const started = Date.now();
  const report: ReplayReport = { ops: 0, ignored: 0, failed: 0, failures: [], elapsedMs: 0 };
  for (const entry of entries) {
    for (const op of entry.ops) {
      report.ops += 1;
      const id = (op.body as { id?: unknown } | undefined)?.id;
      const { status, body } = await withSystemProperties(id, op.system, () =>
        client.json(op.method, op.path, op.body, op.headers),
      );
      if (status >= 200 && status < 300) continue;
      if (HARMLESS_ON_REPLAY.has(status)) {
        report.ignored += 1;
        continue;
      }
      report.failed += 1;
      if (report.failures.length < 5) {
        report.failures.push(`${op.method} ${op.path} -> ${status} ${JSON.stringify(body)}`);
      }
    }
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

interface Resource {
  id: string;
  [key: string]: unknown;
}

interface Container extends Resource {
  partitionKey?: { paths?: string[] };
}

/** Lists a feed completely, following the emulator's continuation header. */
async function readFeed(
  client: EmulatorClient,
  path: string,
  itemsName: string,
): Promise<Resource[]> {
  const items: Resource[] = [];
  let continuation: string | undefined;
  do {
    const headers: Record<string, string> = { 'x-ms-max-item-count': '1000' };
    if (continuation !== undefined) headers['x-ms-continuation'] = continuation;
    const {
      status,
      headers: answerHeaders,
      body,
    } = await client.json('GET', path, undefined, headers);
    if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
    const page = (body as Record<string, unknown>)[itemsName];
    if (Array.isArray(page)) items.push(...(page as Resource[]));
    const next = answerHeaders['x-ms-continuation'];
    continuation = typeof next === 'string' && next !== '' ? next : undefined;
  } while (continuation !== undefined);
  return items;
}

/**
 * Re-creates a database, container or UDF. Every underscore property of these is the
 * emulator's own; the ones a client can see are kept apart to be restored.
 */
function createOp(path: string, resource: Resource): JournalOp {
  const body = Object.fromEntries(Object.entries(resource).filter(([key]) => !key.startsWith('_')));
  const system = systemPropertiesOf(resource);
  return { method: 'POST', path, body, ...(system === undefined ? {} : { system }) };
}

/** The partition key header the SDK would send for this document. */
export function partitionKeyHeaderFor(container: Container, document: Resource): string {
  const keyPath = container.partitionKey?.paths?.[0];
  if (keyPath === undefined || keyPath === '/_partitionKey') return JSON.stringify([document.id]);
  let value: unknown = document;
  for (const segment of keyPath.slice(1).split('/')) {
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[segment]
        : undefined;
  }
  return JSON.stringify([value ?? null]);
}

const DOCUMENTS_PER_ENTRY = 100;

const segment = (id: string): string => encodeURIComponent(id);

/**
 * The emulator's current content as the shortest journal that rebuilds it: each database,
 * container and UDF created once, each live document upserted once, in the emulator's own
 * document order (so unordered queries keep returning documents in the same order).
 */
export async function snapshotAsJournal(client: EmulatorClient): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  for (const database of await readFeed(client, '/dbs', 'Databases')) {
    const dbPath = `/dbs/${segment(database.id)}`;
    entries.push({ ops: [createOp('/dbs', database)] });
    const containers = (await readFeed(
      client,
      `${dbPath}/colls`,
      'DocumentCollections',
    )) as Container[];
    for (const container of containers) {
      const collPath = `${dbPath}/colls/${segment(container.id)}`;
      entries.push({ ops: [createOp(`${dbPath}/colls`, container)] });
      const udfs = await readFeed(client, `${collPath}/udfs`, 'UserDefinedFunctions');
      for (const udf of udfs) {
        entries.push({ ops: [createOp(`${collPath}/udfs`, udf)] });
      }
      const documents = await readFeed(client, `${collPath}/docs`, 'Documents');
      for (let start = 0; start < documents.length; start += DOCUMENTS_PER_ENTRY) {
        const ops: JournalOp[] = documents
          .slice(start, start + DOCUMENTS_PER_ENTRY)
          .map((document) =>
            upsertDocumentOp(
              `${collPath}/docs`,
              document,
              partitionKeyHeaderFor(container, document),
            ),
          );
        entries.push({ ops });
      }
    }
  }
  return entries;
}

export function countOps(entries: readonly JournalEntry[]): number {
  return entries.reduce((total, entry) => total + entry.ops.length, 0);
}
