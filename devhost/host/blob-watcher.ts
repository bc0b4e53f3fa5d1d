/**
 * Blob triggers: polls each watched container and invokes the function once per blob version
 * (name + ETag), like the host's blob scan. Receipts live in storage (`azure-webjobs-hosts`), so a
 * restarted host neither misses nor repeats a blob; a failed invocation is retried, then parked.
 * In Azure the same functions use the Event Grid source; locally the scan stands in for it.
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
}

export interface BlobWatcherOptions {
  functions: RegisteredFunction[];
  invoker: Invoker;
  connectionString: (connectionName: string) => string | undefined;
  clientInput: () => RpcTypedData;
  pollMs: number;
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
        for await (const blob of w.container.listBlobsFlat({
          prefix: w.prefix,
          includeMetadata: true,
        })) {
          const etag = blob.properties.etag ?? '';
          const key = `${blob.name}/${etag.replace(/"/g, '')}`;
          if (w.done.has(key) || w.inFlight.has(key) || !w.pattern.test(blob.name)) continue;
          if (this.running >= this.o.concurrency) break;
          w.inFlight.add(key);
          this.running++;
          void this.fire(w, blob.name, key, blob.properties, blob.metadata ?? {}).finally(() => {
            w.inFlight.delete(key);
            this.running--;
          });
        }
      } catch (err) {
        this.o.log('warn', `Blob scan of ${w.containerName} failed: ${String(err)}`);
      }
    }
    this.timer = setTimeout(() => void this.poll(), this.o.pollMs);
    this.timer.unref?.();
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
      const content = await blobClient.downloadToBuffer(0, undefined, {
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
