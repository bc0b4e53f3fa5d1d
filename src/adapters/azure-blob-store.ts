/**
 * BlobStore over @azure/storage-blob: a connection string (Azurite, keys) or an account URL with
 * DefaultAzureCredential (managed identity in Azure). Containers are created on first use, once
 * per process, so a fresh storage account needs no setup step.
 */
import { containerInitializer } from './ensure-container';
import { BlobServiceClient, RestError } from '@azure/storage-blob';
import type { StorageConfig } from '../config';
import { defaultAzureCredential } from './azure-credential';
import type {
  BlobCopier,
  BlobProperties,
  BlobRemover,
  BlobStore,
  PutOptions,
  StoredBlob,
} from '../ports/blob-store';
import { ByteBudgetCache } from './read-through-cache';

const PING_TIMEOUT_MS = 5000;

function isNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

export function createBlobServiceClient(config: StorageConfig): BlobServiceClient {
  return config.kind === 'connectionString'
    ? BlobServiceClient.fromConnectionString(config.connectionString)
    : new BlobServiceClient(config.accountUrl, defaultAzureCredential());
}

export function createAzureBlobStore(
  service: BlobServiceClient,
  options: {
    pingContainer: string;
    /** Containers whose reads are cached in memory (revalidated by ETag on every read). */
    cachedContainers?: string[];
    cacheBytes?: number;
  },
): BlobStore & BlobRemover & BlobCopier {
  const cache = new ByteBudgetCache(options.cacheBytes ?? 128 * 1024 * 1024);
  const cached = new Set(options.cachedContainers ?? []);
  const ensureContainer = containerInitializer(service);

  const toProperties = (response: {
    etag?: string;
    contentType?: string;
    contentLength?: number;
    metadata?: Record<string, string>;
  }): BlobProperties => ({
    etag: response.etag ?? '',
    contentType: response.contentType ?? null,
    contentLength: response.contentLength ?? 0,
    metadata: response.metadata ?? {},
  });

  return {
    async put(container: string, name: string, data: Buffer, put: PutOptions) {
      await ensureContainer(container);
      const response = await service
        .getContainerClient(container)
        .getBlockBlobClient(name)
        .uploadData(data, {
          blobHTTPHeaders: {
            blobContentType: put.contentType,
            ...(put.cacheControl === undefined ? {} : { blobCacheControl: put.cacheControl }),
          },
          ...(put.metadata === undefined ? {} : { metadata: put.metadata }),
        });
      if (response.etag === undefined)
        throw new Error(`Upload of ${container}/${name} gave no ETag`);
      return { etag: response.etag };
    },

    async get(container: string, name: string): Promise<StoredBlob | undefined> {
      const key = `${container}/${name}`;
      const known = cached.has(container) ? cache.get(key) : undefined;
      try {
        const response = await service
          .getContainerClient(container)
          .getBlobClient(name)
          .download(0, undefined, known ? { conditions: { ifNoneMatch: known.etag } } : {});
        if (response.readableStreamBody === undefined) {
          throw new Error(`Download of ${container}/${name} returned no body`);
        }
        const data = await readAll(response.readableStreamBody);
        const blob = { ...toProperties(response), contentLength: data.length, data };
        if (cached.has(container)) cache.set(key, blob);
        return blob;
      } catch (error) {
        if (known && error instanceof RestError && error.statusCode === 304) return known;
        if (isNotFound(error)) {
          cache.delete(key);
          return undefined;
        }
        throw error;
      }
    },

    async properties(container: string, name: string): Promise<BlobProperties | undefined> {
      try {
        return toProperties(
          await service.getContainerClient(container).getBlobClient(name).getProperties(),
        );
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async listNames(container: string, prefix: string): Promise<string[]> {
      const names: string[] = [];
      try {
        for await (const item of service.getContainerClient(container).listBlobsFlat({ prefix })) {
          names.push(item.name);
        }
      } catch (error) {
        // A container nobody wrote to yet holds nothing.
        if (isNotFound(error)) return [];
        throw error;
      }
      return names;
    },

    async remove(container: string, name: string): Promise<boolean> {
      cache.delete(`${container}/${name}`);
      const response = await service
        .getContainerClient(container)
        .getBlobClient(name)
        .deleteIfExists({ deleteSnapshots: 'include' });
      return response.succeeded;
    },

    async copy(container: string, sourceName: string, targetName: string): Promise<boolean> {
      const client = service.getContainerClient(container);
      const source = client.getBlobClient(sourceName);
      try {
        // Copy Blob within one account: the service copies, authorized by the same credential.
        const poller = await client.getBlobClient(targetName).beginCopyFromURL(source.url);
        const result = await poller.pollUntilDone();
        if (result.copyStatus !== 'success') {
          throw new Error(`Copy of ${container}/${sourceName} ended ${result.copyStatus}`);
        }
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },

    async ping(): Promise<void> {
      await service
        .getContainerClient(options.pingContainer)
        .exists({ abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) });
    },
  };
}
