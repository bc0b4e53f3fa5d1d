/** Instance status and history in the JSON shapes the Durable extension's HTTP API returns. */
import { EventType, eventTypeName, type HistoryEvent } from './history';
import type { OrchestrationState } from './orchestration-state';

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface StatusOptions {
  showInput: boolean;
  showHistory: boolean;
  showHistoryOutput: boolean;
}

export function statusView(state: OrchestrationState, o: StatusOptions): Record<string, unknown> {
  const view: Record<string, unknown> = {
    name: state.name,
    instanceId: state.instanceId,
    runtimeStatus: state.status,
    input: o.showInput ? parseJson(state.input) : null,
    customStatus: parseJson(state.customStatus),
    output: parseJson(state.output),
    createdTime: state.createdAt,
    lastUpdatedTime: state.updatedAt,
  };
  if (o.showHistory) view.historyEvents = historyView(state.history, o.showHistoryOutput);
  return view;
}

/**
 * Like the extension: scheduling events are folded into their completions (FunctionName,
 * ScheduledTime), and bookkeeping events are left out.
 */
export function historyView(
  history: HistoryEvent[],
  showOutput: boolean,
): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const out: Record<string, unknown>[] = [];
  for (const e of history) {
    const base: Record<string, unknown> = {
      EventType: eventTypeName(e.EventType),
      EventId: e.EventId,
      Timestamp: e.Timestamp,
    };
    switch (e.EventType) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.TimerCreated:
        scheduled.set(e.EventId, e);
        if (e.EventType === EventType.TimerCreated) out.push({ ...base, FireAt: e.FireAt });
        break;
      case EventType.ExecutionStarted:
        out.push({
          ...base,
          FunctionName: e.Name,
          ...(showOutput ? { Input: parseJson(e.Input) } : {}),
        });
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted: {
        const s = scheduled.get(e.TaskScheduledId ?? -1);
        out.push({
          ...base,
          TaskScheduledId: e.TaskScheduledId,
          FunctionName: s?.Name,
          ...(s?.InstanceId ? { InstanceId: s.InstanceId } : {}),
          ScheduledTime: s?.Timestamp,
          ...(showOutput ? { Result: parseJson(e.Result) } : {}),
        });
        break;
      }
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed: {
        const s = scheduled.get(e.TaskScheduledId ?? -1);
        out.push({
          ...base,
          TaskScheduledId: e.TaskScheduledId,
          FunctionName: s?.Name,
          ScheduledTime: s?.Timestamp,
          Reason: e.Reason,
          Details: e.Details,
          ...(e.FailureDetails ? { FailureDetails: e.FailureDetails } : {}),
        });
        break;
      }
      case EventType.TimerFired:
        out.push({ ...base, TimerId: e.TimerId, FireAt: e.FireAt });
        break;
      case EventType.EventRaised:
        out.push({ ...base, Name: e.Name, ...(showOutput ? { Input: parseJson(e.Input) } : {}) });
        break;
      case EventType.EventSent:
        out.push({ ...base, Name: e.Name, InstanceId: e.InstanceId });
        break;
      case EventType.ExecutionCompleted:
        out.push({
          ...base,
          OrchestrationStatus: 'Completed',
          ...(showOutput ? { Result: parseJson(e.Result) } : {}),
        });
        break;
      case EventType.ExecutionFailed:
        out.push({
          ...base,
          OrchestrationStatus: 'Failed',
          Reason: e.Reason,
          ...(e.FailureDetails ? { FailureDetails: e.FailureDetails } : {}),
        });
        break;
      case EventType.ExecutionTerminated:
      case EventType.ExecutionSuspended:
      case EventType.ExecutionResumed:
        out.push({ ...base, Input: parseJson(e.Input) });
        break;
      case EventType.ContinueAsNew:
        out.push({ ...base, ...(showOutput ? { Input: parseJson(e.Input) } : {}) });
        break;
      default:
        break;
    }
  }
  return out;
}
