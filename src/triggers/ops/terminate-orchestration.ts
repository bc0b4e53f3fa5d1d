/**
 * HTTP trigger `opsTerminateOrchestration`: `POST /api/ops/orchestrations/{instanceId}/terminate`
 * (function key), with a durable client input.
 *
 * Input: route `instanceId`; optional JSON body `{ reason?: string }` (up to 500 characters).
 * Output: `202 { instanceId, statusUrl }` with `Location: statusUrl`: the instance turns
 *   Terminated once the task hub delivers the request. `404 NOT_FOUND` for an unknown instance,
 *   `409 INSTANCE_FINISHED` when it has already finished, `400 INVALID_REQUEST` for a body that
 *   is not such an object.
 * Idempotency key: the instance; terminating twice before it stops is harmless.
 * Retry policy: none. Work already handed to an activity still runs to its end.
 */
import type { HttpRequest, InvocationContext } from '@azure/functions';
import { AppError } from '../../domain/errors';
import { OpsError } from '../../domain/ops/errors';
import { isFinishedRuntimeStatus } from '../../domain/ops/instance';
import { isObject } from '../../domain/pipeline/validate';
import type { OrchestrationAdmin } from '../../ports/orchestration-client';
import type { HttpHandlerFn } from '../http-errors';
import { withOpsErrorMapping } from './errors';
import { findInstance, instanceIdParam, instanceUrl } from './instance-target';

const DEFAULT_REASON = 'Terminated by an operator';
const MAX_REASON_CHARS = 500;
const MAX_BODY_CHARS = 4096;

export interface TerminateOrchestrationDeps {
  adminFor: (context: InvocationContext) => OrchestrationAdmin;
}

async function readReason(request: HttpRequest): Promise<string> {
  const text = (await request.text()).trim();
  if (text === '') return DEFAULT_REASON;
  let body: unknown;
  try {
    body = text.length > MAX_BODY_CHARS ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!isObject(body)) {
    throw new AppError('INVALID_REQUEST', 'The body must be a JSON object like {"reason":"..."}');
  }
  const { reason } = body;
  if (reason === undefined) return DEFAULT_REASON;
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON_CHARS) {
    throw new AppError(
      'INVALID_REQUEST',
      `reason must be a non-empty string of at most ${MAX_REASON_CHARS} characters`,
    );
  }
  return reason.trim();
}

export function createTerminateOrchestration(deps: TerminateOrchestrationDeps): HttpHandlerFn {
  return withOpsErrorMapping(async (request, context) => {
    const instanceId = instanceIdParam(request);
    const reason = await readReason(request);
    const admin = deps.adminFor(context);
    const instance = await findInstance(admin, instanceId);
    if (isFinishedRuntimeStatus(instance.runtimeStatus)) {
      throw new OpsError(
        'INSTANCE_FINISHED',
        `Instance "${instanceId}" is already ${instance.runtimeStatus}; there is nothing to terminate`,
      );
    }
    await admin.terminate(instanceId, reason);
    const statusUrl = instanceUrl(request, instanceId);
    return {
      status: 202,
      headers: { Location: statusUrl, 'Cache-Control': 'no-store' },
      jsonBody: { instanceId, statusUrl },
    };
  });
}
