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
