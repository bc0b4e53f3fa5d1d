/**
 * HTTP trigger `opsCancelReprocess`: `POST /api/ops/reprocess/{batchId}/cancel` (function key),
 * with a durable client input.
 *
 * Input: route `batchId`; the body is ignored.
 * Output: `202 { batchId, statusUrl }` with `Location: statusUrl`. The batch starts no image
 *   after it receives the request; images already running finish; then its status turns
 *   Canceled. `404 NOT_FOUND` for an unknown batch, `409 INSTANCE_FINISHED` when the batch has
 *   already ended.
 * Idempotency key: the batch; a second cancel before it ends changes nothing.
 * Retry policy: none.
 */
import type { InvocationContext } from '@azure/functions';
import { OpsError } from '../../domain/ops/errors';
import { isFinishedRuntimeStatus } from '../../domain/ops/instance';
import { ReprocessEvents } from '../../names';
import type { HttpHandlerFn } from '../http-errors';
import { withOpsErrorMapping } from './errors';
import type { ReprocessClient } from './reprocess-client';
import { batchUrl, findBatch } from './reprocess-target';

export interface CancelReprocessDeps {
  clientFor: (context: InvocationContext) => ReprocessClient;
  clock: () => Date;
}

export function createCancelReprocess(deps: CancelReprocessDeps): HttpHandlerFn {
  return withOpsErrorMapping(async (request, context) => {
    const client = deps.clientFor(context);
    const { batchId, instanceId, instance } = await findBatch(request, client);
    if (isFinishedRuntimeStatus(instance.runtimeStatus)) {
      throw new OpsError(
        'INSTANCE_FINISHED',
        `Batch "${batchId}" has already ended (${instance.runtimeStatus}); there is nothing to cancel`,
      );
    }
    await client.raiseEvent(instanceId, ReprocessEvents.cancel, {
      requestedAt: deps.clock().toISOString(),
    });
    const statusUrl = batchUrl(request, batchId);
    return {
      status: 202,
      headers: { Location: statusUrl, 'Cache-Control': 'no-store' },
      jsonBody: { batchId, statusUrl },
    };
  });
}
