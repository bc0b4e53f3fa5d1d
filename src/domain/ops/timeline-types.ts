/** The shapes of an orchestration timeline (see timeline.ts). */

export type TimelineKind =
  | 'activity'
  | 'subOrchestration'
  | 'timer'
  | 'retryTimer'
  | 'entityCall'
  | 'entitySignal'
  | 'externalEvent'
  | 'eventSent';

/** `Canceled`: never answered, and never will be because the instance has finished. */
export type TimelineStatus = 'Completed' | 'Failed' | 'Pending' | 'Canceled';

export interface TimelineEntry {
  kind: TimelineKind;
  /** Activity, sub-orchestrator, entity operation or event name; `timer` for a plain timer. */
  name: string;
  /** Activities and sub-orchestrations: 1 for the first try; retry timers: the attempt that failed. */
  attempt?: number;
  /** Null when the history does not say (an external event is only seen when it arrives). */
  scheduledAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  status: TimelineStatus;
  /** Sub-orchestration instance id, entity id (`name@key`) or event target. */
  target?: string;
  /** Timers: when they were due. */
  fireAt?: string;
  input?: string;
  output?: string;
  error?: string;
}

/** An activity or sub-orchestration attempt, while the timeline is being built. */
export interface CallRecord {
  kind: 'activity' | 'subOrchestration';
  name: string;
  /** History position of the event the call was read from. */
  index: number;
  scheduled?: { at: string; ms: number };
  completed?: { at: string; ms: number };
  status: 'Completed' | 'Failed' | 'Pending';
  attempt: number;
  /** Set once a later call has been recognised as this one's retry. */
  retried: boolean;
  isRetry: boolean;
  target?: string;
  output?: string;
  error?: string;
}

export interface TimerRecord {
  index: number;
  /** EventId, in the dialect that keeps it. */
  id?: number;
  created?: { at: string; ms: number };
  fireAt?: { at: string; ms: number };
  firedIndex?: number;
  fired?: { at: string; ms: number };
  /** Recognised as a retry wait (`retryOf`) or as the zero-delay timer after a last attempt. */
  role?: 'retry' | 'giveUp';
  retryOf?: CallRecord;
}
