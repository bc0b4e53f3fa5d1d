/** Blob storage as the app needs it: whole small objects by container and name. */

export interface BlobProperties {
  etag: string;
  contentType: string | null;
  contentLength: number;
  metadata: Record<string, string>;
}

export interface StoredBlob extends BlobProperties {
  data: Buffer;
}

export interface PutOptions {
  contentType: string;
  metadata?: Record<string, string>;
  cacheControl?: string;
}

export interface BlobStore {
  /** Creates or overwrites; returns the new ETag. */
  put(
    container: string,
    name: string,
    data: Buffer,
    options: PutOptions,
  ): Promise<{ etag: string }>;
  /** Undefined when the blob does not exist. */
  get(container: string, name: string): Promise<StoredBlob | undefined>;
  /** Undefined when the blob does not exist. */
  properties(container: string, name: string): Promise<BlobProperties | undefined>;
  /** Resolves when the service answers; rejects otherwise. */
  ping(): Promise<void>;
}

/** Removing blobs, for deleting an image (kept apart from BlobStore: only deletion needs it). */
export interface BlobRemover {
  /** Names of the blobs under `prefix` in the container. */
  listNames(container: string, prefix: string): Promise<string[]>;
  /** Deletes the blob (and its snapshots); false when it did not exist. */
  remove(container: string, name: string): Promise<boolean>;
}

/** Server-side copies within the account, for an image that reuses its twin's variants. */
export interface BlobCopier {
  /**
   * Copies `sourceName` to `targetName` in the container, properties (content type, cache
   * control) included, without the bytes passing through the app; overwrites the target.
   * False when the source does not exist.
   */
  copy(container: string, sourceName: string, targetName: string): Promise<boolean>;
}
