/**
 * The timeline of one orchestration, built from the history the Durable HTTP API returns
 * (`showHistory=true&showHistoryOutput=true`): one entry per activity or sub-orchestration
 * attempt, retry wait, durable timer, entity call or signal and external event, ordered by when
 * each started.
 *
 * Pure. Works on both dialects of that history (the Durable extension's and devhost's, see
 * ops-history-events.ts). What a history cannot show is left out rather than guessed: the
 * inputs of activities (the API strips them), and a `waitForExternalEvent` still waiting (it
 * leaves no event until the event arrives).
 */
import { type HistoryItem, readHistory } from './history-events';
import { readMessages } from './entity-messages';
import { chainRetries } from './retry-chains';
import { readCalls, readTimers } from './timeline-calls';
import type { CallRecord, TimelineEntry, TimerRecord } from './timeline-types';

export type { TimelineEntry, TimelineKind, TimelineStatus } from './timeline-types';

function duration(from: { ms: number } | undefined, to: { ms: number } | undefined): number | null {
  return from !== undefined && to !== undefined ? Math.max(0, to.ms - from.ms) : null;
}

function callEntry(call: CallRecord, running: boolean): TimelineEntry {
  const status = call.status === 'Pending' && !running ? 'Canceled' : call.status;
  const entry: TimelineEntry = {
    kind: call.kind,
    name: call.name,
    attempt: call.attempt,
    scheduledAt: call.scheduled?.at ?? null,
    completedAt: call.completed?.at ?? null,
    durationMs: duration(call.scheduled, call.completed),
    status,
  };
  if (call.target !== undefined) entry.target = call.target;
  if (call.output !== undefined) entry.output = call.output;
  if (call.error !== undefined) entry.error = call.error;
  return entry;
}

function timerEntry(timer: TimerRecord, running: boolean): TimelineEntry {
  const retryOf = timer.role === 'retry' ? timer.retryOf : undefined;
  const unfired = running ? 'Pending' : 'Canceled';
  const entry: TimelineEntry = {
    kind: retryOf === undefined ? 'timer' : 'retryTimer',
    name: retryOf === undefined ? 'timer' : retryOf.name,
    scheduledAt: timer.created?.at ?? null,
    completedAt: timer.fired?.at ?? null,
    durationMs: duration(timer.created, timer.fired),
    status: timer.fired === undefined ? unfired : 'Completed',
  };
  if (retryOf !== undefined) entry.attempt = retryOf.attempt;
  if (timer.fireAt !== undefined) entry.fireAt = timer.fireAt.at;
  return entry;
}

function isRunning(items: readonly HistoryItem[], runtimeStatus: string | undefined): boolean {
  if (runtimeStatus !== undefined) {
    return ['Running', 'Pending', 'Suspended', 'ContinuedAsNew'].includes(runtimeStatus);
  }
  return !items.some((item) =>
    ['ExecutionCompleted', 'ExecutionFailed', 'ExecutionTerminated'].includes(item.type),
  );
}

/**
 * @param history the `historyEvents` array of a status response
 * @param runtimeStatus the instance's runtime status; decides whether an unanswered step is
 *   still Pending or was Canceled by the end of the run. Read from the history when omitted.
 */
export function buildTimeline(
  history: readonly unknown[],
  runtimeStatus?: string,
): TimelineEntry[] {
  const items = readHistory(history);
  const running = isRunning(items, runtimeStatus);
  const calls = readCalls(items);
  const timers = readTimers(items);
  const inFlight = chainRetries(calls, timers, running);

  const entries: { index: number; entry: TimelineEntry }[] = [
    ...[...calls, ...inFlight].map((call) => ({
      index: call.index,
      entry: callEntry(call, running),
    })),
    ...timers
      .filter((timer) => timer.role !== 'giveUp')
      .map((timer) => ({ index: timer.index, entry: timerEntry(timer, running) })),
    ...readMessages(items, running),
  ];
  const startOf = (entry: TimelineEntry): number =>
    Date.parse(entry.scheduledAt ?? entry.completedAt ?? '') || Number.MAX_SAFE_INTEGER;
  return entries
    .sort((a, b) => startOf(a.entry) - startOf(b.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}
