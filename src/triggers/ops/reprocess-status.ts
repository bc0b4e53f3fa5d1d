/**
 * HTTP trigger `opsGetReprocess`: `GET /api/ops/reprocess/{batchId}` (function key), with a
 * durable client input.
 *
 * Input: route `batchId`, as `POST /api/ops/reprocess` returned it.
 * Output: `200 BatchView` `{ batchId, status, total, completed, failed, running, notStarted,
 *   cancelRequested, steps, createdAt, lastUpdatedAt }`; `status` is Running, Completed,
 *   Canceled or Failed. `404 NOT_FOUND` for an unknown batch.
 * Idempotency key: read-only.
 * Retry policy: none.
 */
import type { InvocationContext } from '@azure/functions';
import { batchView } from '../../domain/reprocess/batch';
import { type HttpHandlerFn, withErrorMapping } from '../http-errors';
import type { ReprocessClient } from './reprocess-client';
import { findBatch } from './reprocess-target';

export interface GetReprocessDeps {
  clientFor: (context: InvocationContext) => ReprocessClient;
}

export function createGetReprocess(deps: GetReprocessDeps): HttpHandlerFn {
  return withErrorMapping(async (request, context) => {
    const { batchId, instance } = await findBatch(request, deps.clientFor(context));
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      jsonBody: batchView(batchId, instance),
    };
  });
}
