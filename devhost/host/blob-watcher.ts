/**
 * Blob triggers: invokes the function once per blob version (name + ETag), like the host's blob
 * scan. Receipts live in storage (`azure-webjobs-hosts`), so a restarted host neither misses nor
 * repeats a blob; a failed invocation is retried, then parked. In Azure the same functions use
 * the Event Grid source; locally the scan stands in for it.
 *
 * The cost of a poll does not grow with the container. Each poll reads two things:
 * - the tail: blobs named at or after a cursor (`startFrom`), the oldest name not yet done.
 *   Names the app hands out sort by time, so the tail holds only what is new or still running;
 * - one page of a rolling rescan of the whole container (`DEVHOST_BLOB_RESCAN_PAGE` names every
 *   `DEVHOST_BLOB_RESCAN_MS`), which finds what the tail cannot: a blob written under a name that
 *   sorts before the cursor (a late PUT to an upload URL handed out earlier, any other name) or a
 *   new version of an old blob. A full pass takes container size / page × interval.
 * Crash safety rests on the receipts, not on the cursor: a new process starts with no cursor, so
 * its first tail read covers the whole container once, and anything written while no host ran
 * is found there.
 */
import { BlobServiceClient, type BlobItem, type ContainerClient } from '@azure/storage-blob';
import { clientInputs } from './durable-invoker';
import type { RegisteredFunction, RpcTypedData } from './functions-core';
import type { Invoker } from './invoke';

const MAX_ATTEMPTS = 5;

interface Watch {
  fn: RegisteredFunction;
  container: ContainerClient;
  receipts: ContainerClient;
  prefix: string;
  pattern: RegExp;
  names: string[];
  containerName: string;
  done: Set<string>;
  attempts: Map<string, number>;
  inFlight: Set<string>;
  /** The tail starts here: the oldest name seen not yet done (undefined: the whole container). */
  cursor: string | undefined;
  /** Where the rolling rescan goes on (the listing's own continuation token). */
  rescanMarker: string | undefined;
  lastRescanAt: number;
}

export interface BlobWatcherOptions {
  functions: RegisteredFunction[];
  invoker: Invoker;
  connectionString: (connectionName: string) => string | undefined;
  clientInput: () => RpcTypedData;
  pollMs: number;
  /** How many names one rescan step reads, and how often it runs. */
  rescanPage: number;
  rescanMs: number;
  concurrency: number;
  hostId: string;
  log: (level: string, message: string) => void;
}

function compilePath(blobPath: string): { prefix: string; pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const firstBrace = blobPath.indexOf('{');
  const prefix = firstBrace < 0 ? blobPath : blobPath.slice(0, firstBrace);
  const source = blobPath
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return `(?<${m[1]}>.+?)`;
    })
    .join('');
  return { prefix, pattern: new RegExp(`^${source}$`), names };
}

export class BlobWatcher {
  private readonly watches: Watch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private stopped = false;

  constructor(private readonly o: BlobWatcherOptions) {}

  async start(): Promise<void> {
    for (const fn of this.o.functions) {
      const connectionName = String(fn.trigger.connection ?? 'AzureWebJobsStorage');
      const conn = this.o.connectionString(connectionName);
      if (!conn) {
        this.o.log(
          'error',
          `Blob trigger ${fn.name}: app setting '${connectionName}' is not set; the trigger is disabled.`,
        );
        continue;
      }
      const service = BlobServiceClient.fromConnectionString(conn);
      const full = String(fn.trigger.path ?? '');
      const slash = full.indexOf('/');
      const containerName = slash < 0 ? full : full.slice(0, slash);
      const { prefix, pattern, names } = compilePath(slash < 0 ? '{name}' : full.slice(slash + 1));
      const container = service.getContainerClient(containerName);
      const receipts = service.getContainerClient('azure-webjobs-hosts');
      await container.createIfNotExists();
      await receipts.createIfNotExists();
      const watch: Watch = {
        fn,
        container,
        receipts,
        prefix,
        pattern,
        names,
        containerName,
        done: new Set(),
        attempts: new Map(),
        inFlight: new Set(),
        cursor: undefined,
        rescanMarker: undefined,
        lastRescanAt: Date.now(),
      };
      for await (const blob of receipts.listBlobsFlat({ prefix: this.receiptPrefix(watch) })) {
        watch.done.add(blob.name.slice(this.receiptPrefix(watch).length));
      }
      this.watches.push(watch);
    }
    await this.poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private receiptPrefix(w: Watch): string {
    return `blobreceipts/${this.o.hostId}/${w.fn.name}/${w.containerName}/`;
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    for (const w of this.watches) {
      try {
        await this.readTail(w);
        if (Date.now() - w.lastRescanAt >= this.o.rescanMs) {
          w.lastRescanAt = Date.now();
          await this.rescanStep(w);
        }
      } catch (err) {
        this.o.log('warn', `Blob scan of ${w.containerName} failed: ${String(err)}`);
      }
    }
    this.timer = setTimeout(() => void this.poll(), this.o.pollMs);
    this.timer.unref?.();
  }

  /** Blobs named at or after the cursor; moves the cursor to the oldest one not yet done. */
  private async readTail(w: Watch): Promise<void> {
    let oldestPending: string | undefined;
    let last: string | undefined;
    for await (const blob of w.container.listBlobsFlat({
      prefix: w.prefix,
      includeMetadata: true,
      ...(w.cursor === undefined ? {} : { startFrom: w.cursor }),
    })) {
      last = blob.name;
      const state = this.consider(w, blob);
      if (state === 'pending' && oldestPending === undefined) oldestPending = blob.name;
      if (state === 'full') {
        oldestPending ??= blob.name;
        break;
      }
    }
    // Never past a name that is not done: the next read starts with it again.
    const next = oldestPending ?? last;
    if (next !== undefined && (w.cursor === undefined || next > w.cursor)) w.cursor = next;
  }

  /** One page of the rolling pass over the whole container. */
  private async rescanStep(w: Watch): Promise<void> {
    const pages = w.container
      .listBlobsFlat({ prefix: w.prefix, includeMetadata: true })
      .byPage({ maxPageSize: this.o.rescanPage, continuationToken: w.rescanMarker });
    for await (const page of pages) {
      for (const blob of page.segment.blobItems) {
        if (this.consider(w, blob) === 'full') return; // this page again next time
      }
      w.rescanMarker = page.continuationToken || undefined;
      return;
    }
    w.rescanMarker = undefined;
  }

  /**
   * Starts the function for a blob version not yet done. `pending`: not done yet (started now,
   * running, or waiting for a retry); `full`: not started, every slot is busy.
   */
  private consider(w: Watch, blob: BlobItem): 'done' | 'pending' | 'full' {
    if (!w.pattern.test(blob.name)) return 'done';
    const etag = blob.properties.etag ?? '';
    const key = `${blob.name}/${etag.replace(/"/g, '')}`;
    if (w.done.has(key)) return 'done';
    if (w.inFlight.has(key)) return 'pending';
    if (this.running >= this.o.concurrency) return 'full';
    w.inFlight.add(key);
    this.running++;
    void this.fire(w, blob.name, key, blob.properties, blob.metadata ?? {}).finally(() => {
      w.inFlight.delete(key);
      this.running--;
    });
    return 'pending';
  }

  private async fire(
    w: Watch,
    blobName: string,
    key: string,
    listed: BlobItem['properties'],
    userMetadata: Record<string, string>,
  ): Promise<void> {
    const blobClient = w.container.getBlobClient(blobName);
    try {
      // Read exactly the version the scan saw: a newer write is a new version with its own run.
      // The listed length spares the SDK a properties request before the download.
      const length = listed.contentLength ?? 0;
      const content = await blobClient.downloadToBuffer(0, length > 0 ? length : undefined, {
        conditions: { ifMatch: listed.etag },
      });
      const props = { ...listed, metadata: userMetadata };
      const match = w.pattern.exec(blobName);
      const metadata: Record<string, RpcTypedData> = {
        BlobTrigger: { string: `${w.containerName}/${blobName}` },
        Uri: { string: blobClient.url },
        Properties: {
          json: JSON.stringify({
            ETag: props.etag,
            ContentType: props.contentType,
            ContentLength: props.contentLength,
            LastModified: props.lastModified,
            CreatedOn: props.createdOn,
            BlobType: props.blobType,
            ContentMD5: props.contentMD5
              ? Buffer.from(props.contentMD5).toString('base64')
              : undefined,
          }),
        },
        Metadata: { json: JSON.stringify(props.metadata ?? {}) },
      };
      for (const n of w.names) metadata[n] = { string: match?.groups?.[n] ?? '' };
      await this.o.invoker.invoke(w.fn, {
        inputData: [
          { name: w.fn.triggerName, data: { bytes: content } },
          ...clientInputs(w.fn, this.o.clientInput),
        ],
        triggerMetadata: metadata,
      });
      await this.writeReceipt(w, key, 'done');
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 412) {
        w.done.add(key); // deleted or replaced before we got to it; a replacement is its own version
        return;
      }
      const attempts = (w.attempts.get(key) ?? 0) + 1;
      w.attempts.set(key, attempts);
      this.o.log(
        'error',
        `Blob trigger ${w.fn.name} failed for ${blobName} (attempt ${attempts}/${MAX_ATTEMPTS}): ${(err as Error).stack ?? String(err)}`,
      );
      if (attempts >= MAX_ATTEMPTS) {
        this.o.log(
          'error',
          `Blob trigger ${w.fn.name}: giving up on ${blobName}; recorded as poison.`,
        );
        await this.writeReceipt(w, key, 'poison').catch(() => undefined);
      }
    }
  }

  private async writeReceipt(w: Watch, key: string, outcome: string): Promise<void> {
    await w.receipts
      .getBlockBlobClient(this.receiptPrefix(w) + key)
      .upload('', 0, { metadata: { outcome } });
    w.done.add(key);
  }
}
