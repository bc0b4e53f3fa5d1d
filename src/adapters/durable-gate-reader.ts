/**
 * GateController (read and reset) over the durable-functions client binding (`readEntityState`). Works in any
 * function that declares the durable client input, activities included.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { isGateState } from '../domain/gate/messages';
import { type GateSettings, type GateState, withCurrentFields } from '../domain/gate/vision-gate';
import { Entities, GateOperations } from '../names';
import type { GateController } from '../ports/gate-state-reader';

export function gateReaderFor(context: InvocationContext): GateController {
  const client = df.getClient(context);
  return {
    async reset(gateId: string, input: { now: number; settings: GateSettings }): Promise<void> {
      await client.signalEntity(
        new df.EntityId(Entities.visionGate, gateId),
        GateOperations.reset,
        input,
      );
    },

    async read(gateId: string): Promise<GateState | undefined> {
      const response = await client.readEntityState<GateState>(
        new df.EntityId(Entities.visionGate, gateId),
      );
      const state = response.entityState;
      if (!response.entityExists || state === undefined || !isGateState(state)) return undefined;
      return withCurrentFields(state);
    },
  };
}
