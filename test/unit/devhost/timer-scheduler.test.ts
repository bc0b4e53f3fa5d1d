/**
 * The timer scheduler's loop over an in-memory status store: start-up runs, scheduled runs with
 * the payload the host passes, the status stored after each run, a missed occurrence run once as
 * past due by a later scheduler, a failing function that does not stop its schedule, and an
 * invalid schedule that disables only its own function.
 */
import type { RegisteredFunction } from '../../../devhost/host/functions-core';
import type { ScheduleMonitor } from '../../../devhost/host/schedule-monitor';
import { NEVER, type ScheduleStatus } from '../../../devhost/host/schedule-status';
import { TimerScheduler, type TimerPayload } from '../../../devhost/host/timer-scheduler';

class MemoryMonitor implements ScheduleMonitor {
  readonly statuses = new Map<string, ScheduleStatus>();
  get(name: string): Promise<ScheduleStatus | undefined> {
    return Promise.resolve(this.statuses.get(name));
  }
  update(name: string, status: ScheduleStatus): Promise<void> {
    this.statuses.set(name, status);
    return Promise.resolve();
  }
}

function timerFunction(name: string, trigger: Record<string, unknown>): RegisteredFunction {
  const binding = { type: 'timerTrigger', direction: 'in', name: 'timer', ...trigger };
  return {
    name,
    bindings: { timer: binding },
    callback: () => undefined,
    triggerName: 'timer',
    trigger: binding,
  };
}

interface Run {
  name: string;
  timer: TimerPayload;
}

function scheduler(
  functions: RegisteredFunction[],
  monitor: ScheduleMonitor,
  runs: Run[],
  logs: string[] = [],
  fail = new Set<string>(),
): TimerScheduler {
  return new TimerScheduler({
    functions,
    monitor,
    invoke: (fn, timer) => {
      runs.push({ name: fn.name, timer: structuredClone(timer) });
      return fail.has(fn.name) ? Promise.reject(new Error('handler failed')) : Promise.resolve();
    },
    setting: (name) => (name === 'EVERY_SECOND' ? '* * * * * *' : undefined),
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
}

async function until(what: string, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Class: TimerScheduler', () => {
  it('runs on start-up, then each occurrence once, storing the status after each run', async () => {
    const monitor = new MemoryMonitor();
    const runs: Run[] = [];
    const s = scheduler(
      [timerFunction('tick', { schedule: '%EVERY_SECOND%', runOnStartup: true })],
      monitor,
      runs,
    );
    await s.start();
    await until('three runs', () => runs.length >= 3);
    await s.drain();

    const [startup, ...scheduled] = runs;
    expect(startup?.timer).toMatchObject({
      IsPastDue: false,
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: NEVER },
    });
    const occurrences = scheduled.map((r) => r.timer.ScheduleStatus.Next);
    expect(new Set(occurrences).size).toBe(occurrences.length);
    for (let i = 1; i < scheduled.length; i++)
      expect(scheduled[i]!.timer.ScheduleStatus.Last).toBe(occurrences[i - 1]);
    expect(monitor.statuses.get('tick')?.Last).toBe(occurrences.at(-1));
  });

  it('runs a missed occurrence once, past due, when it starts after it', async () => {
    const monitor = new MemoryMonitor();
    // A yearly schedule whose last run was in 2020: the 2021 occurrence was missed.
    const missed = '2021-01-01T00:00:00.000Z';
    const last = '2020-01-01T00:00:00.000Z';
    monitor.statuses.set('tick', { Last: last, Next: missed, LastUpdated: last });
    const runs: Run[] = [];
    const s = scheduler(
      [timerFunction('tick', { schedule: '0 0 0 1 1 *', runOnStartup: true })],
      monitor,
      runs,
    );
    await s.start();
    await s.drain();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.timer).toMatchObject({ IsPastDue: true, ScheduleStatus: { Next: missed } });
    expect(monitor.statuses.get('tick')?.Last).toBe(missed);
  });

  it('keeps the schedule of a function that fails, and disables only an invalid one', async () => {
    const runs: Run[] = [];
    const logs: string[] = [];
    const s = scheduler(
      [
        timerFunction('failing', { schedule: '* * * * * *' }),
        timerFunction('invalid', { schedule: 'every minute' }),
      ],
      new MemoryMonitor(),
      runs,
      logs,
      new Set(['failing']),
    );
    await s.start();
    await until('two failing runs', () => runs.length >= 2);
    await s.drain();
    expect(runs.every((r) => r.name === 'failing')).toBe(true);
    expect(logs.some((l) => l.startsWith('error: Timer trigger failing failed'))).toBe(true);
    expect(logs).toContainEqual(
      expect.stringMatching(/Timer trigger invalid is disabled: .*'every minute'/),
    );
  });

  it('stores nothing for a function with useMonitor: false', async () => {
    const monitor = new MemoryMonitor();
    const runs: Run[] = [];
    const s = scheduler(
      [
        timerFunction('unmonitored', {
          schedule: '* * * * * *',
          runOnStartup: true,
          useMonitor: false,
        }),
      ],
      monitor,
      runs,
    );
    await s.start();
    await until('a run', () => runs.length >= 1);
    await s.drain();
    expect(monitor.statuses.size).toBe(0);
  });
});
