/**
 * The history as the Durable extension's HTTP API would return it for the same stored events,
 * following DurableClient.GetDurableOrchestrationStatusAsync (azure-functions-durable-extension):
 * event types become names; a TaskScheduled / SubOrchestrationInstanceCreated answered later is
 * folded into its answer (FunctionName, ScheduledTime) and removed, an unanswered one stays;
 * EventId, IsPlayed, TaskScheduledId and TimerId are removed, and so are the inputs of
 * ExecutionStarted, scheduling events, ExecutionTerminated and EventRaised; EventSent keeps its
 * request; OrchestratorStarted/Completed are dropped.
 */
import { EventType } from '../../../../devhost/durable/history';

type Event = Record<string, unknown>;

function parse(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function extensionHistoryView(stored: readonly Event[]): Event[] {
  const scheduled = new Map<string, { index: number; name: unknown; at: unknown }>();
  const removed = new Set<number>();
  const out: Event[] = stored.map((original, index) => {
    const event: Event = { ...original };
    const type = event.EventType as EventType;
    event.EventType = EventType[type];
    switch (type) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(`${type}_${String(event.EventId)}`, {
          index,
          name: event.Name,
          at: event.Timestamp,
        });
        delete event.Version;
        delete event.Input;
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const from =
          type === EventType.TaskCompleted || type === EventType.TaskFailed
            ? EventType.TaskScheduled
            : EventType.SubOrchestrationInstanceCreated;
        const match = scheduled.get(`${from}_${String(event.TaskScheduledId)}`);
        if (match !== undefined) {
          event.ScheduledTime = match.at;
          event.FunctionName = match.name;
          removed.add(match.index);
        }
        delete event.TaskScheduledId;
        if ('Result' in event) event.Result = parse(event.Result);
        break;
      }
      case EventType.ExecutionStarted:
        event.FunctionName = event.Name;
        delete event.Name;
        delete event.ParentInstance;
        delete event.Version;
        delete event.Input;
        break;
      case EventType.ExecutionCompleted:
        if ('Result' in event) event.Result = parse(event.Result);
        break;
      case EventType.ExecutionTerminated:
        delete event.Input;
        break;
      case EventType.TimerFired:
        delete event.TimerId;
        break;
      case EventType.EventRaised:
        delete event.Input;
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        removed.add(index);
        break;
      default:
        break;
    }
    delete event.EventId;
    delete event.IsPlayed;
    // devhost's own bookkeeping, not part of a DTFx event.
    delete event.MessageId;
    return event;
  });
  return out.filter((_, index) => !removed.has(index));
}
