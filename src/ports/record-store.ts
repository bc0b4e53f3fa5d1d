/** Image records, keyed and partitioned by image id. */
import type { ImageRecord, ImageStatus } from '../domain/record';

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
