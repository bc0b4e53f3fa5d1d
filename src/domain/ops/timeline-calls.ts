/**
 * Activity and sub-orchestration attempts and durable timers, read from history events.
 * Completions carry the scheduling time (`ScheduledTime`) folded in by the HTTP API; a
 * scheduling event only survives when nothing answered it yet.
 */
import { type HistoryItem, idOf, text, timeOf } from './history-events';
import { failureOf, summarize } from './summary';
import type { CallRecord, TimerRecord } from './timeline-types';

const SCHEDULED: Record<string, CallRecord['kind']> = {
  TaskScheduled: 'activity',
  SubOrchestrationInstanceCreated: 'subOrchestration',
};

const ANSWERED: Record<string, { kind: CallRecord['kind']; failed: boolean }> = {
  TaskCompleted: { kind: 'activity', failed: false },
  TaskFailed: { kind: 'activity', failed: true },
  SubOrchestrationInstanceCompleted: { kind: 'subOrchestration', failed: false },
  SubOrchestrationInstanceFailed: { kind: 'subOrchestration', failed: true },
};

function answeredCall(item: HistoryItem, kind: CallRecord['kind'], failed: boolean): CallRecord {
  const { event } = item;
  const scheduled = timeOf(event.ScheduledTime);
  const call: CallRecord = {
    kind,
    name: text(event.FunctionName) ?? text(event.Name) ?? '(unknown)',
    index: item.index,
    status: failed ? 'Failed' : 'Completed',
    attempt: 1,
    retried: false,
    isRetry: false,
  };
  if (scheduled !== undefined) call.scheduled = scheduled;
  if (item.at !== undefined && item.ms !== undefined) call.completed = { at: item.at, ms: item.ms };
  const target = text(event.InstanceId);
  if (target !== undefined) call.target = target;
  if (failed) call.error = failureOf(event);
  else {
    const output = summarize(event.Result);
    if (output !== undefined) call.output = output;
  }
  return call;
}

export function readCalls(items: readonly HistoryItem[]): CallRecord[] {
  const answeredIds = new Set<number>();
  for (const item of items) {
    const id = ANSWERED[item.type] ? idOf(item.event.TaskScheduledId) : undefined;
    if (id !== undefined) answeredIds.add(id);
  }
  const calls: CallRecord[] = [];
  for (const item of items) {
    const answered = ANSWERED[item.type];
    if (answered !== undefined) {
      calls.push(answeredCall(item, answered.kind, answered.failed));
      continue;
    }
    const kind = SCHEDULED[item.type];
    const id = idOf(item.event.EventId);
    if (kind === undefined || (id !== undefined && answeredIds.has(id))) continue;
    const call: CallRecord = {
      kind,
      name: text(item.event.Name) ?? '(unknown)',
      index: item.index,
      status: 'Pending',
      attempt: 1,
      retried: false,
      isRetry: false,
    };
    if (item.at !== undefined && item.ms !== undefined)
      call.scheduled = { at: item.at, ms: item.ms };
    const target = text(item.event.InstanceId);
    if (target !== undefined) call.target = target;
    calls.push(call);
  }
  return calls;
}

export function readTimers(items: readonly HistoryItem[]): TimerRecord[] {
  const timers: TimerRecord[] = [];
  for (const item of items) {
    if (item.type === 'TimerCreated') {
      const timer: TimerRecord = { index: item.index };
      const id = idOf(item.event.EventId);
      if (id !== undefined) timer.id = id;
      if (item.at !== undefined && item.ms !== undefined)
        timer.created = { at: item.at, ms: item.ms };
      const fireAt = timeOf(item.event.FireAt);
      if (fireAt !== undefined) timer.fireAt = fireAt;
      timers.push(timer);
      continue;
    }
    if (item.type !== 'TimerFired') continue;
    const timerId = idOf(item.event.TimerId);
    const fireAt = timeOf(item.event.FireAt);
    // Without ids (the extension removes them), the due time identifies the timer.
    const timer = timers.find(
      (candidate) =>
        candidate.firedIndex === undefined &&
        (timerId !== undefined && candidate.id !== undefined
          ? candidate.id === timerId
          : candidate.fireAt?.ms === fireAt?.ms),
    );
    if (timer === undefined) continue;
    timer.firedIndex = item.index;
    // A timer cannot fire before it is due, whatever the event's own timestamp says.
    const firedMs = Math.max(item.ms ?? 0, fireAt?.ms ?? 0);
    if (firedMs > 0) timer.fired = { at: new Date(firedMs).toISOString(), ms: firedMs };
  }
  return timers;
}
