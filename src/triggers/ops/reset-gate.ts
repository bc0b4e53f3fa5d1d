/**
 * HTTP trigger `opsResetGate`: `POST /api/ops/gate/{id}/reset` (function key).
 *
 * Input: the gate id as listed by `GET /api/ops/gate`.
 * Output: `200 { gate }` once the gate shows the reset (circuit Closed, no pause, the configured
 *   rate), or `202 { gate }` if it has not applied it within a few seconds (it will: the reset
 *   is queued as an entity signal). `404 NOT_FOUND` for an unknown id.
 * Idempotency key: resetting twice is the same as once.
 */
import type { InvocationContext } from '@azure/functions';
import { AppError } from '../../domain/errors';
import { gateView, type VisionPlan } from '../../domain/gate/endpoints';
import type { GateController } from '../../ports/gate-state-reader';
import { type HttpHandlerFn, withErrorMapping } from '../http-errors';

export interface OpsResetGateDeps {
  vision: VisionPlan | undefined;
  gatesFor: (context: InvocationContext) => GateController;
  clock: () => Date;
  /** How long to wait for the reset to show; default 5 s. */
  confirmWithinMs?: number;
}

const POLL_MS = 100;

export function createOpsResetGate(deps: OpsResetGateDeps): HttpHandlerFn {
  return withErrorMapping(async (request, context) => {
    const id = request.params.id ?? '';
    const ref = deps.vision?.gates.find((gate) => gate.id === id);
    if (ref === undefined || deps.vision === undefined) {
      throw new AppError('NOT_FOUND', `No Vision gate named "${id.slice(0, 100)}"`);
    }
    const { settings } = deps.vision;
    const gates = deps.gatesFor(context);
    const requestedAt = deps.clock().getTime();
    await gates.reset(ref.id, { now: requestedAt, settings });
    const giveUpAt = requestedAt + (deps.confirmWithinMs ?? 5000);
    for (;;) {
      const state = await gates.read(ref.id);
      const now = deps.clock().getTime();
      const applied =
        state !== undefined &&
        state.clock >= requestedAt &&
        state.circuit === 'Closed' &&
        state.pausedUntil <= now &&
        state.lastRateChangeAt >= requestedAt;
      if (applied || now >= giveUpAt) {
        return {
          status: applied ? 200 : 202,
          headers: { 'Cache-Control': 'no-store' },
          jsonBody: { gate: gateView(ref, state, settings, now) },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  });
}
