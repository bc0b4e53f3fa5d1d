/** How the task hub runs user code: the host implements this over the real SDK handlers. */
import type { FailureDetails } from './history';
import type { SdkOutcome } from './orchestration-episode';

export interface EntityBatchRequest {
  self: { name: string; key: string };
  exists: boolean;
  state: string | null;
  batch: { id: string; name: string; input?: string; isSignal: boolean }[];
}

export interface EntityBatchResult {
  entityExists: boolean;
  entityState?: string;
  results: { isError: boolean; result?: string; duration?: number }[];
  signals: {
    target: { name: string; key: string };
    name: string;
    input?: string;
    /** The operation that sent it. */
    requestId?: string;
  }[];
}

export type ActivityOutcome =
  { ok: true; result: string } | { ok: false; reason: string; details: FailureDetails };

export interface DurableInvoker {
  /** Registered function names by kind (orchestration, activity, entity). */
  has(kind: 'orchestration' | 'activity' | 'entity', name: string): boolean;
  /** Entity ids carry lower-cased names; map back to the registered function. */
  entityFunction(lowerCaseName: string): string | undefined;
  runOrchestrator(name: string, payload: unknown): Promise<SdkOutcome>;
  runActivity(name: string, input: string | undefined): Promise<ActivityOutcome>;
  runEntity(name: string, request: EntityBatchRequest): Promise<EntityBatchResult>;
}
