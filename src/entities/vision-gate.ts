/**
 * Entity `visionGate`: one per analysis endpoint (key: the gate id), shared by every
 * orchestration of every app instance. A thin wrapper that runs the pure reducer in
 * src/domain/gate/vision-gate.ts over the entity's state.
 *
 * Operations: `acquire` (call; returns a slot or "busy"), `report` (signal; the outcome of one
 * call, counted once per request id), `reset` (signal; closes the circuit and clears the pause).
 * A malformed operation throws; the caller gets the message and the state is unchanged.
 */
import type { EntityContext, EntityHandler } from 'durable-functions';
import { parseGateOperation } from '../domain/gate/messages';
import { type GateState, reduceGate } from '../domain/gate/vision-gate';

export const visionGate: EntityHandler<GateState> = (context: EntityContext<GateState>) => {
  const operation = parseGateOperation(context.df.operationName ?? '', context.df.getInput());
  const { state, result } = reduceGate(context.df.getState(), operation);
  context.df.setState(state);
  if (result !== undefined) context.df.return(result);
};
