/** In-memory ports for unit tests: same contracts as the Azure adapters, no emulator needed. */
import { createHash } from 'node:crypto';
import type { ImageRecord } from '../../../src/domain/record';
import type {
  BlobProperties,
  BlobStore,
  PutOptions,
  StoredBlob,
} from '../../../src/ports/blob-store';
import type {
  ConditionalRecordStore,
  ListOptions,
  RecordPage,
  RecordStore,
  VersionedRecord,
} from '../../../src/ports/record-store';

export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, StoredBlob>();
  healthy = true;
  private version = 0;

  put(container: string, name: string, data: Buffer, options: PutOptions) {
    this.version += 1;
    const etag = `"0x${createHash('sha1').update(`${this.version}`).digest('hex').slice(0, 15).toUpperCase()}"`;
    this.blobs.set(`${container}/${name}`, {
      data: Buffer.from(data),
      etag,
      contentType: options.contentType,
      contentLength: data.length,
      metadata: { ...(options.metadata ?? {}) },
    });
    return Promise.resolve({ etag });
  }

  get(container: string, name: string): Promise<StoredBlob | undefined> {
    return Promise.resolve(this.blobs.get(`${container}/${name}`));
  }

  properties(container: string, name: string): Promise<BlobProperties | undefined> {
    const blob = this.blobs.get(`${container}/${name}`);
    if (blob === undefined) return Promise.resolve(undefined);
    const { data: _data, ...properties } = blob;
    return Promise.resolve(properties);
  }

  ping(): Promise<void> {
    return this.healthy ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED'));
  }
}

export class MemoryRecordStore implements RecordStore, ConditionalRecordStore {
  readonly records = new Map<string, ImageRecord>();
  healthy = true;
  writes = 0;
  /** Conditional writes refused because the stored version had changed. */
  conflicts = 0;
  /** Runs right after each read() with the ETag: lets a test slip a write in between. */
  afterRead: ((id: string) => Promise<void>) | undefined;

  /** The stored version's ETag: a digest of the stored document, like a content version. */
  private etagOf(record: ImageRecord): string {
    return createHash('sha1').update(JSON.stringify(record)).digest('hex');
  }

  async read(id: string): Promise<VersionedRecord | undefined> {
    const record = this.records.get(id);
    if (record === undefined) return undefined;
    const versioned = { record: structuredClone(record), etag: this.etagOf(record) };
    if (this.afterRead !== undefined) await this.afterRead(id);
    return versioned;
  }

  replaceIf(record: ImageRecord, etag: string): Promise<boolean> {
    const stored = this.records.get(record.id);
    if (stored === undefined || this.etagOf(stored) !== etag) {
      this.conflicts += 1;
      return Promise.resolve(false);
    }
    this.writes += 1;
    this.records.set(record.id, structuredClone(record));
    return Promise.resolve(true);
  }

  remove(id: string): Promise<boolean> {
    return Promise.resolve(this.records.delete(id));
  }

  get(id: string): Promise<ImageRecord | undefined> {
    const record = this.records.get(id);
    return Promise.resolve(record === undefined ? undefined : structuredClone(record));
  }

  insertIfAbsent(record: ImageRecord): Promise<boolean> {
    if (this.records.has(record.id)) return Promise.resolve(false);
    this.writes += 1;
    this.records.set(record.id, structuredClone(record));
    return Promise.resolve(true);
  }

  upsert(record: ImageRecord): Promise<void> {
    this.writes += 1;
    this.records.set(record.id, structuredClone(record));
    return Promise.resolve();
  }

  list(options: ListOptions): Promise<RecordPage> {
    const all = [...this.records.values()]
      .filter((record) => options.status === undefined || record.status === options.status)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const start = options.continuationToken === undefined ? 0 : Number(options.continuationToken);
    const items = all.slice(start, start + options.limit);
    const next = start + options.limit;
    return Promise.resolve({
      items: structuredClone(items),
      continuationToken: next < all.length ? String(next) : null,
    });
  }

  ping(): Promise<void> {
    return this.healthy ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED'));
  }
}
