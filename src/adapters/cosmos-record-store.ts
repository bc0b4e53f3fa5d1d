/**
 * RecordStore over @azure/cosmos. One container partitioned on `/id`: every read and write is a
 * point operation on one partition; only the listing fans out, newest first.
 */
import { type Container, CosmosClient, type SqlParameter, type SqlQuerySpec } from '@azure/cosmos';
import type { CosmosConfig } from '../config';
import { defaultAzureCredential } from './azure-credential';
import { AppError } from '../domain/errors';
import { type ImageRecord, isImageStatus, toImageRecord } from '../domain/record';
import type { RecordFilter, RecordRef } from '../domain/reprocess/filter';
import type {
  ConditionalRecordStore,
  FindOptions,
  LifecycleFinder,
  ListOptions,
  RecordFinder,
  RecordPage,
  RecordStore,
  StalledRef,
} from '../ports/record-store';

const PING_TIMEOUT_MS = 5000;

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

export function createCosmosClient(config: CosmosConfig): CosmosClient {
  // Emulators advertise an https:// endpoint they do not serve; over plain http the configured
  // endpoint is the only one, so discovery is off. Real accounts (always https) keep it for
  // regional failover.
  const connectionPolicy = config.endpoint.startsWith('http://')
    ? { enableEndpointDiscovery: false }
    : undefined;
  const auth =
    config.key === undefined ? { aadCredentials: defaultAzureCredential() } : { key: config.key };
  return new CosmosClient({
    endpoint: config.endpoint,
    ...auth,
    ...(connectionPolicy === undefined ? {} : { connectionPolicy }),
  });
}

/**
 * The query behind `find`: one condition per filter field, values as parameters only. A single
 * ORDER BY property, because ordering on two needs a composite index the container does not
 * declare; continuation tokens keep ties on `createdAt` in a stable order across pages.
 */
export function findQuerySpec(filter: RecordFilter): SqlQuerySpec {
  const conditions: string[] = [];
  const parameters: SqlParameter[] = [];
  const where = (condition: string, name: string, value: SqlParameter['value']): void => {
    conditions.push(condition);
    parameters.push({ name, value });
  };
  if (filter.statuses !== undefined) {
    where('ARRAY_CONTAINS(@statuses, c.status)', '@statuses', filter.statuses);
  }
  if (filter.analysisStatus !== undefined) {
    where('c.analysis.status = @analysisStatus', '@analysisStatus', filter.analysisStatus);
  }
  if (filter.createdFrom !== undefined) {
    where('c.createdAt >= @createdFrom', '@createdFrom', filter.createdFrom);
  }
  if (filter.createdTo !== undefined) {
    where('c.createdAt <= @createdTo', '@createdTo', filter.createdTo);
  }
  if (filter.ids !== undefined) where('ARRAY_CONTAINS(@ids, c.id)', '@ids', filter.ids);
  const clause = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  return {
    query: `SELECT c.id, c.createdAt, c.status, c.processingVersion FROM c${clause} ORDER BY c.createdAt ASC`,
    parameters,
  };
}

function toRecordRef(row: Record<string, unknown>): RecordRef | undefined {
  const { id, createdAt, status, processingVersion } = row;
  if (typeof id !== 'string' || typeof createdAt !== 'string' || !isImageStatus(status)) {
    return undefined;
  }
  const version =
    typeof processingVersion === 'number' && Number.isSafeInteger(processingVersion)
      ? processingVersion
      : 1;
  return { id, createdAt, status, processingVersion: Math.max(1, version) };
}

/**
 * The twin query: same bytes, same processing spec, Completed, and never reprocessed (a
 * reprocessing may have produced results under another spec). Oldest first, so every later
 * upload of the same bytes reuses the same original.
 */
export function twinQuerySpec(sha256: string, processingSpec: string, excludeId: string) {
  return {
    query:
      'SELECT TOP 1 * FROM c WHERE c.source.sha256 = @sha256 AND c.processingSpec = @spec ' +
      "AND c.status = 'Completed' AND c.id != @id AND NOT IS_DEFINED(c.reprocessings) " +
      'ORDER BY c.createdAt ASC',
    parameters: [
      { name: '@sha256', value: sha256 },
      { name: '@spec', value: processingSpec },
      { name: '@id', value: excludeId },
    ],
  } satisfies SqlQuerySpec;
}

function toStalledRef(row: Record<string, unknown>): StalledRef | undefined {
  const { id, status, createdAt, updatedAt } = row;
  if (typeof id !== 'string' || typeof createdAt !== 'string' || typeof updatedAt !== 'string') {
    return undefined;
  }
  if (status !== 'Accepted' && status !== 'Processing') return undefined;
  return { id, status, createdAt, updatedAt };
}

export function createCosmosRecordStore(
  client: CosmosClient,
  config: CosmosConfig,
): RecordStore & RecordFinder & ConditionalRecordStore & LifecycleFinder {
  let ready: Promise<Container> | undefined;

  const open = async (): Promise<Container> => {
    try {
      const { database } = await client.databases.createIfNotExists({ id: config.database });
      const { container } = await database.containers.createIfNotExists({
        id: config.container,
        partitionKey: { paths: ['/id'] },
      });
      return container;
    } catch (error) {
      // With Entra ID, data-plane roles cannot create databases; infrastructure did that.
      if (statusCodeOf(error) === 403) {
        return client.database(config.database).container(config.container);
      }
      throw error;
    }
  };

  const container = (): Promise<Container> => {
    ready ??= open().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  /** One page of a query, resuming from a token the store returned. */
  const fetchPage = async (query: SqlQuerySpec, limit: number, continuationToken?: string) =>
    (await container()).items
      .query<Record<string, unknown>>(query, {
        maxItemCount: limit,
        ...(continuationToken === undefined ? {} : { continuationToken }),
      })
      .fetchNext();

  return {
    async get(id: string): Promise<ImageRecord | undefined> {
      const { resource } = await (await container()).item(id, id).read<Record<string, unknown>>();
      return resource === undefined ? undefined : toImageRecord(resource);
    },

    async insertIfAbsent(record: ImageRecord): Promise<boolean> {
      try {
        await (await container()).items.create(record);
        return true;
      } catch (error) {
        if (statusCodeOf(error) === 409) return false;
        throw error;
      }
    },

    async upsert(record: ImageRecord): Promise<void> {
      await (await container()).items.upsert(record);
    },

    async list(options: ListOptions): Promise<RecordPage> {
      const query: SqlQuerySpec =
        options.status === undefined
          ? { query: 'SELECT * FROM c ORDER BY c.createdAt DESC' }
          : {
              query: 'SELECT * FROM c WHERE c.status = @status ORDER BY c.createdAt DESC',
              parameters: [{ name: '@status', value: options.status }],
            };
      try {
        const page = await fetchPage(query, options.limit, options.continuationToken);
        const items = page.resources
          .map(toImageRecord)
          .filter((record): record is ImageRecord => record !== undefined);
        return { items, continuationToken: page.continuationToken ?? null };
      } catch (error) {
        const rejectedToken =
          options.continuationToken !== undefined &&
          (statusCodeOf(error) === 400 || error instanceof SyntaxError);
        if (rejectedToken) {
          throw new AppError(
            'INVALID_QUERY',
            'continuationToken is not a token this API returned',
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    },

    async find(filter: RecordFilter, options: FindOptions) {
      const page = await fetchPage(findQuerySpec(filter), options.limit, options.continuationToken);
      const items = page.resources
        .map(toRecordRef)
        .filter((ref): ref is RecordRef => ref !== undefined);
      return { items, continuationToken: page.continuationToken ?? null };
    },

    async read(id: string) {
      const { resource } = await (await container()).item(id, id).read<Record<string, unknown>>();
      if (resource === undefined) return undefined;
      const record = toImageRecord(resource);
      const etag = resource._etag;
      if (record === undefined || typeof etag !== 'string') return undefined;
      return { record, etag };
    },

    async replaceIf(record: ImageRecord, etag: string): Promise<boolean> {
      try {
        await (
          await container()
        )
          .item(record.id, record.id)
          .replace(record, { accessCondition: { type: 'IfMatch', condition: etag } });
        return true;
      } catch (error) {
        // 412: another write came first; 404: the record was deleted meanwhile.
        const status = statusCodeOf(error);
        if (status === 412 || status === 404) return false;
        throw error;
      }
    },

    async remove(id: string): Promise<boolean> {
      try {
        await (await container()).item(id, id).delete();
        return true;
      } catch (error) {
        if (statusCodeOf(error) === 404) return false;
        throw error;
      }
    },

    async findTwin(query) {
      const page = await fetchPage(
        twinQuerySpec(query.sha256, query.processingSpec, query.excludeId),
        1,
      );
      const first = page.resources[0];
      return first === undefined ? undefined : toImageRecord(first);
    },

    async findStalled(updatedTo: string, options: FindOptions) {
      const page = await fetchPage(
        {
          query:
            'SELECT c.id, c.status, c.createdAt, c.updatedAt FROM c ' +
            "WHERE (c.status = 'Accepted' OR c.status = 'Processing') AND c.updatedAt <= @updatedTo " +
            'ORDER BY c.updatedAt ASC',
          parameters: [{ name: '@updatedTo', value: updatedTo }],
        },
        options.limit,
        options.continuationToken,
      );
      const items = page.resources
        .map(toStalledRef)
        .filter((ref): ref is StalledRef => ref !== undefined);
      return { items, continuationToken: page.continuationToken ?? null };
    },

    async ping(): Promise<void> {
      await (await container()).read({ abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) });
    },
  };
}
