/** Image records, keyed and partitioned by image id. */
import type { ImageRecord, ImageStatus } from '../domain/record';
import type { RecordFilter, RecordRefPage } from '../domain/reprocess/filter';

export interface ListOptions {
  status?: ImageStatus;
  limit: number;
  /** The store's own continuation token, as it returned it. */
  continuationToken?: string;
}

export interface RecordPage {
  items: ImageRecord[];
  continuationToken: string | null;
}

export interface RecordStore {
  get(id: string): Promise<ImageRecord | undefined>;
  /** Creates the record unless one with that id exists; returns whether it created it. */
  insertIfAbsent(record: ImageRecord): Promise<boolean>;
  upsert(record: ImageRecord): Promise<void>;
  /** Newest first. */
  list(options: ListOptions): Promise<RecordPage>;
  ping(): Promise<void>;
}

export interface FindOptions {
  /** At most this many refs per page. */
  limit: number;
  /** The store's own continuation token, as it returned it. */
  continuationToken?: string;
}

/** Searches records by what they are, for batch reprocessing and the deferred-analysis sweep. */
export interface RecordFinder {
  /** The records matching the filter, oldest first by `createdAt`, a page at a time. */
  find(filter: RecordFilter, options: FindOptions): Promise<RecordRefPage>;
}

/** A stored record with the ETag of the stored version. */
export interface VersionedRecord {
  record: ImageRecord;
  etag: string;
}

/**
 * Record writes that cannot erase a concurrent one: read with the ETag, then replace only if
 * the stored version is still that one. Every read-modify-write of a record goes through here.
 */
export interface ConditionalRecordStore {
  read(id: string): Promise<VersionedRecord | undefined>;
  /** Creates the record unless one with that id exists; returns whether it created it. */
  insertIfAbsent(record: ImageRecord): Promise<boolean>;
  /** Replaces the record if its stored ETag is still `etag`; false when another write won. */
  replaceIf(record: ImageRecord, etag: string): Promise<boolean>;
  /** Deletes the record; false when there was none. */
  remove(id: string): Promise<boolean>;
}

/** A record that may be reused for an upload of the same bytes. */
export interface TwinQuery {
  sha256: string;
  /** The processing spec the twin must have been processed under (see processing-spec.ts). */
  processingSpec: string;
  /** The image asking; never its own twin. */
  excludeId: string;
}

/** Minimal facts about a record that may have stalled. */
export interface StalledRef {
  id: string;
  status: 'Accepted' | 'Processing';
  createdAt: string;
  updatedAt: string;
}

/** Searches for the image lifecycle: twins by content hash, stalled records. */
export interface LifecycleFinder {
  /** The oldest Completed, never-reprocessed record with these bytes and this spec. */
  findTwin(query: TwinQuery): Promise<ImageRecord | undefined>;
  /** Records Accepted or Processing, last updated at or before `updatedTo`, oldest first. */
  findStalled(
    updatedTo: string,
    options: FindOptions,
  ): Promise<{
    items: StalledRef[];
    continuationToken: string | null;
  }>;
}
