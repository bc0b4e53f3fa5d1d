/**
 * HTTP trigger `opsListOrchestrations`: `GET /api/ops/orchestrations` (function key), with a
 * durable client input.
 *
 * Input: `runtimeStatus=A,B` (runtime status names, any case), `createdFrom`, `createdTo` (ISO
 *   8601, inclusive), `name` (orchestrator, any case), `instanceIdPrefix`, `limit` (1–100,
 *   default 50), `continuationToken`.
 * Output: `200 { items: [{ instanceId, name, runtimeStatus, createdTime, lastUpdatedTime,
 *   customStatus?, output? }], continuationToken }`, newest first across all pages (creation
 *   time, then instance id, descending); `continuationToken` is null on the last page.
 *   `output` only for finished instances. `400 INVALID_QUERY` naming the bad parameter.
 * Idempotency key: read-only.
 * Retry policy: none.
 *
 * Cost: the durable client cannot page, so each request reads every instance that matches
 * `runtimeStatus` and the creation window (the task hub filters those) and pages them here;
 * later pages read only instances older than the token. On a large task hub, narrow the query
 * with `createdFrom` or `runtimeStatus`.
 */
import type { InvocationContext } from '@azure/functions';
import { encodeCursor } from '../../domain/ops/cursor';
import { instanceView } from '../../domain/ops/instance-view';
import { backendFilter, pageInstances } from '../../domain/ops/page';
import { parseOrchestrationQuery } from '../../domain/ops/query';
import type { OrchestrationAdmin } from '../../ports/orchestration-client';
import type { HttpHandlerFn } from '../http-errors';
import { withOpsErrorMapping } from './errors';

export interface ListOrchestrationsDeps {
  adminFor: (context: InvocationContext) => OrchestrationAdmin;
}

export function createListOrchestrations(deps: ListOrchestrationsDeps): HttpHandlerFn {
  return withOpsErrorMapping(async (request, context) => {
    const query = parseOrchestrationQuery(request.query);
    const instances = await deps.adminFor(context).listInstances(backendFilter(query));
    const page = pageInstances(instances, query);
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      jsonBody: {
        items: page.items.map((instance) => instanceView(instance)),
        continuationToken: page.next === undefined ? null : encodeCursor(page.next),
      },
    };
  });
}
