/**
 * Recognises `callActivityWithRetry` / `callSubOrchestratorWithRetry` in a history. After a
 * failed attempt the retry policy creates a durable timer, and when it fires the same function
 * is scheduled again; the HTTP API's history keeps neither task ids nor inputs in every dialect,
 * so the chain is read from order and time:
 *
 *   attempt n fails → the first free timer created after it, whose firing is followed by a call
 *   of the same function scheduled no earlier than the timer was due → that call is attempt n+1.
 *
 * A zero-delay timer right after a last failed attempt is the SDK giving up (it takes a timer
 * even then); it is absorbed. While the instance runs, a timer after a failure with nothing
 * after it yet is a retry still waiting, or an attempt in flight that the history cannot show.
 * Mutates the records of one timeline build; returns the in-flight attempts it inferred.
 */
import type { CallRecord, TimerRecord } from './timeline-types';

function createdAfter(timer: TimerRecord, call: CallRecord): boolean {
  if (timer.role !== undefined || timer.index <= call.index) return false;
  return timer.created === undefined || call.completed === undefined
    ? true
    : timer.created.ms >= call.completed.ms;
}

function nextAttempt(
  calls: readonly CallRecord[],
  failed: CallRecord,
  timer: TimerRecord,
): CallRecord | undefined {
  const firedIndex = timer.firedIndex;
  if (firedIndex === undefined) return undefined;
  return calls.find(
    (call) =>
      call !== failed &&
      !call.isRetry &&
      call.kind === failed.kind &&
      call.name === failed.name &&
      call.index > firedIndex &&
      (call.scheduled === undefined ||
        timer.fireAt === undefined ||
        call.scheduled.ms >= timer.fireAt.ms),
  );
}

function link(failed: CallRecord, timer: TimerRecord, next: CallRecord): void {
  timer.role = 'retry';
  timer.retryOf = failed;
  failed.retried = true;
  next.isRetry = true;
  next.attempt = failed.attempt + 1;
}

export function chainRetries(
  calls: readonly CallRecord[],
  timers: readonly TimerRecord[],
  running: boolean,
): CallRecord[] {
  const failures = () =>
    calls
      .filter((call) => call.status === 'Failed' && !call.retried)
      .sort((a, b) => a.index - b.index);

  for (const failed of failures()) {
    for (const timer of timers) {
      if (!createdAfter(timer, failed)) continue;
      const next = nextAttempt(calls, failed, timer);
      if (next === undefined) continue;
      link(failed, timer, next);
      break;
    }
  }

  const inFlight: CallRecord[] = [];
  for (const failed of failures()) {
    const timer = timers.find((candidate) => createdAfter(candidate, failed));
    if (timer === undefined) continue;
    const zeroDelay =
      timer.created !== undefined &&
      timer.fireAt !== undefined &&
      timer.fireAt.ms <= timer.created.ms;
    if (zeroDelay) {
      timer.role = 'giveUp';
      continue;
    }
    if (!running) continue;
    timer.role = 'retry';
    timer.retryOf = failed;
    failed.retried = true;
    if (timer.fired === undefined) continue;
    const attempt: CallRecord = {
      kind: failed.kind,
      name: failed.name,
      index: timer.firedIndex ?? timer.index,
      scheduled: timer.fired,
      status: 'Pending',
      attempt: failed.attempt + 1,
      retried: false,
      isRetry: true,
    };
    if (failed.target !== undefined) attempt.target = failed.target;
    inFlight.push(attempt);
  }
  return inFlight;
}
