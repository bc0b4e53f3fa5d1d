/**
 * Messages between partitions of the task hub. A message is stored as a row in its target's
 * partition before anyone acts on it, and consumed (deleted) in the same transaction that stores
 * its effects, so a crash at any point either replays it or has already recorded it.
 */
import type { FailureDetails } from './history';

export type Message =
  | {
      kind: 'ExecutionStarted';
      name: string;
      input?: string;
      version?: string;
      parent?: { instanceId: string; executionId: string; taskId: number };
    }
  | { kind: 'TaskCompleted'; executionId: string; taskId: number; result?: string }
  | {
      kind: 'TaskFailed';
      executionId: string;
      taskId: number;
      reason: string;
      details?: FailureDetails;
    }
  | { kind: 'SubOrchestrationCompleted'; executionId: string; taskId: number; result?: string }
  | {
      kind: 'SubOrchestrationFailed';
      executionId: string;
      taskId: number;
      reason: string;
      details?: FailureDetails;
    }
  | { kind: 'TimerFired'; executionId: string; timerId: number; fireAt: string }
  | { kind: 'EventRaised'; name: string; input?: string }
  | { kind: 'Terminate'; reason?: string }
  | { kind: 'Suspend'; reason?: string }
  | { kind: 'Resume'; reason?: string }
  | {
      kind: 'EntityOperation';
      /** Request id: the caller's guid for calls, a fresh one for signals. */
      id: string;
      operation: string;
      input?: string;
      signal: boolean;
      /** Orchestration waiting for the result (calls only). */
      parent?: string;
    };

export interface StoredMessage {
  /** Unique id; consumers record it so a message delivered twice is applied once. */
  id: string;
  /** Epoch ms when it becomes visible (timers fire in the future). */
  visibleAt: number;
  /** Row key in the target partition: orders messages by visibility, then arrival. */
  rowKey: string;
  body: Message;
}
