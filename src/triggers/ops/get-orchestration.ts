/**
 * HTTP trigger `opsGetOrchestration`: `GET /api/ops/orchestrations/{instanceId}` (function key),
 * with a durable client input.
 *
 * Input: route `instanceId`; `?history=true` adds the timeline.
 * Output: `200 { instanceId, name, runtimeStatus, createdTime, lastUpdatedTime, input,
 *   customStatus?, output?, timeline? }`; `timeline` lists every activity or sub-orchestration
 *   attempt, retry wait, timer, entity call or signal and external event with its times,
 *   duration, attempt, status and error (see domain/timeline.ts). `404 NOT_FOUND` for an
 *   unknown instance, `400 INVALID_QUERY` when `history` is not true or false.
 * Idempotency key: read-only.
 * Retry policy: none.
 */
import type { InvocationContext } from '@azure/functions';
import { instanceView } from '../../domain/ops/instance-view';
import { buildTimeline } from '../../domain/ops/timeline';
import type { OrchestrationAdmin } from '../../ports/orchestration-client';
import { type HttpHandlerFn, notFound } from '../http-errors';
import { withOpsErrorMapping } from './errors';
import { booleanParam, findInstance, instanceIdParam } from './instance-target';

export interface GetOrchestrationDeps {
  adminFor: (context: InvocationContext) => OrchestrationAdmin;
}

export function createGetOrchestration(deps: GetOrchestrationDeps): HttpHandlerFn {
  return withOpsErrorMapping(async (request, context) => {
    const instanceId = instanceIdParam(request);
    const withHistory = booleanParam(request, 'history', false);
    const admin = deps.adminFor(context);
    const headers = { 'Cache-Control': 'no-store' };
    if (!withHistory) {
      const instance = await findInstance(admin, instanceId);
      return { status: 200, headers, jsonBody: instanceView(instance, { input: true }) };
    }
    const found = await admin.getHistory(instanceId);
    if (found === undefined) throw notFound(`Orchestration instance "${instanceId}"`);
    return {
      status: 200,
      headers,
      jsonBody: {
        ...instanceView(found.instance, { input: true }),
        timeline: buildTimeline(found.history, found.instance.runtimeStatus),
      },
    };
  });
}
