/**
 * Activity `readVisionGates`.
 *
 * Trigger: activity, called by analyzeThroughGate when several endpoints are configured.
 * Input: the gate ids. Output: `GateSnapshot[]`, each gate's stored state (or none yet), so the
 *   orchestrator can send the image to the closed endpoint with the earliest slot.
 * Idempotency key: none needed, it only reads. Reading state is not an entity operation, so
 *   choosing an endpoint does not use the gates' capacity.
 * Retry policy: storage errors throw and are retried.
 */
import type { InvocationContext } from '@azure/functions';
import { AppError } from '../domain/errors';
import type { GateSnapshot } from '../domain/gate/endpoints';
import type { GateStateReader } from '../ports/gate-state-reader';

export interface ReadVisionGatesDeps {
  gatesFor: (context: InvocationContext) => GateStateReader;
}

export function createReadVisionGates(deps: ReadVisionGatesDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<GateSnapshot[]> => {
    if (!Array.isArray(rawInput) || !rawInput.every((id) => typeof id === 'string')) {
      throw new AppError('INVALID_INPUT', 'readVisionGates input must be a list of gate ids');
    }
    const reader = deps.gatesFor(context);
    return Promise.all(rawInput.map(async (id) => ({ id, state: await reader.read(id) })));
  };
}
