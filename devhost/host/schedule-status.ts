/**
 * What a timer trigger remembers between host processes, and the decisions the Functions host's
 * timer listener takes with it. The status (last and next occurrence) is written after every
 * invocation; at start-up a `next` already in the past means an occurrence was missed while no
 * host ran: it fires once, marked past due, however many were missed. Pure functions over a
 * clock value, so the rules are tested without waiting.
 */
import type { Schedule } from './ncrontab';

/** As the host stores it (and passes it to the function, camel-cased by @azure/functions). */
export interface ScheduleStatus {
  Last: string;
  Next: string;
  LastUpdated: string;
}

/** .NET's DateTime.MinValue: "never ran". */
export const NEVER = new Date('0001-01-01T00:00:00.000Z').toISOString();

export interface StartupPlan {
  status: ScheduleStatus;
  /** The status changed (first start, or a schedule edited since): store it before anything runs. */
  store: boolean;
  /** Run now: the missed occurrence (past due), on start-up (runOnStartup), or not at all. */
  run: 'pastDue' | 'startup' | 'none';
}

export function planStartup(
  schedule: Schedule,
  stored: ScheduleStatus | undefined,
  now: Date,
  runOnStartup: boolean,
): StartupPlan {
  let status: ScheduleStatus;
  let store = false;
  if (!stored) {
    status = {
      Last: NEVER,
      Next: schedule.next(now).toISOString(),
      LastUpdated: now.toISOString(),
    };
    store = true;
  } else {
    status = { ...stored };
    const since =
      stored.LastUpdated && stored.LastUpdated !== NEVER ? stored.LastUpdated : stored.Last;
    const expected = schedule.next(new Date(since));
    // A recorded next occurrence later than the schedule allows means the schedule changed.
    if (Date.parse(stored.Next) > expected.getTime()) {
      status = { ...stored, Next: expected.toISOString(), LastUpdated: now.toISOString() };
      store = true;
    }
  }
  const pastDue = now.getTime() > Date.parse(status.Next);
  return { status, store, run: pastDue ? 'pastDue' : runOnStartup ? 'startup' : 'none' };
}

/**
 * The status after an invocation. A scheduled run counts from its occurrence, not from the clock
 * (which may read a little early or late), so the same occurrence never comes round twice; a
 * past-due run records the occurrence it stood in for.
 */
export function statusAfterRun(
  schedule: Schedule,
  before: ScheduleStatus,
  kind: 'scheduled' | 'pastDue' | 'startup',
  invokedAt: Date,
): ScheduleStatus {
  const at = kind === 'scheduled' ? new Date(before.Next) : invokedAt;
  return {
    Last: kind === 'pastDue' ? before.Next : at.toISOString(),
    Next: schedule.next(at).toISOString(),
    LastUpdated: at.toISOString(),
  };
}
