/**
 * Reads a Vision gate's state as stored by the durable backend. This is a storage read, not an
 * entity operation, so it does not queue behind the gate's work or count against its capacity.
 */
import type { GateSettings, GateState } from '../domain/gate/vision-gate';

export interface GateStateReader {
  /** Undefined when the gate has never been used (or was deleted). */
  read(gateId: string): Promise<GateState | undefined>;
}

/** What operators may do to a gate: read it, and reset it (a signal, applied in turn). */
export interface GateController extends GateStateReader {
  reset(gateId: string, input: { now: number; settings: GateSettings }): Promise<void>;
}
