/**
 * HTTP trigger `opsRestartOrchestration`: `POST /api/ops/orchestrations/{instanceId}/restart`
 * (function key), with a durable client input.
 *
 * Input: route `instanceId`; `?restartWithNewInstanceId=true|false` (default true, as in the
 *   Durable extension's own restart API).
 * Output: `202 { instanceId, restartedFrom, statusUrl }` with `Location: statusUrl`: a new run
 *   of the same orchestrator with the same input, under a new instance id (a GUID without
 *   dashes) or, with `false`, under the same one. `404 NOT_FOUND` for an unknown instance,
 *   `409 INSTANCE_RUNNING` when reusing the id of an instance that has not finished,
 *   `400 INVALID_QUERY` for a flag that is not true or false.
 * Idempotency key: none with a new id (each call starts one more run); with the same id a
 *   second call while the first restart runs is refused with 409.
 * Retry policy: none.
 */
import type { InvocationContext } from '@azure/functions';
import { OpsError } from '../../domain/ops/errors';
import { isFinishedRuntimeStatus } from '../../domain/ops/instance';
import type { OrchestrationAdmin } from '../../ports/orchestration-client';
import type { HttpHandlerFn } from '../http-errors';
import { withOpsErrorMapping } from './errors';
import { booleanParam, findInstance, instanceIdParam, instanceUrl } from './instance-target';

export interface RestartOrchestrationDeps {
  adminFor: (context: InvocationContext) => OrchestrationAdmin;
  newInstanceId: () => string;
}

export function createRestartOrchestration(deps: RestartOrchestrationDeps): HttpHandlerFn {
  return withOpsErrorMapping(async (request, context) => {
    const instanceId = instanceIdParam(request);
    const withNewId = booleanParam(request, 'restartWithNewInstanceId', true);
    const admin = deps.adminFor(context);
    const instance = await findInstance(admin, instanceId);
    if (!withNewId && !isFinishedRuntimeStatus(instance.runtimeStatus)) {
      throw new OpsError(
        'INSTANCE_RUNNING',
        `Instance "${instanceId}" is ${instance.runtimeStatus}; terminate it first, or restart it ` +
          'with a new instance id',
      );
    }
    const newInstanceId = withNewId ? deps.newInstanceId() : instanceId;
    await admin.startNew(instance.name, newInstanceId, instance.input);
    const statusUrl = instanceUrl(request, newInstanceId);
    return {
      status: 202,
      headers: { Location: statusUrl, 'Cache-Control': 'no-store' },
      jsonBody: { instanceId: newInstanceId, restartedFrom: instanceId, statusUrl },
    };
  });
}
