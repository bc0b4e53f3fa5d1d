/**
 * The timer listener's rules over the stored schedule status: the first start records the next
 * occurrence; a start after a missed occurrence runs it once, past due; runOnStartup runs
 * otherwise; an edited schedule is picked up; and each run moves on from its own occurrence, so
 * no occurrence comes round twice.
 */
import { parseSchedule } from '../../../devhost/host/ncrontab';
import {
  NEVER,
  planStartup,
  statusAfterRun,
  type ScheduleStatus,
} from '../../../devhost/host/schedule-status';

const everyTwoSeconds = parseSchedule('*/2 * * * * *');
const iso = (s: string) => new Date(s).toISOString();

describe('Function: planStartup', () => {
  it('records the next occurrence on the very first start and runs nothing', () => {
    const plan = planStartup(everyTwoSeconds, undefined, new Date('2030-01-01T00:00:00.5Z'), false);
    expect(plan).toEqual({
      status: {
        Last: NEVER,
        Next: iso('2030-01-01T00:00:02Z'),
        LastUpdated: iso('2030-01-01T00:00:00.5Z'),
      },
      store: true,
      run: 'none',
    });
  });

  it('runs on start-up when asked and nothing was missed', () => {
    const plan = planStartup(everyTwoSeconds, undefined, new Date('2030-01-01T00:00:00.5Z'), true);
    expect(plan.run).toBe('startup');
  });

  it('runs a missed occurrence once, past due, instead of the start-up run', () => {
    const stored: ScheduleStatus = {
      Last: iso('2030-01-01T00:00:02Z'),
      Next: iso('2030-01-01T00:00:04Z'),
      LastUpdated: iso('2030-01-01T00:00:02Z'),
    };
    // Several occurrences went by while no host ran: one past-due run stands for them.
    const plan = planStartup(everyTwoSeconds, stored, new Date('2030-01-01T00:00:11Z'), true);
    expect(plan).toEqual({ status: stored, store: false, run: 'pastDue' });
  });

  it('waits when the next occurrence is still ahead', () => {
    const stored: ScheduleStatus = {
      Last: iso('2030-01-01T00:00:02Z'),
      Next: iso('2030-01-01T00:00:04Z'),
      LastUpdated: iso('2030-01-01T00:00:02Z'),
    };
    const plan = planStartup(everyTwoSeconds, stored, new Date('2030-01-01T00:00:03Z'), false);
    expect(plan).toEqual({ status: stored, store: false, run: 'none' });
  });

  it('picks up a schedule that was made more frequent since the status was stored', () => {
    const hourly = parseSchedule('0 0 * * * *');
    const stored = planStartup(hourly, undefined, new Date('2030-01-01T00:10:00Z'), false).status;
    expect(stored.Next).toBe(iso('2030-01-01T01:00:00Z'));
    const plan = planStartup(
      parseSchedule('0 */15 * * * *'),
      stored,
      new Date('2030-01-01T00:12:00Z'),
      false,
    );
    expect(plan.store).toBe(true);
    expect(plan.status.Next).toBe(iso('2030-01-01T00:15:00Z'));
    expect(plan.run).toBe('none');
  });
});

describe('Function: statusAfterRun', () => {
  const before: ScheduleStatus = {
    Last: iso('2030-01-01T00:00:02Z'),
    Next: iso('2030-01-01T00:00:04Z'),
    LastUpdated: iso('2030-01-01T00:00:02Z'),
  };

  it('moves a scheduled run on from its occurrence, even when the clock fired early', () => {
    const early = new Date('2030-01-01T00:00:03.999Z');
    expect(statusAfterRun(everyTwoSeconds, before, 'scheduled', early)).toEqual({
      Last: iso('2030-01-01T00:00:04Z'),
      Next: iso('2030-01-01T00:00:06Z'),
      LastUpdated: iso('2030-01-01T00:00:04Z'),
    });
  });

  it('records the missed occurrence as the last one after a past-due run', () => {
    const now = new Date('2030-01-01T00:00:11.3Z');
    expect(statusAfterRun(everyTwoSeconds, before, 'pastDue', now)).toEqual({
      Last: iso('2030-01-01T00:00:04Z'),
      Next: iso('2030-01-01T00:00:12Z'),
      LastUpdated: now.toISOString(),
    });
  });

  it('keeps the upcoming occurrence after a start-up run', () => {
    const now = new Date('2030-01-01T00:00:03Z');
    expect(statusAfterRun(everyTwoSeconds, before, 'startup', now).Next).toBe(before.Next);
  });

  it('never yields the same occurrence twice in a row of scheduled runs', () => {
    let status = before;
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      expect(seen.has(status.Next)).toBe(false);
      seen.add(status.Next);
      status = statusAfterRun(everyTwoSeconds, status, 'scheduled', new Date(status.Next));
    }
  });
});
