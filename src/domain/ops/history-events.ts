/**
 * History events as the Durable HTTP API returns them with `showHistory=true`, read into one
 * small shape. Two dialects exist and both must work: the Durable extension removes `EventId`,
 * `TaskScheduledId` and `TimerId` and keeps unanswered `TaskScheduled` events, while devhost
 * keeps the ids and drops scheduling events; either may carry `Input`/`Result` or not.
 */
import { isObject, type Json } from '../pipeline/validate';

/** DTFx `EventType` numbers, for histories that were not converted to names. */
const EVENT_TYPE_NAMES = [
  'ExecutionStarted',
  'ExecutionCompleted',
  'ExecutionFailed',
  'ExecutionTerminated',
  'TaskScheduled',
  'TaskCompleted',
  'TaskFailed',
  'SubOrchestrationInstanceCreated',
  'SubOrchestrationInstanceCompleted',
  'SubOrchestrationInstanceFailed',
  'TimerCreated',
  'TimerFired',
  'OrchestratorStarted',
  'OrchestratorCompleted',
  'EventSent',
  'EventRaised',
  'ContinueAsNew',
  'GenericEvent',
  'HistoryState',
  'ExecutionSuspended',
  'ExecutionResumed',
];

export interface HistoryItem {
  /** Position in the history: the order in which the orchestration saw the events. */
  index: number;
  type: string;
  /** The event's Timestamp as ISO 8601, when it has a readable one. */
  at?: string;
  ms?: number;
  event: Json;
}

export function timeOf(value: unknown): { at: string; ms: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : { at: new Date(ms).toISOString(), ms };
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An id the event carries (`EventId`, `TaskScheduledId`, `TimerId`), when it is a real one. */
export function idOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** JSON that arrives as text in one dialect and parsed in the other. */
export function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function readHistory(events: readonly unknown[]): HistoryItem[] {
  const items: HistoryItem[] = [];
  events.forEach((event, index) => {
    if (!isObject(event)) return;
    const raw = event.EventType;
    const type = typeof raw === 'number' ? EVENT_TYPE_NAMES[raw] : text(raw);
    if (type === undefined) return;
    const time = timeOf(event.Timestamp);
    items.push({ index, type, ...(time === undefined ? {} : time), event });
  });
  return items;
}
