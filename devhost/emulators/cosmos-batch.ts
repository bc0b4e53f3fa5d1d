/**
 * Batch requests (transactional batches and bulk) need help before they reach the emulator:
 * it applies operations one by one and stops at the first it does not know, leaving earlier
 * ones applied, and it expects each operation to carry its own partition key.
 */
import type { ProxiedRequest } from './cosmos-mutations';

/** What the emulator's batch handler supports (no Patch); anything else is refused up front. */
const BATCH_OPERATION_TYPES = new Set(['Create', 'Upsert', 'Read', 'Delete', 'Replace']);

export interface BatchOperation {
  operationType?: unknown;
  partitionKey?: unknown;
}

export function batchOperations(request: ProxiedRequest): BatchOperation[] | undefined {
  const value = request.headers['x-ms-cosmos-is-batch-request'];
  if (typeof value !== 'string' || value.toLowerCase() !== 'true') return undefined;
  try {
    const operations = JSON.parse(request.body.toString('utf8')) as unknown;
    return Array.isArray(operations) ? (operations as BatchOperation[]) : undefined;
  } catch {
    return undefined;
  }
}

export function unsupportedBatchOperation(
  operations: readonly BatchOperation[],
): string | undefined {
  for (const operation of operations) {
    const type = String(operation.operationType);
    if (!BATCH_OPERATION_TYPES.has(type)) return type;
  }
  return undefined;
}

/**
 * A transactional batch carries its partition key in a header, but the emulator reads it
 * from each operation (and fails without it): copy it down.
 */
export function withOperationPartitionKeys(
  request: ProxiedRequest,
  operations: readonly BatchOperation[],
): ProxiedRequest {
  const partitionKey = request.headers['x-ms-documentdb-partitionkey'];
  if (typeof partitionKey !== 'string') return request;
  if (operations.every((operation) => operation.partitionKey !== undefined)) return request;
  const completed = operations.map((operation) =>
    operation.partitionKey === undefined ? { ...operation, partitionKey } : operation,
  );
  return { ...request, body: Buffer.from(JSON.stringify(completed), 'utf8') };
}
