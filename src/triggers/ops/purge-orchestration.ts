/**
 * HTTP trigger `opsPurgeOrchestration`: `POST /api/ops/orchestrations/{instanceId}/purge`
 * (function key), with a durable client input.
 *
 * Input: route `instanceId`.
 * Output: `200 { instancesDeleted }`: the instance's state and history are gone from the task
 *   hub (the image record, if any, stays). `404 NOT_FOUND` for an unknown instance,
 *   `409 INSTANCE_RUNNING` while it has not finished (terminate it first).
 * Idempotency key: the instance; purging it again answers 404.
 * Retry policy: none.
 */
import type { InvocationContext } from '@azure/functions';
import { OpsError } from '../../domain/ops/errors';
import { isFinishedRuntimeStatus } from '../../domain/ops/instance';
import type { OrchestrationAdmin } from '../../ports/orchestration-client';
import { type HttpHandlerFn, notFound } from '../http-errors';
import { withOpsErrorMapping } from './errors';
import { findInstance, instanceIdParam } from './instance-target';

export interface PurgeOrchestrationDeps {
  adminFor: (context: InvocationContext) => OrchestrationAdmin;
}

export function createPurgeOrchestration(deps: PurgeOrchestrationDeps): HttpHandlerFn {
  return withOpsErrorMapping(async (request, context) => {
    const instanceId = instanceIdParam(request);
    const admin = deps.adminFor(context);
    const instance = await findInstance(admin, instanceId);
    if (!isFinishedRuntimeStatus(instance.runtimeStatus)) {
      throw new OpsError(
        'INSTANCE_RUNNING',
        `Instance "${instanceId}" is ${instance.runtimeStatus}; only finished instances can be ` +
          'purged (terminate it first)',
      );
    }
    const instancesDeleted = await admin.purge(instanceId);
    // Zero means another purge won the race: the instance is gone either way.
    if (instancesDeleted === 0) throw notFound(`Orchestration instance "${instanceId}"`);
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      jsonBody: { instancesDeleted },
    };
  });
}
