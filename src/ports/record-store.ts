/** Image records, keyed and partitioned by image id. */
import type { ImageRecord, ImageStatus } from '../domain/record';
import type { RecordFilter, RecordRefPage } from '../domain/reprocess-filter';

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
