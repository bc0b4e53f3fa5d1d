/**
 * HTTP trigger `opsGetGates`: `GET /api/ops/gate` (function key).
 *
 * Input: none.
 * Output: `200 { gates: GateView[] }`, one per configured endpoint, in configuration order:
 *   circuit (Closed | Open | HalfOpen), configured and granted rate, free tokens in the next
 *   minute, next slot, pause and open deadlines, queued slots and counters. An empty list when
 *   the analyzer is not `azure`.
 * Idempotency key: read-only; reads stored entity state, which is not an entity operation.
 */
import type { InvocationContext } from '@azure/functions';
import type { VisionPlan } from '../../domain/gate/endpoints';
import { gateView } from '../../domain/gate/endpoints';
import type { GateController } from '../../ports/gate-state-reader';
import { type HttpHandlerFn, withErrorMapping } from '../http-errors';

export interface OpsGatesDeps {
  /** Undefined when no Vision endpoint is configured. */
  vision: VisionPlan | undefined;
  gatesFor: (context: InvocationContext) => GateController;
  clock: () => Date;
}

export function createOpsGetGates(deps: OpsGatesDeps): HttpHandlerFn {
  return withErrorMapping(async (_request, context) => {
    const refs = deps.vision?.gates ?? [];
    const reader = deps.gatesFor(context);
    const now = deps.clock().getTime();
    const gates = await Promise.all(
      refs.map(async (ref) =>
        gateView(ref, await reader.read(ref.id), (deps.vision as VisionPlan).settings, now),
      ),
    );
    return { status: 200, headers: { 'Cache-Control': 'no-store' }, jsonBody: { gates } };
  });
}
