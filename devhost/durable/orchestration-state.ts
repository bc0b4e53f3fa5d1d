/**
 * What the task hub remembers about one orchestration instance: the state row plus the history of
 * its current execution. Everything here is stored; the in-memory copy is only a cache.
 */
import type { FailureDetails, HistoryEvent } from './history';

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'Suspended' | 'ContinuedAsNew';

export const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** A task with a retry policy: the backend, not the SDK, schedules its timers and re-attempts. */
export interface RetryState {
  kind: 'activity' | 'subOrchestration';
  name: string;
  input?: string;
  /** Sub-orchestrations: the child instance id and version, reused on each attempt. */
  childId?: string;
  version?: string;
  options: RetryOptionsJson;
  /** Attempts made so far. */
  attempt: number;
  firstAttemptAt: number;
  /** `running`: the id is an attempt; `waiting`: the id is the timer before the next one. */
  phase: 'running' | 'waiting';
  lastFailure?: { reason: string; details?: FailureDetails };
  /**
   * The retry timeout has passed: the SDK only counts attempts, so each attempt it still expects
   * is answered with the last failure at once, without running the activity or waiting.
   */
  timedOut?: boolean;
}

export interface OrchestrationState {
  instanceId: string;
  name: string;
  version?: string;
  status: RuntimeStatus;
  input?: string;
  output?: string;
  customStatus?: string;
  failure?: { message: string; details?: FailureDetails };
  createdAt: string;
  updatedAt: string;
  executionId: string;
  parent?: { instanceId: string; executionId: string; taskId: number };
  /** History of the current execution. */
  history: HistoryEvent[];
  /** Sequence number of the first history row of the current execution, and of the next row. */
  historyStart: number;
  historyNext: number;
  /** Next task id the SDK will assign. */
  nextId: number;
  /** Signatures of every action seen so far, to detect a replay that diverges. */
  actions: string[];
  retries: Record<string, RetryState>;
  /** Steps stored so far, across executions (see rowCommitSeq in state-rows.ts). */
  commitSeq?: number;
  /** Message ids already applied (derived from history; kept for dedupe of late duplicates). */
  consumed: Set<string>;
}

export interface StateColumns {
  Kind: 'orchestration';
  Name: string;
  Status: RuntimeStatus;
  CreatedAt: string;
  UpdatedAt: string;
  ExecutionId: string;
}

/**
 * Undoes what one episode did to the state (history, ids, actions, retries, consumed ids), so the
 * same step can be run again with fewer messages. Cheap: history and actions only ever grow.
 */
export function captureRollback(state: OrchestrationState): (batchIds: string[]) => void {
  const historyLength = state.history.length;
  const actionsLength = state.actions.length;
  const nextId = state.nextId;
  const retries = structuredClone(state.retries);
  return (batchIds) => {
    state.history.length = historyLength;
    state.actions.length = actionsLength;
    state.nextId = nextId;
    state.retries = retries;
    for (const id of batchIds) state.consumed.delete(id);
  };
}
