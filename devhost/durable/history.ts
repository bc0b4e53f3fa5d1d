/**
 * History events in the shape the durable-functions SDK replays (PascalCase, numeric EventType),
 * plus the few fields the task hub adds for its own bookkeeping (MessageId, to consume each
 * message once). The SDK ignores fields it does not know.
 */
export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable?: boolean;
}

export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  /** Task hub bookkeeping: the id of the message this event consumed. */
  MessageId?: string;
  Name?: string;
  Input?: string;
  Result?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  Version?: string;
  ParentInstance?: { InstanceId: string; TaskScheduledId: number };
}

export function eventTypeName(type: EventType): string {
  return EventType[type] ?? String(type);
}

/** The error as the SDK builds it from a failure event, for reasons shown to operators. */
export function failureMessage(
  reason: string | undefined,
  details: FailureDetails | undefined,
): string {
  if (details) return `${details.ErrorType}: ${details.ErrorMessage}`;
  return reason ?? 'unknown failure';
}

export function failureFromError(err: unknown): { reason: string; details: FailureDetails } {
  if (err instanceof Error) {
    return {
      reason: err.message,
      details: { ErrorType: err.name || 'Error', ErrorMessage: err.message, StackTrace: err.stack },
    };
  }
  const text = typeof err === 'string' ? err : JSON.stringify(err);
  return { reason: text, details: { ErrorType: 'Error', ErrorMessage: text } };
}
